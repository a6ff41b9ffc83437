"""The district's org units from a CSV of HR's structure: read, check, compare, apply.

The roster names each person's unit by its code, and every delegation's scope is a unit
and all below it (R-III-E: "the Superintendent, or Superintendent's designee"), so the
tree must exist before the first roster import and follow HR afterwards. The units come
in a file of their own, not as columns of the roster: the tree changes a few times a year,
a unit is one row rather than a value repeated on every person's, and moving a unit moves
who holds authority over it by delegation, which is the server's operator's step
(``manage.py import_org_units``), not something the roster's page hands to a designee.

The same three steps as the roster (``roster.sync``): ``read`` turns the file into rows
or refuses it with every problem and its line number; ``compare`` says what would change
(the preview); ``apply`` makes the change in one transaction with an audit event per unit
added or changed. A file with any problem changes nothing; applying the same file twice
changes nothing the second time. Units in the portal but not in the file are left as they
are: a unit is never deleted here (people, accounts and delegations point at it).

The format (docs/org-units.md, docs/org-units-sample.csv): UTF-8 CSV, comma-separated, a
header row with ``code, name, kind, parent_code`` and optionally ``website``.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils.text import slugify

from audits.services import record_many
from mps_social import csvfiles
from mps_social.versioned_cache import changed_in_bulk

from .models import OrgUnit

REQUIRED = ["code", "name", "kind", "parent_code"]
OPTIONAL = ["website"]
MAX_BYTES = 8 * 1024 * 1024
LIMITS = {name: OrgUnit._meta.get_field(name).max_length for name in ("code", "name", "website")}
SLUG_LENGTH = OrgUnit._meta.get_field("slug").max_length
_url = URLValidator(schemes=["http", "https"])


class OrgUnitsInvalid(csvfiles.Invalid):
    """The file cannot be applied; ``errors`` lists every problem, with its line."""


@dataclass(frozen=True)
class Row:
    line: int
    code: str
    name: str
    kind: str
    parent_code: str
    website: str = ""


def read(data: bytes) -> list[Row]:
    """Parse and check the whole file against itself and the units already in the portal.
    Raises ``OrgUnitsInvalid`` with every problem."""
    return csvfiles.read_rows(data, invalid=OrgUnitsInvalid, row=_row, cross_check=_cross_check,
                              nothing="The file has a header but no unit in it.", required=REQUIRED, optional=OPTIONAL,
                              what="the list of units", each="unit", max_bytes=MAX_BYTES)


def _row(line: int, values: dict) -> tuple[Row | None, list[str]]:
    problems = []
    for name in ("code", "name", "kind"):
        if not values[name]:
            problems.append(f"Line {line}: {name} is empty.")
    for name, limit in LIMITS.items():
        if len(values.get(name, "")) > limit:
            problems.append(f"Line {line}: {name} is longer than {limit} characters.")
    kind = values["kind"].lower()
    if kind and kind not in OrgUnit.Kind.values:
        problems.append(f"Line {line}: kind “{values['kind']}” must be one of {', '.join(OrgUnit.Kind.values)}.")
    code, parent_code = values["code"], values["parent_code"]
    if kind == OrgUnit.Kind.DISTRICT and parent_code:
        problems.append(f"Line {line}: the district is the top of the tree: leave its parent_code empty.")
    if kind and kind != OrgUnit.Kind.DISTRICT and not parent_code:
        problems.append(f"Line {line}: parent_code is empty: every unit but the district sits inside another.")
    if code and parent_code == code:
        problems.append(f"Line {line}: {code} cannot sit inside itself.")
    website = values.get("website", "")
    if website:
        try:
            _url(website)
        except ValidationError:
            problems.append(f"Line {line}: “{website}” is not a web address (https://…).")
    if problems:
        return None, problems
    return Row(line, code, values["name"], kind, parent_code, website), []


def _cross_check(rows: list[Row]) -> list[str]:
    """What only the whole file and the portal's units can tell: the same code twice, a
    second district, an unknown parent, and parents that go round in a circle."""
    errors, first = [], {}
    for row in rows:
        if row.code in first:
            errors.append(f"Line {row.line}: code {row.code} is already on line {first[row.code]}.")
        else:
            first[row.code] = row.line
    existing = {code: (kind, parent)
                for code, kind, parent in OrgUnit.objects.values_list("code", "kind", "parent__code")}
    district = next((code for code, (kind, _parent) in existing.items() if kind == OrgUnit.Kind.DISTRICT), None)
    for row in rows:
        if row.kind == OrgUnit.Kind.DISTRICT:
            if district is None:
                district = row.code
            elif row.code != district:
                errors.append(f"Line {row.line}: {row.code} cannot be a second district: the district is {district}.")
        elif row.code == district:
            errors.append(f"Line {row.line}: {row.code} is the district: its kind stays district.")
    parent_of = {code: parent for code, (_kind, parent) in existing.items()}
    parent_of.update((row.code, row.parent_code or None) for row in rows)
    for row in rows:
        if row.parent_code and row.parent_code not in parent_of:
            errors.append(f"Line {row.line}: unknown parent_code “{row.parent_code}”: it is neither in the file nor "
                          "in the portal.")
    line_of = {row.code: row.line for row in rows}
    reported = set()
    for row in rows:
        chain, current = [], row.code
        while current is not None and current not in chain:
            chain.append(current)
            current = parent_of.get(current)
        if current is not None and current not in reported:
            cycle = chain[chain.index(current):]
            reported.update(cycle)
            errors.append(f"Line {line_of[cycle[0]]}: the units sit inside each other in a circle: "
                          f"{' → '.join(cycle + [cycle[0]])}.")
    return errors


# --- compare ----------------------------------------------------------------------------


@dataclass
class Plan:
    """What applying the file would change."""

    new: list[Row] = field(default_factory=list)
    changed: list[tuple[OrgUnit, Row, dict]] = field(default_factory=list)  # unit, row, {field: (old, new)}
    not_in_file: int = 0
    rows: list[Row] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.new or self.changed)

    @property
    def moved(self) -> list[tuple[OrgUnit, Row, dict]]:
        return [(unit, row, diff) for unit, row, diff in self.changed if "parent" in diff]

    def counts(self) -> dict[str, int]:
        return {"new units": len(self.new), "changed": len(self.changed), "moves": len(self.moved)}

    def lines(self) -> list[str]:
        """One line per unit added or changed, in the file's order, for the preview."""
        described = [(row.line, f"Line {row.line}: new {OrgUnit.Kind(row.kind).label.lower()} {row.code} "
                                f"“{row.name}”" + (f" in {row.parent_code}." if row.parent_code else "."))
                     for row in self.new]
        for _unit, row, diff in self.changed:
            changes = "; ".join(f"{name} {old or '—'} → {new or '—'}" for name, (old, new) in diff.items())
            described.append((row.line, f"Line {row.line}: {row.code}: {changes}."))
        return [text for _line, text in sorted(described)]


