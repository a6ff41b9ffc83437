"""The demo district's protected names (Policy 4038 §III.A)."""

from people.models import OrgUnit

from .models import ProtectedName

# name, kind, owner's code
NAMES = [
    ("Minneapolis Public Schools", ProtectedName.Kind.DISTRICT, "MPS"),
    ("MPS", ProtectedName.Kind.ABBREVIATION, "MPS"),
    ("Roosevelt High School", ProtectedName.Kind.SCHOOL, "RHS"),
    ("Roosevelt Teddies", ProtectedName.Kind.MASCOT, "RHS"),
    ("Southwest High School", ProtectedName.Kind.SCHOOL, "SWHS"),
    ("Southwest Lakers", ProtectedName.Kind.TEAM, "SWHS"),
    ("Washburn High School", ProtectedName.Kind.SCHOOL, "WHS"),
    ("Washburn Millers", ProtectedName.Kind.TEAM, "WHS"),
    ("Anwatin Middle School", ProtectedName.Kind.SCHOOL, "ANW"),
    ("Anwatin Eagles", ProtectedName.Kind.MASCOT, "ANW"),
    ("Lake Harriet Community School", ProtectedName.Kind.SCHOOL, "LHC"),
    ("MPS Athletics", ProtectedName.Kind.DEPARTMENT, "ATH"),
    ("Roosevelt Robotics", ProtectedName.Kind.PROGRAM, "RHS-ROBO"),
    ("Southwest Debate", ProtectedName.Kind.PROGRAM, "SWHS-DEB"),
]


def seed(stdout):
    units = {unit.code: unit for unit in OrgUnit.objects.filter(code__in={code for _, _, code in NAMES})}
    for name, kind, code in NAMES:
        ProtectedName.objects.get_or_create(name=name, owner=units[code], defaults={"kind": kind})
    stdout.write(f"  {len(NAMES)} protected names.")
