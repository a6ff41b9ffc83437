"""The home page's "Needs your attention" (issue #22, mps_social.home): what each person must
do, most urgent first, each item with why, by when and the page where it is done, read
from the selectors the queues use; and its cost, the same at any size of the district."""

import html
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import services as registry
from accounts.models import Designation, OfficialAccount, Platform
from accounts.selectors import reviews_due
from approvals.models import Application
from compliance import runs
from compliance.selectors import findings_to_fix
from concerns.models import ConcernReport
from credentials.models import AccessGrant
from credentials.selectors import to_escrow
from credentials.services import reveal
from mps_social.home import needs_attention
from mps_social.worklist import LIMIT, Item, Urgency, ordered
from people.demo import DEMO_PASSWORD, PEOPLE
from people.models import Delegation, User
from roster.models import RosterImport
from training.selectors import current_versions
from training.services import acknowledge

from .a11y import assert_accessible
from .queries import assert_constant_queries

# Each demo person's list, in its order: what the demo's state implies (README, "Demo
# logins"). Titles as the page shows them, then the page each leads to.
DEMO_LISTS = {
    "superintendent@example.org": [
        "Decide on Southwest Lakers Girls Soccer",  # endorsed, waiting for a decision (R-III-C)
        "Keisha Walker's site manager training is not current",  # she supervises Keisha (§V.C)
        "Triage a new concern report about MPS Athletics",  # R-IV-B
        "Triage a new concern report about Roosevelt High School",  # an impersonation of its name (R-III-A)
        "Angela Brooks's delegation over Roosevelt High School ends",  # within two weeks: grant anew?
        "Chris Olson's access to MPS Athletics ends",  # lent access ending within two weeks (R-III-E)
        "Robin Ellis's access to MPS on YouTube ends",
    ],
    "designee@example.org": [
        "Decide on Southwest Lakers Girls Soccer",
        "Triage a new concern report about MPS Athletics",
        "Triage a new concern report about Roosevelt High School",
        "Chris Olson's access to MPS Athletics ends",
        "Robin Ellis's access to MPS on YouTube ends",
        "Record the annual review of MPS on LinkedIn",
    ],
    "principal@example.org": [
        "Read the concern report about Roosevelt High School",  # she heads Roosevelt (R-IV-B)
        "Your delegation over Roosevelt High School ends",
        "Renew your training: Social media site manager training",  # expires within the month
        "Record the annual review of Roosevelt High School",
        "Record the annual review of Roosevelt Teddies",
    ],
    "principal.southwest@example.org": ["Jordan Reyes's site manager training is not current"],
    "principal.washburn@example.org": [
        "Endorse or send back Washburn Writers",
        "Escrow the credentials of Washburn Millers",
        "Take the course: Social media site manager training",
    ],
    "athletics@example.org": [
        "Read the concern report about MPS Athletics",  # he manages it: he follows, never triages, it
        "Record the annual review of MPS Athletics",
    ],
    "teacher@example.org": [
        "Escrow the credentials of Roosevelt Robotics",
        "Make the changes asked for to RHS Science Department",
        "Take the course: Before you apply: an official account checklist",
        "Finish your draft: Roosevelt Science Olympiad",
    ],
    "teacher.washburn@example.org": [
        "Escrow the credentials of Washburn Theatre",
        "Read and acknowledge the new version of Regulation 6415: Internet and Educational Network Use",
        "Take the course: Before you apply: an official account checklist",
    ],
    "coach@example.org": [
        "Renew your training: Social media site manager training",  # overdue: first
        "Escrow the credentials of Southwest Lakers Soccer",
        "Take the course: Before you apply: an official account checklist",
        "Record the annual review of Southwest Lakers Soccer",
    ],
    "webmaster@example.org": [
        "Change the password of MPS on YouTube and escrow the new one",  # compromised (§III.E)
        "Change the password of Minneapolis Public Schools and escrow the new one",  # revealed by the designee
        "Your access to the log-in of MPS Athletics ends",
        "Record the annual review of MPS on Instagram",
        "Record the annual review of MPS on X",
        "Record the annual review of MPS on YouTube",
        "Record the annual review of Minneapolis Public Schools",
    ],
    "contractor@example.org": ["Read and acknowledge Policy 4038: Social Media Use"],
    "admin@example.org": ["Your access to the log-in of MPS on YouTube ends"],
}

ITEM = re.compile(r'<li class="worklist-item[^"]*">\s*<h3>(.*?)</h3>.*?<a class="button[^"]*" href="([^"]+)"', re.S)


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)