def compare(rows: list[Row]) -> Plan:
    """The preview: what would change, unit by unit, matched by code. An empty website
    leaves the portal's as it is (the admin may have set it)."""
    units = {unit.code: unit for unit in OrgUnit.objects.select_related("parent")}
    plan = Plan(rows=rows)
    for row in rows:
        unit = units.get(row.code)
        if unit is None:
            plan.new.append(row)
            continue
        wanted = {"name": row.name, "kind": row.kind, "website": row.website or unit.website,
                  "parent": row.parent_code or None}
        current = {"name": unit.name, "kind": unit.kind, "website": unit.website,
                   "parent": unit.parent.code if unit.parent_id else None}
        diff = {name: (current[name], value) for name, value in wanted.items() if current[name] != value}
        if diff:
            plan.changed.append((unit, row, diff))
    listed = {row.code for row in rows}
    plan.not_in_file = sum(1 for code in units if code not in listed)
    return plan


# --- apply ------------------------------------------------------------------------------


@transaction.atomic
def apply(plan: Plan, *, actor) -> dict[str, int]:
    """Make the plan true, all of it or none, in a fixed number of statements whatever the
    number of units: add the new units, set every name, kind, website and parent, work
    out every path again (``OrgUnit.path``) and carry a moved unit's new path to its
    accounts' copy (``OfficialAccount.unit_path``), as ``OrgUnit.save`` does for one unit;
    the caches built from units (the public directory) change as a save would change them.
    One audit event per unit added or changed; ``actor`` None is the server."""
    taken = set(OrgUnit.objects.values_list("slug", flat=True))
    OrgUnit.objects.bulk_create([OrgUnit(code=row.code, name=row.name, kind=row.kind, website=row.website,
                                         slug=_free_slug(row, taken), path="") for row in plan.new])
    units = {unit.code: unit for unit in OrgUnit.objects.all()}
    for _unit, row, diff in plan.changed:
        unit = units[row.code]
        for name in ("name", "kind", "website"):
            if name in diff:
                setattr(unit, name, diff[name][1])
    for row in [*plan.new, *(row for _unit, row, diff in plan.changed if "parent" in diff)]:
        units[row.code].parent_id = units[row.parent_code].pk if row.parent_code else None
    old_paths = {code: unit.path for code, unit in units.items()}
    _set_paths(units)
    written = {row.code for row in plan.new} | {row.code for _unit, row, _diff in plan.changed}
    written |= {code for code, unit in units.items() if unit.path != old_paths[code]}
    OrgUnit.objects.bulk_update([units[code] for code in written], ["name", "kind", "website", "parent", "path"],
                                batch_size=2000)
    moved = [unit.pk for code, unit in units.items() if old_paths[code] and unit.path != old_paths[code]]
    # The accounts, reached through the units' reverse relation as ``OrgUnit.save`` reaches
    # them: people is the ground floor and imports nothing above it.
    accounts = OrgUnit.accounts.field.model
    if moved:
        accounts.objects.filter(org_unit__in=moved).update(
            unit_path=Subquery(OrgUnit.objects.filter(pk=OuterRef("org_unit")).values("path")[:1]))
    changed_in_bulk(OrgUnit, *([accounts] if moved else []))
    record_many(actor=actor, verb="orgunit.added_from_import",
                items=[(units[row.code], None, {"code": row.code, "name": row.name, "kind": row.kind,
                                                "parent": row.parent_code or None, "website": row.website})
                       for row in plan.new])
    record_many(actor=actor, verb="orgunit.changed_from_import",
                items=[(units[row.code], {name: old for name, (old, _new) in diff.items()},
                        {name: new for name, (_old, new) in diff.items()}) for _unit, row, diff in plan.changed])
    return plan.counts()


