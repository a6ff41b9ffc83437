"""The staff roster from HR: read, check, compare, apply (Policy 4038 §III.E hangs escrow
access on "the site manager's supervisor", so that fact must come from HR and stay current).

Three steps, each usable alone: ``read`` turns the file into rows or refuses it with every
problem and its line number; ``compare`` says what would change (the preview); ``apply``
makes the change in one transaction (its effects on delegations, accounts and escrow are
``roster.effects``', carried out in the same transaction by ``services.apply_plan``). A
file with any error changes nothing; applying the same file twice changes nothing the
second time.

The format (docs/roster.md, docs/roster-sample.csv): UTF-8 CSV, comma-separated, a header
row with ``employee_id, email, full_name, kind, org_unit, supervisor_id, active`` and
optionally ``job_title``.
"""

from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from audits.services import record_many
from mps_social import csvfiles

from people import addresses
from people.models import OrgUnit, User

REQUIRED = ["employee_id", "email", "full_name", "kind", "org_unit", "supervisor_id", "active"]
OPTIONAL = ["job_title"]
TRUE, FALSE = {"yes", "y", "true", "1", "active"}, {"no", "n", "false", "0", "inactive"}
MAX_BYTES = 64 * 1024 * 1024


class RosterInvalid(csvfiles.Invalid):
    """The file cannot be applied; ``errors`` lists every problem, with its line."""


@dataclass(frozen=True)
class Row:
    line: int
    employee_id: str
    email: str
    full_name: str
    kind: str
    org_unit: str
    supervisor_id: str
    active: bool
    job_title: str = ""


def read(data: bytes) -> list[Row]:
    """Parse and check the whole file. Raises ``RosterInvalid`` with every problem."""
    return csvfiles.read_rows(data, invalid=RosterInvalid, row=_row, cross_check=_cross_check,
                              nothing="The file has a header but nobody in it.", required=REQUIRED, optional=OPTIONAL,
                              what="the roster", each="person", max_bytes=MAX_BYTES)


def _row(line: int, values: dict) -> tuple[Row | None, list[str]]:
    problems = []
    for name in ("employee_id", "email", "full_name", "kind", "org_unit", "active"):
        if not values[name]:
            problems.append(f"Line {line}: {name} is empty.")
    email = values["email"].lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problems.append(f"Line {line}: “{values['email']}” is not an email address.")
    kind = values["kind"].lower()
    if kind and kind not in User.Kind.values:
        problems.append(f"Line {line}: kind “{values['kind']}” must be employee or contractor.")
    active = values["active"].lower()
    if active and active not in TRUE | FALSE:
        problems.append(f"Line {line}: active “{values['active']}” must be yes or no.")
    if values["supervisor_id"] and values["supervisor_id"] == values["employee_id"]:
        problems.append(f"Line {line}: {values['employee_id']} cannot supervise themselves.")
    if problems:
        return None, problems
    return Row(line, values["employee_id"], email, values["full_name"], kind, values["org_unit"],
               values["supervisor_id"], active in TRUE, values.get("job_title", "")), []


def _cross_check(rows: list[Row]) -> list[str]:
    """What only the whole file can tell: duplicates, unknown units and supervisors, cycles."""
    errors = []
    for key, label in (("employee_id", "employee id"), ("email", "email")):
        first = {}
        for row in rows:
            value = getattr(row, key)
            if value in first:
                errors.append(f"Line {row.line}: {label} {value} is already on line {first[value]}.")
            else:
                first[value] = row.line
    units = set(OrgUnit.objects.filter(code__in={row.org_unit for row in rows}).values_list("code", flat=True))
    by_id = {row.employee_id: row for row in rows}
    for row in rows:
        if row.org_unit not in units:
            errors.append(f"Line {row.line}: unknown org unit code “{row.org_unit}”.")
        if row.supervisor_id and row.supervisor_id not in by_id:
            errors.append(f"Line {row.line}: supervisor {row.supervisor_id} is not in the roster.")
    reported = set()
    for row in rows:
        chain, current = [], row
        while current is not None and current.supervisor_id and current.employee_id not in chain:
            chain.append(current.employee_id)
            current = by_id.get(current.supervisor_id)
        if current is not None and current.employee_id in chain and current.employee_id not in reported:
            cycle = chain[chain.index(current.employee_id):]
            reported.update(cycle)
            errors.append(f"Line {by_id[cycle[0]].line}: the supervisors go round in a circle: "
                          f"{' → '.join(cycle + [cycle[0]])}.")
    return errors


