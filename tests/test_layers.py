"""The house reads from the ground up (README, "Layers"): a module never imports one on a
floor above its own, and nothing hides a cycle inside a function.

Every import is read from the source with ``ast``, at the top of a module or inside a
function alike, so a rule cannot be dodged by importing late. Migrations are history and
are not read. A module belongs to the floor of the longest prefix of its name in
``FLOORS``; the apps' own modules are on their app's floor unless named apart.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

BASEMENT, GROUND, APPS, TOP = range(4)
NAMES = {BASEMENT: "the basement", GROUND: "the ground floor", APPS: "the apps' floor", TOP: "the top floor"}

FLOORS = {
    # The project's shared helpers: they import no app, and every app may use them.
    "mps_social": TOP,  # settings, URLs, the home page, the digest, the commands: they wire every app
    **{f"mps_social.{name}": BASEMENT for name in (
        "access", "actions", "admin_widgets", "celery", "context_processors", "csvfiles", "errors",
        "exports", "forms", "months", "permissions", "reminders", "request_context", "templatetags",
        "versioned_cache", "widgets", "worklist")},
    # People and the trail every app records into; the outbox every app mails through.
    "people": GROUND,
    "notifications": GROUND,
    "audits": GROUND,
    # The portal's apps, which may use one another (with the rules of ``LATERAL``).
    "accounts": APPS,
    "approvals": APPS,
    "concerns": APPS,
    "credentials": APPS,
    "training": APPS,
    "mps_social.security": APPS,  # who needs a second factor is read from the accounts' designations
    # What reads every app: the compliance audit and the HR roster's effects.
    "compliance": TOP,
    "roster": TOP,
}

# Imports between apps of the same floor that must not be.
LATERAL = {
    # Training knows nothing of applications: approvals fills its "applicants" audience
    # (training.audiences), and the weekly digest that counts decisions is mps_social.digest.
    "training": {"approvals", "concerns", "credentials"},
}

# Known imports against the floors, each to be removed by the change named beside it.
PENDING: dict[tuple[str, str], str] = {}

PACKAGES = sorted({name.split(".")[0] for name in FLOORS})

# Imports inside a function that remain, by file, with the reason; AppConfig.ready, where
# Django documents wiring signals and registries, is allowed everywhere.
LEFT_INSIDE_FUNCTIONS: dict[str, str] = {}


def _modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            yield name, path


MODULES = dict(_modules())


def floor_of(module: str) -> int | None:
    """The floor of ``module``, or None for a module outside the portal (Django, a library)."""
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        if (prefix := ".".join(parts[:end])) in FLOORS:
            return FLOORS[prefix]
    return None


def imports_of(name: str, path: Path) -> set[str]:
    """Every portal module ``name`` imports, resolved as precisely as the source says:
    ``from compliance import runs`` is ``compliance.runs``, not ``compliance``."""
    tree = ast.parse(path.read_text(), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            for alias in node.names:
                found.add(submodule if (submodule := f"{base}.{alias.name}") in MODULES else base)
    return {module for module in found if floor_of(module) is not None and module.split(".")[0] != "tests"}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_a_floor_never_imports_one_above_it(name):
    floor = floor_of(name)
    above = [f"{name} ({NAMES[floor]}) imports {module} ({NAMES[floor_of(module)]})"
             for module in sorted(imports_of(name, MODULES[name]))
             if floor_of(module) > floor and (name, module) not in PENDING]
    assert not above, "\n".join(above)


@pytest.mark.parametrize("package", sorted(LATERAL))
def test_an_app_never_imports_its_neighbours_it_must_not_know(package):
    """Training knows nothing of applications (nor of concerns or the escrow)."""
    crossings = [f"{name} imports {module}" for name, path in MODULES.items() if name.split(".")[0] == package
                 for module in sorted(imports_of(name, path)) if module.split(".")[0] in LATERAL[package]]
    assert not crossings, "\n".join(crossings)


def test_people_is_the_ground_floor():
    """People imports nothing of accounts, credentials, approvals, training, concerns, the
    compliance audit or the roster: the roster's effects on them are the roster's (top floor)."""
    upper = {"accounts", "approvals", "concerns", "credentials", "roster", "training", "compliance"}
    reached = {f"{name} imports {module}" for name, path in MODULES.items() if name.split(".")[0] == "people"
               for module in imports_of(name, path) if any(module == up or module.startswith(f"{up}.") for up in upper)}
    assert not reached, "\n".join(sorted(reached))


def test_the_roster_is_the_top_floor():
    """Nothing but the project's wiring (its URLs) and the home page, which gathers what
    waits for each person from every app (a roster to confirm among them), imports the
    roster app."""
    importers = {name for name, path in MODULES.items() if not name.startswith("roster")
                 for module in imports_of(name, path) if module.split(".")[0] == "roster"}
    assert importers <= {"mps_social.urls", "mps_social.home"}, importers


def _portal(node: ast.Import | ast.ImportFrom) -> bool:
    if isinstance(node, ast.ImportFrom):
        return bool(node.level) or (node.module or "").split(".")[0] in PACKAGES
    return any(alias.name.split(".")[0] in PACKAGES for alias in node.names)


def _imports_inside_functions(path: Path) -> list[int]:
    """The lines importing a portal module inside a function (a library's is no cycle)."""
    tree = ast.parse(path.read_text(), str(path))
    lines = set()
    for function in ast.walk(tree):
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) and not (
                path.name == "apps.py" and function.name == "ready"):
            lines |= {node.lineno for node in ast.walk(function)
                      if isinstance(node, (ast.Import, ast.ImportFrom)) and _portal(node)}
    return sorted(lines)


def test_no_import_inside_a_function_to_dodge_a_cycle():
    """An import inside a function hides a cycle between floors. Those left are listed, each
    with the change that removes it; one removed must leave the list too."""
    found = {str(path.relative_to(ROOT)): lines for path in MODULES.values()
             if (lines := _imports_inside_functions(path))}
    new = {path: lines for path, lines in found.items() if path not in LEFT_INSIDE_FUNCTIONS}
    assert not new, f"imports inside functions: {new}"
    gone = set(LEFT_INSIDE_FUNCTIONS) - set(found)
    assert not gone, f"no longer import inside a function, take them off LEFT_INSIDE_FUNCTIONS: {sorted(gone)}"


def test_the_floors_name_every_package_of_the_portal():
    """A new app must take its floor here before it can import anything."""
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps <= set(PACKAGES), apps - set(PACKAGES)