def signed_in(email: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email), backend="django.contrib.auth.backends.ModelBackend")
    return client


def listed(client: Client) -> list[tuple[str, str]]:
    """The home page's list: each item's title and the address its button leads to."""
    page = client.get("/").content.decode()
    return [(html.unescape(what), html.unescape(url)) for what, url in ITEM.findall(page)]


def test_every_demo_person_is_in_the_table():
    assert set(DEMO_LISTS) == {row[0] for row in PEOPLE}


@pytest.mark.parametrize("email", list(DEMO_LISTS))
def test_each_demo_home_lists_exactly_what_the_demo_implies(demo, email):
    """Issue #22: every demo person's home lists what they must do, most urgent first, each
    with the page where it is done; those pages open for them (never more than they may)."""
    client = signed_in(email)
    items = listed(client)
    assert [what for what, _ in items] == DEMO_LISTS[email]
    for what, url in items:
        assert client.get(url.split("#")[0]).status_code == 200, (what, url)


def test_the_items_say_why_by_when_and_where(demo):
    """The teacher's list (the issue's first complaint): her escrow, her application sent
    back and her draft, each with its reason, its date and the very page."""
    user = User.objects.get(email="teacher@example.org")
    today = timezone.localdate()
    entries = {entry.item.what: entry for entry in needs_attention(user, today)}
    robotics = OfficialAccount.objects.get(display_name="Roosevelt Robotics")
    escrow = entries["Escrow the credentials of Roosevelt Robotics"]
    assert escrow.item.url == reverse("credentials:escrow", args=[robotics.pk])
    assert "turns active once its log-in is escrowed" in escrow.item.why and escrow.when.startswith("Waiting since")
    sent_back = entries["Make the changes asked for to RHS Science Department"]
    assert "Please say who covers moderation" in sent_back.item.why  # the endorser's words
    assert sent_back.item.url.endswith("/edit/")
    page = assert_accessible(signed_in("teacher@example.org").get("/").content.decode(), "home")
    assert "Needs your attention" in page and "4 things to do, the most urgent first." in page
    assert "What you keep" in page and "Roosevelt Robotics" in page and "RHS Science Department" in page


def test_overdue_comes_first_and_an_empty_list_says_so(demo):
    coach = needs_attention(User.objects.get(email="coach@example.org"), timezone.localdate())
    assert coach[0].urgency == Urgency.OVERDUE and coach[0].when.startswith("Overdue since")
    newcomer = User.objects.create_user(email="new.hire@example.org", password=DEMO_PASSWORD, full_name="New Hire")
    assert [what for what, _ in listed(signed_in(newcomer.email))] == [
        "Read and acknowledge Policy 4038: Social Media Use",
        "Read and acknowledge Regulation 6415: Internet and Educational Network Use"]
    for version in current_versions():
        acknowledge(actor=newcomer, version=version)
    page = signed_in(newcomer.email).get("/").content.decode()
    assert "Nothing needs you now" in page and "worklist-item" not in page


def test_after_the_audit_the_findings_join_the_lists(demo):
    """R-V-D: the nightly audit's findings are on the homes of the accounts' keepers and
    their supervisors, and counted on those of whoever oversees compliance, in scope."""
    runs.execute(runs.start_run(actor=None))
    today = timezone.localdate()

    def titles(email):
        return [entry.item.what for entry in needs_attention(User.objects.get(email=email), today)]

    assert "Fix a finding on Southwest Lakers Soccer" in titles("coach@example.org")
    assert "Fix a finding on Southwest Lakers Soccer" in titles("principal.southwest@example.org")  # his supervisor
    office = [what for what in titles("superintendent@example.org") if "open finding" in what]
    assert len(office) == 1 and office[0].endswith("of the compliance audit in your scope")
    # Angela Brooks oversees Roosevelt's compliance only: Southwest's findings are not hers.
    assert not any("Southwest" in what for what in titles("principal@example.org"))