# --- compare ----------------------------------------------------------------------------

FIELDS = ["email", "full_name", "job_title", "kind", "org_unit_id", "is_active"]
LABELS = {"email": "email", "full_name": "name", "job_title": "job title", "kind": "employee or contractor",
          "org_unit_id": "unit", "is_active": "active", "employee_id": "employee id"}


@dataclass
class Plan:
    """What applying the roster would change."""

    new: list[Row] = field(default_factory=list)
    changed: list[tuple[User, Row, dict]] = field(default_factory=list)  # user, row, {field: (old, new)}
    supervisor_changes: list[tuple[User | Row, str, str]] = field(default_factory=list)  # who, old id, new id
    deactivated: list[User] = field(default_factory=list)
    reactivated: list[User] = field(default_factory=list)
    became_contractors: list[User] = field(default_factory=list)
    moved: list[tuple[User, str, str]] = field(default_factory=list)  # user, old unit, new unit
    not_in_roster: int = 0
    rows: list[Row] = field(default_factory=list)
    row_of: dict[int, Row] = field(default_factory=dict)  # the file's row of each person already in the portal

    def line_of(self, who: User | Row) -> int:
        return who.line if isinstance(who, Row) else self.row_of[who.pk].line

    @property
    def is_empty(self) -> bool:
        return not (self.new or self.changed or self.supervisor_changes)

    def other_changes(self) -> list[tuple[User, str]]:
        """(person, "what changed") for changes the other lists do not already show."""
        described = []
        for user, _row, diff in self.changed:
            names = [LABELS[name] for name in diff if name not in ("is_active", "org_unit_id")]
            if names:
                described.append((user, ", ".join(names)))
        return described

    def counts(self) -> dict[str, int]:
        return {"new people": len(self.new), "changed": len(self.changed),
                "supervisor changes": len(self.supervisor_changes), "moves between units": len(self.moved),
                "deactivations": len(self.deactivated), "reactivations": len(self.reactivated),
                "became contractors": len(self.became_contractors)}


def compare(rows: list[Row]) -> Plan:
    """The preview: what would change, person by person. Matches people by employee id,
    else by email (someone added by hand before the roster knew them)."""
    units = dict(OrgUnit.objects.values_list("code", "pk"))
    unit_codes = {pk: code for code, pk in units.items()}
    people = {user.employee_id: user for user in User.objects.exclude(employee_id=None)}
    by_email = {user.email: user for user in User.objects.filter(employee_id=None)}
    ids = {user.pk: user.employee_id for user in people.values()}
    plan = Plan(rows=rows)
    email_owner = dict(User.objects.values_list("email", "employee_id"))
    for row in rows:
        user = people.get(row.employee_id) or by_email.get(row.email)
        if user is None:
            if row.email in email_owner:
                raise RosterInvalid([f"Line {row.line}: {row.email} belongs to employee "
                                     f"{email_owner[row.email]} in the portal, not {row.employee_id}."])
            plan.new.append(row)
            continue
        plan.row_of[user.pk] = row
        wanted = {"email": row.email, "full_name": row.full_name, "job_title": row.job_title or user.job_title,
                  "kind": row.kind, "org_unit_id": units[row.org_unit], "is_active": row.active}
        diff = {name: (getattr(user, name), value) for name, value in wanted.items() if getattr(user, name) != value}
        if user.employee_id != row.employee_id:
            diff["employee_id"] = (user.employee_id, row.employee_id)
        if diff:
            plan.changed.append((user, row, diff))
        if "is_active" in diff:
            (plan.deactivated if not row.active else plan.reactivated).append(user)
        if diff.get("kind", (None, None))[1] == User.Kind.CONTRACTOR:
            plan.became_contractors.append(user)
        if "org_unit_id" in diff:
            old = diff["org_unit_id"][0]
            plan.moved.append((user, unit_codes.get(old, "—"), row.org_unit))
        old_supervisor = ids.get(user.supervisor_id, "") if user.supervisor_id else ""
        if old_supervisor != row.supervisor_id:
            plan.supervisor_changes.append((user, old_supervisor, row.supervisor_id))
    for row in plan.new:
        if row.supervisor_id:
            plan.supervisor_changes.append((row, "", row.supervisor_id))
    listed = {row.employee_id for row in rows}
    plan.not_in_roster = sum(1 for employee_id in people if employee_id not in listed)
    return plan


