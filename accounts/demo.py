"""The demo district's protected names (Policy 4038 §III.A) and official accounts. The
active accounts' annual reviews fall due in 30 days, so the daily job (run here once) has
reminded their site managers (R-V-D)."""

from datetime import timedelta

from django.utils import timezone

from audits.services import record
from mps_social.versioned_cache import changed_in_bulk
from people.models import OrgUnit, User

from . import services
from .catalogue import add_protected_names
from .models import FormerHandle, OfficialAccount, Platform, ProtectedName

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
    add_protected_names([ProtectedName(name=name, kind=kind, owner=units[code]) for name, kind, code in NAMES],
                        actor=None)
    stdout.write(f"  {len(NAMES)} protected names.")
    seed_accounts(stdout)


# display name, platform slug, handle, unit code, site manager email, backup email, status
ACCOUNTS = [
    ("Minneapolis Public Schools", "facebook", "MinneapolisPublicSchools", "MPS", "webmaster@example.org", "designee@example.org", "active"),
    ("MPS on X", "x", "MPS_News", "MPS", "webmaster@example.org", None, "active"),
    ("MPS on Instagram", "instagram", "mplspublicschools", "MPS", "webmaster@example.org", None, "active"),
    ("MPS on YouTube", "youtube", "MPSVideo", "COMM", "webmaster@example.org", None, "active"),
    ("MPS on LinkedIn", "linkedin", "minneapolis-public-schools", "MPS", "designee@example.org", None, "active"),
    ("Roosevelt Teddies", "instagram", "roosevelt_teddies", "RHS", "principal@example.org", "teacher@example.org", "active"),
    ("Roosevelt High School", "facebook", "RooseveltHighMpls", "RHS", "principal@example.org", None, "active"),
    ("Southwest Lakers Soccer", "instagram", "swlakerssoccer", "SWHS", "coach@example.org", None, "active"),
    ("Washburn Millers", "x", "WashburnMillers", "WHS", "principal.washburn@example.org", "teacher.washburn@example.org", "suspended"),
    ("MPS Athletics", "x", "MPSAthletics", "ATH", "athletics@example.org", None, "active"),
    ("Roosevelt Robotics", "youtube", "RooseveltRobotics", "RHS-ROBO", "teacher@example.org", None, "pending_setup"),
    ("Anwatin Eagles", "facebook", "AnwatinEagles", "ANW", "principal@example.org", None, "retired"),
]


# What each account posts (the application's one line for families), by handle.
DESCRIPTIONS = {
    "MinneapolisPublicSchools": "District news, school closings and enrollment dates for families.",
    "MPS_News": "Breaking news and weather closings from the district.",
    "mplspublicschools": "Photos from classrooms and events across the district.",
    "MPSVideo": "Board meetings, graduations and stories from our schools, on video.",
    "minneapolis-public-schools": "Jobs and news for the district's staff and partners.",
    "roosevelt_teddies": "Roosevelt High's school spirit: games, clubs and events.",
    "RooseveltHighMpls": "Announcements and calendars of Roosevelt High School, for families.",
    "swlakerssoccer": "Game days, scores and team news of the Southwest soccer teams.",
    "MPSAthletics": "Schedules, scores and sign-ups for sports across the district.",
}
# Policy 4038 §III.E: one account the district has lost control of, warned about in public.
def seed_accounts(stdout):
    """Official accounts in every state. They predate the escrow in this demo: their
    activation is recorded as demo data, not as escrowed credentials."""
    superintendent = User.objects.get(email="superintendent@example.org")
    units = {unit.code: unit for unit in OrgUnit.objects.all()}
    platforms = {platform.slug: platform for platform in Platform.objects.all()}
    people = {user.email: user for user in User.objects.all()}
    for name, slug, handle, code, manager, backup, status in ACCOUNTS:
        if (OfficialAccount.objects.filter(platform=platforms[slug], handle__iexact=handle).exists()
                or FormerHandle.objects.filter(platform=platforms[slug], handle__iexact=handle).exists()):
            continue  # seeded already (and perhaps renamed since: ``RENAMED``)
        account = services.establish_account(
            actor=superintendent, platform=platforms[slug], org_unit=units[code], display_name=name,
            handle=handle, site_manager=people[manager], backup=people.get(backup),
            origin=OfficialAccount.Origin.DIRECT, reason="Demo data: an account the district runs.",
            description=DESCRIPTIONS.get(handle, ""),
        )
        if status != "pending_setup":
            today = timezone.localdate()
            OfficialAccount.objects.filter(pk=account.pk).update(
                status=status, official_since=today - timedelta(days=400),
                next_review_due=today + timedelta(days=30 if status == "active" else -10),
                status_reason="Demo data",
            )
            record(actor=superintendent, verb="account.activated", target=account, org_unit=account.org_unit,
                   before={"status": "pending_setup"}, after={"status": status}, reason="Demo data")
    changed_in_bulk(OfficialAccount)  # the statuses above were written without signals
    rename(superintendent, platforms["x"])
    reminded = services.send_review_reminders()
    stdout.write(f"  {len(ACCOUNTS)} official accounts, {reminded} reminders of annual reviews.")


# The communications office renamed the district's X account: "is this account official?"
# still knows the old handle and answers "formerly @MPS_News, now @MPS_Updates".
RENAMED = ("MPS_News", "MPS_Updates")


def rename(superintendent, platform):
    old, new = RENAMED
    account = OfficialAccount.objects.filter(platform=platform, handle__iexact=old).first()
    if account is not None:
        services.edit_account(actor=superintendent, account=account, display_name=account.display_name,
                              handle=new, org_unit=account.org_unit, description=account.description,
                              reason="Demo data: the communications office renamed the account on X.")