def test_a_supervisor_hears_of_reveals_and_the_superintendent_of_a_roster_to_confirm(demo):
    """R-III-E: the supervisor of a site manager shares the escrow access, so the reveals by
    others of the accounts they manage are on the supervisor's home (not the revealer's);
    a roster that moves authority waits on the superintendent's home alone."""
    designee = User.objects.get(email="designee@example.org")
    teddies = OfficialAccount.objects.get(handle="roosevelt_teddies")  # Angela Brooks manages it
    reveal(actor=designee, account=teddies, reason_kind="post", reason="Posting the game's result.",
           second_factor_used=True)
    RosterImport.objects.create(uploaded_by=designee, filename="hr-roster.csv", data=b"",
                                status=RosterImport.Status.AWAITING)
    today = timezone.localdate()

    def titles(email):
        return [entry.item.what for entry in needs_attention(User.objects.get(email=email), today)]

    office = titles("superintendent@example.org")  # Angela Brooks reports to her
    assert "Marcus Hill revealed the log-in of Roosevelt Teddies (Instagram @roosevelt_teddies)" in office
    assert "Confirm or decline the staff roster hr-roster.csv" in office
    assert not any("revealed" in what or "roster" in what for what in titles("designee@example.org"))
    assert "Change the password of Roosevelt Teddies and escrow the new one" in titles("principal@example.org")


def test_a_supervisor_hears_of_a_reveal_of_the_authenticator_secret_too(demo):
    """R-III-E: the authenticator secret is a reveal of its own, and the supervisor of the
    site manager hears of it as of any other, in words that say which."""
    office = User.objects.get(email="superintendent@example.org")
    account = OfficialAccount.objects.get(handle="MinneapolisPublicSchools")  # Chris Olson manages it
    reveal(actor=office, account=account, reason_kind="other", reason="Moving the authenticator to a new phone.",
           second_factor_used=True, authenticator_secret=True)
    supervisor = User.objects.get(email="designee@example.org")  # Chris Olson reports to Marcus Hill
    found = [entry.item for entry in needs_attention(supervisor, timezone.localdate())]
    assert any(item.what == f"{office.full_name} revealed the authenticator secret of {account}"
               and "Moving the authenticator to a new phone." in item.why for item in found)


def test_a_decision_waits_only_in_the_deciders_scope(district):
    """R-III-C: an endorsed application shows on the home of whoever may decide for its
    unit: not on a designee's whose delegation lies elsewhere."""
    Application.objects.create(applicant=district.teacher, org_unit=district.north, status=Application.Status.ENDORSED,
                               display_name="North Chess", endorsed_at=timezone.now())
    today = timezone.localdate()
    assert "Decide on North Chess" in [e.item.what for e in needs_attention(district.superintendent, today)]
    Delegation.objects.filter(grantee=district.designee).update(scope=district.south)
    designee = User.objects.get(pk=district.designee.pk)
    assert "Decide on North Chess" not in [e.item.what for e in needs_attention(designee, today)]


def test_delegations_ending_soon_are_on_the_superintendents_and_the_designees_homes(district):
    today = timezone.localdate()
    Delegation.objects.filter(grantee=district.designee).update(ends_on=today + timedelta(days=3))
    office = [e for e in needs_attention(district.superintendent, today) if "delegation" in e.item.what]
    assert [e.item.what for e in office] == [f"{district.designee.full_name}'s delegation over "
                                             f"{Delegation.objects.get(grantee=district.designee).scope.name} ends"]
    assert office[0].item.url == reverse("people:delegations") and office[0].urgency == Urgency.DUE
    own = [e.item.what for e in needs_attention(User.objects.get(pk=district.designee.pk), today)]
    assert any(what.startswith("Your delegation over") for what in own)


def test_the_order_is_overdue_then_now_then_dated_then_what_can_wait():
    today = timezone.localdate()
    items = [Item("draft", "", "/", "", later=True), Item("later date", "", "/", "", due=today + timedelta(days=9)),
             Item("sooner date", "", "/", "", due=today + timedelta(days=2)), Item("now", "", "/", ""),
             Item("overdue", "", "/", "", due=today - timedelta(days=1))]
    assert [entry.item.what for entry in ordered(items, today)] == ["overdue", "now", "sooner date", "later date",
                                                                    "draft"]