def making_supervisor_of_others(plan: Plan, user: User) -> list[str]:
    """The lines of ``plan`` that would make ``user`` somebody's supervisor, as problems:
    nobody hands themselves a supervisor's reach (a site manager's escrowed credentials,
    R-III-E) with a file they import or confirm. The superintendent, who holds every power
    already, gains nothing this way and is not asked."""
    if not user.employee_id or user.is_superintendent:
        return []
    return [f"Line {plan.line_of(who)}: this file makes you the supervisor of {who.full_name}. "
            "Somebody else must import that change." for who, _old, new in plan.supervisor_changes
            if new == user.employee_id]


# --- apply ------------------------------------------------------------------------------


@transaction.atomic
def apply(plan: Plan, *, actor: User | None, progress=None) -> dict[str, int]:
    """Make the plan true, all of it or none; its effects on accounts and escrow are the
    caller's (``services.apply_plan``). ``progress(done, total)`` is called as people are
    written, for long files. The addresses of the people listed become verified ones, but a
    changed address waits for the person to confirm it by mail (``people.addresses``)."""
    total = len(plan.new) + len(plan.changed) + len(plan.supervisor_changes)
    done = 0
    units = dict(OrgUnit.objects.values_list("code", "pk"))
    unusable = make_password(None)
    new_users = [User(employee_id=row.employee_id, email=row.email, full_name=row.full_name, job_title=row.job_title,
                      kind=row.kind, org_unit_id=units[row.org_unit], is_active=row.active, password=unusable)
                 for row in plan.new]
    User.objects.bulk_create(new_users, batch_size=2000)
    done += len(new_users)
    _tick(progress, done, total)
    changed_users = []
    for user, _row, diff in plan.changed:
        for name, (_old, new) in diff.items():
            setattr(user, name, new)
        changed_users.append(user)
    if changed_users:
        User.objects.bulk_update(changed_users, ["employee_id", *FIELDS], batch_size=2000)
    done += len(changed_users)
    _tick(progress, done, total)
    by_employee = dict(User.objects.exclude(employee_id=None).values_list("employee_id", "pk"))
    supervised = []
    for who, _old, new in plan.supervisor_changes:
        employee_id = who.employee_id
        supervised.append(User(pk=by_employee[employee_id], supervisor_id=by_employee.get(new) if new else None))
    if supervised:
        User.objects.bulk_update(supervised, ["supervisor_id"], batch_size=2000)
    done += len(supervised)
    _tick(progress, done, total)
    new_by_id = {user.employee_id: user for user in User.objects.filter(employee_id__in=[r.employee_id for r in plan.new])}
    # Addresses HR gives are verified ("verified by HR"); one HR changes is confirmed by mail.
    moved_address = [user for user, _row, diff in plan.changed if "email" in diff]
    listed = set(plan.row_of) - {user.pk for user in moved_address}
    addresses.mark_verified([*new_by_id.values(), *addresses.not_yet_verified(listed)], actor=actor, source="roster")
    addresses.confirm_by_mail([user for user in moved_address if user.is_active], actor=actor)
    record_many(actor=actor, verb="person.added_from_roster",
                items=[(new_by_id[row.employee_id], None, {"employee_id": row.employee_id, "org_unit": row.org_unit})
                       for row in plan.new])
    record_many(actor=actor, verb="person.changed_from_roster",
                items=[(user, {name: _plain(old) for name, (old, _new) in diff.items()},
                        {name: _plain(new) for name, (_old, new) in diff.items()}) for user, _row, diff in plan.changed])
    record_many(actor=actor, verb="person.supervisor_from_roster",
                items=[(User(pk=by_employee[who.employee_id], full_name=getattr(who, "full_name", "")),
                        {"supervisor": old or None}, {"supervisor": new or None})
                       for who, old, new in plan.supervisor_changes])
    return plan.counts()


def _plain(value):
    return value if value is None or isinstance(value, (str, bool, int)) else str(value)


def _tick(progress, done, total):
    if progress is not None:
        progress(done, total)


def counts_line(summary: dict[str, int]) -> str:
    return ", ".join(f"{count} {label}" for label, count in summary.items() if count) or "no change"