def _free_slug(row: Row, taken: set[str]) -> str:
    """The unit's address in the directory: from its name, or from name and code when
    another unit has that one already (two schools' "Athletics"). A renamed unit keeps its
    address, so links to it keep working; the admin can change it."""
    base = slugify(row.name) or slugify(row.code) or "unit"
    slug, number = base[:SLUG_LENGTH], 1
    while slug in taken:
        suffix = f"-{slugify(row.code)}" + (f"-{number}" if number > 1 else "")
        slug, number = base[: SLUG_LENGTH - len(suffix)] + suffix, number + 1
    taken.add(slug)
    return slug


def _set_paths(units: dict[str, OrgUnit]) -> None:
    """Every unit's ``path`` from the parents as they now are, top down (the tree has no
    circle: ``read`` refused one)."""
    children: dict[int | None, list[OrgUnit]] = {}
    for unit in units.values():
        children.setdefault(unit.parent_id, []).append(unit)
    stack = [(unit, "/") for unit in children.get(None, [])]
    while stack:
        unit, above = stack.pop()
        unit.path = f"{above}{unit.pk}/"
        stack.extend((child, unit.path) for child in children.get(unit.pk, []))


def counts_line(summary: dict[str, int]) -> str:
    return ", ".join(f"{count} {label}" for label, count in summary.items() if count) or "no change"
