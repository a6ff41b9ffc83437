"""The demo district's people and org units (see README, "Demo logins"). Angela Brooks's
narrow delegation ends in ten days, so the daily job (run here once) has reminded her and
the superintendent."""

from datetime import timedelta

from django.utils import timezone

from audits.services import record
from notifications.services import notify

from . import addresses, services
from .models import Delegation, OrgUnit, User

DEMO_PASSWORD = "mps-demo-2026"

# code, name, kind, parent code
UNITS = [
    ("MPS", "Minneapolis Public Schools", OrgUnit.Kind.DISTRICT, None),
    ("COMM", "Communications Department", OrgUnit.Kind.DEPARTMENT, "MPS"),
    ("TL", "Teaching and Learning", OrgUnit.Kind.DEPARTMENT, "MPS"),
    ("ATH", "Athletics Department", OrgUnit.Kind.DEPARTMENT, "MPS"),
    ("RHS", "Roosevelt High School", OrgUnit.Kind.SCHOOL, "MPS"),
    ("SWHS", "Southwest High School", OrgUnit.Kind.SCHOOL, "MPS"),
    ("WHS", "Washburn High School", OrgUnit.Kind.SCHOOL, "MPS"),
    ("ANW", "Anwatin Middle School", OrgUnit.Kind.SCHOOL, "MPS"),
    ("LHC", "Lake Harriet Community School", OrgUnit.Kind.SCHOOL, "MPS"),
    ("RHS-ROBO", "Roosevelt Robotics Club", OrgUnit.Kind.PROGRAM, "RHS"),
    ("SWHS-DEB", "Southwest Debate Team", OrgUnit.Kind.PROGRAM, "SWHS"),
    ("SCIFAIR", "District Science Fair", OrgUnit.Kind.PROGRAM, "TL"),
]

# email, name, title, kind, unit code, supervisor email, flags (the superintendent is appointed
# once everyone exists, by the administrator, as the service does it: staff are told)
PEOPLE = [
    ("superintendent@example.org", "Dr. Lena Ortiz", "Superintendent", "employee", "MPS", None, {"superintendent": True}),
    ("designee@example.org", "Marcus Hill", "Chief Communications Officer", "employee", "COMM", "superintendent@example.org", {}),
    ("principal@example.org", "Angela Brooks", "Principal, Roosevelt High School", "employee", "RHS", "superintendent@example.org", {}),
    ("principal.southwest@example.org", "David Lindqvist", "Principal, Southwest High School", "employee", "SWHS", "superintendent@example.org", {}),
    ("principal.washburn@example.org", "Keisha Walker", "Principal, Washburn High School", "employee", "WHS", "superintendent@example.org", {}),
    ("athletics@example.org", "Tom Berg", "Director of Athletics", "employee", "ATH", "superintendent@example.org", {}),
    ("teacher@example.org", "Sam Nguyen", "Science teacher", "employee", "RHS", "principal@example.org", {}),
    ("teacher.washburn@example.org", "Priya Raman", "English teacher", "employee", "WHS", "principal.washburn@example.org", {}),
    ("coach@example.org", "Jordan Reyes", "Head coach, girls' soccer", "employee", "SWHS", "principal.southwest@example.org", {}),
    ("webmaster@example.org", "Chris Olson", "Web and social media specialist", "employee", "COMM", "designee@example.org", {}),
    ("contractor@example.org", "Pat Kim", "Event photographer (contract)", "contractor", "COMM", "designee@example.org", {}),
    ("admin@example.org", "Robin Ellis", "Portal administrator, IT", "employee", "MPS", "designee@example.org", {"admin": True}),
]

# unit code → its head's email
HEADS = {"RHS": "principal@example.org", "SWHS": "principal.southwest@example.org",
         "WHS": "principal.washburn@example.org"}


def seed(stdout):
    units = {}
    for code, name, kind, parent in UNITS:
        unit, created = OrgUnit.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "parent": units.get(parent)}
        )
        units[code] = unit
    people, added = {}, []
    for number, (email, name, title, kind, unit, supervisor, flags) in enumerate(PEOPLE, start=1):
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(
                email=email,
                full_name=name,
                job_title=title,
                kind=kind,
                employee_id=f"E{10000 + number}",
                org_unit=units[unit],
                supervisor=people.get(supervisor),
                is_staff=flags.get("admin", False),
                is_superuser=flags.get("admin", False),
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            added.append(user)
        people[email] = user
    addresses.mark_verified(added, actor=None, source="demo")  # as the roster would
    if not User.objects.filter(is_superintendent=True).exists():
        services.appoint_superintendent(
            actor=people["admin@example.org"],
            appointee=next(people[row[0]] for row in PEOPLE if row[-1].get("superintendent")),
            reason="Appointed by the school board; recorded in the portal by its administrator.")
    superintendent, designee = User.objects.get(is_superintendent=True), people["designee@example.org"]
    today = timezone.localdate()
    if not Delegation.objects.filter(grantee=designee).exists():
        delegation = Delegation.objects.create(
            grantee=designee,
            granted_by=superintendent,
            scope=units["MPS"],
            decide_applications=True,
            establish_accounts=True,
            reveal_credentials=True,
            triage_concerns=True,
            oversee_compliance=True,
            import_roster=True,
            starts_on=today - timedelta(days=30),
            ends_on=today + timedelta(days=335),
            reason="Runs the district's social media program for the school year.",
        )
        record(actor=superintendent, verb="delegation.granted", target=delegation, org_unit=units["MPS"],
               reason="Demo data")
        notify(recipient=designee, template="delegation_granted",
               context={"delegation": delegation, "powers": delegation.get_powers_display()})
    principal = people["principal@example.org"]
    if not Delegation.objects.filter(grantee=principal).exists():
        # A narrow delegation: her school's compliance, and nothing else anywhere.
        delegation = Delegation.objects.create(
            grantee=principal, granted_by=superintendent, scope=units["RHS"], oversee_compliance=True,
            starts_on=today - timedelta(days=10), ends_on=today + timedelta(days=10),
            reason="Follows her school's accounts through the audit this semester.")
        record(actor=superintendent, verb="delegation.granted", target=delegation, org_unit=units["RHS"],
               reason="Demo data")
        notify(recipient=principal, template="delegation_granted",
               context={"delegation": delegation, "powers": delegation.get_powers_display()})
    # The schools' heads: told of the concern reports about their schools' accounts and names.
    for code, email in HEADS.items():
        unit = units[code]
        if unit.head_id is None:
            unit.head = people[email]
            unit.save(update_fields=["head"])
            record(actor=None, verb="orgunit.head_changed", target=unit, before={"head": None},
                   after={"head": email}, org_unit=unit, reason="Demo data")
    reminded = services.send_delegation_reminders(today=today)
    stdout.write(f"  {len(units)} org units, {len(people)} people, the superintendent's designees, "
                 f"{len(HEADS)} principals as their schools' heads, {reminded} reminders of delegations ending.")