def _grow(district):
    """``grow(n)``: n more of every kind of thing that can wait: accounts the teacher manages
    (review due, rotation due, lent access to the principal ending, and after an audit their
    findings), applications to decide, endorse and finish, new concern reports, delegations
    ending."""
    platform = Platform.objects.get(slug="instagram")
    today, now = timezone.localdate(), timezone.now()
    made = [0]

    def grow(count):
        first = made[0]
        names = [f"grow_{first + n}" for n in range(count)]
        accounts = OfficialAccount.objects.bulk_create([
            OfficialAccount(platform=platform, org_unit=district.north, unit_path=district.north.path,
                            display_name=name, handle=name, handle_key=name, origin=OfficialAccount.Origin.DIRECT,
                            established_by=district.superintendent, status=OfficialAccount.Status.ACTIVE,
                            next_review_due=today + timedelta(days=5), rotation_due=True) for name in names])
        accounts = OfficialAccount.objects.filter(handle__in=names)
        Designation.objects.bulk_create([
            Designation(account=account, person=district.teacher, role=Designation.Role.SITE_MANAGER,
                        started_at=now, designated_by=district.superintendent) for account in accounts])
        AccessGrant.objects.bulk_create([
            AccessGrant(account=account, grantee=district.principal, granted_by=district.superintendent,
                        reason="Cover", starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=5))
            for account in accounts])
        Application.objects.bulk_create([
            Application(applicant=district.teacher, org_unit=district.north, platform=platform, status=status,
                        display_name=name, handle=name, site_manager=district.teacher, endorser=district.principal,
                        submitted_at=now, endorsed_at=now)
            for name in names for status in (Application.Status.ENDORSED, Application.Status.SUBMITTED,
                                             Application.Status.DRAFT)])
        ConcernReport.objects.bulk_create([
            ConcernReport(kind=ConcernReport.Kind.OTHER, link=name, description="A concern", org_unit=district.north)
            for name in names])
        Delegation.objects.bulk_create([
            Delegation(grantee=district.designee, granted_by=district.superintendent, scope=district.north,
                       oversee_compliance=True, starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=7),
                       reason="Cover") for _ in names])
        runs.execute(runs.start_run(actor=None))
        made[0] += count

    return grow


@pytest.mark.parametrize("persona", ["superintendent", "designee", "principal", "teacher"])
def test_the_home_costs_the_same_at_any_size(district, client_for, persona):
    """Issue #22: a fixed number of queries for each kind of thing, never one per item, as
    every kind grows from 6 to 60 (each is cut at ``worklist.LIMIT``)."""
    client = client_for(persona)
    assert assert_constant_queries(client, "/", _grow(district), small=LIMIT + 1, large=60)
    assert "worklist-item" in client.get("/").content.decode()


def test_the_account_page_puts_the_site_managers_next_step_first(demo):
    """R-III-E, issue #22: the escrow is the first thing its site manager meets on a pending
    account's page, and the rotation on a revealed one's; not so for others who see it."""
    robotics = OfficialAccount.objects.get(display_name="Roosevelt Robotics")
    page = signed_in("teacher@example.org").get(robotics.get_absolute_url()).content.decode()
    assert page.index("Next: escrow its log-in") < page.index('id="details-h"')
    assert page.count(f'href="{reverse("credentials:escrow", args=[robotics.pk])}"') == 1
    supervisor = signed_in("principal@example.org").get(robotics.get_absolute_url()).content.decode()
    assert "Next:" not in supervisor
    revealed = OfficialAccount.objects.get(handle="MinneapolisPublicSchools")
    page = signed_in("webmaster@example.org").get(revealed.get_absolute_url()).content.decode()
    assert "Next: change its password" in page and "Revealed to Marcus Hill" in page
    calm = OfficialAccount.objects.get(handle="MPS_Updates")  # renamed from MPS_News (R-III-A)
    assert "Next:" not in signed_in("webmaster@example.org").get(calm.get_absolute_url()).content.decode()


def test_someone_who_keeps_nothing_is_asked_nothing_of_what_they_would_keep(district):
    """What a person keeps, and what their staff keep, are read once a request
    (accounts.selectors.keeps, kept_by_staff), and the home's lists match their ids: of
    someone who keeps nothing and whose staff keep nothing, what they must escrow or
    review and the findings on their accounts cost no query after those two. Once they
    keep an account, the same lists find it (R-III-E)."""
    designee, today = User.objects.get(pk=district.designee.pk), timezone.localdate()
    with CaptureQueriesContext(connection) as queries:
        assert not to_escrow(designee) and not reviews_due(designee, today) and not findings_to_fix(designee)
    assert len(queries) == 2
    account = registry.establish_account(
        actor=district.superintendent, platform=Platform.objects.get(slug="instagram"), org_unit=district.north,
        display_name="North Debate", handle="north_debate", site_manager=designee,
        origin=OfficialAccount.Origin.DIRECT, reason="For the test.")
    designee = User.objects.get(pk=designee.pk)  # the next request's person
    assert list(to_escrow(designee)) == [account]
    assert [e.item.what for e in needs_attention(designee, today)].count("Escrow the credentials of North Debate") == 1
