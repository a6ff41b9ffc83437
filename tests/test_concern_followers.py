"""Concerns reach those they are about (R-IV-B, impersonation §III.A): a report about a
unit's official account, or about an impersonation of one of its protected names, tells
that unit's head and the account's site manager; they read it (without who reported it)
and follow its outcome, but do not triage it unless they hold the power, and nobody
triages a report about an account they keep."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Designation, OfficialAccount, Platform, ProtectedName
from audits.models import AuditEvent
from concerns import attention, selectors, services
from concerns.models import ConcernReport
from concerns.services import ConcernError
from mps_social.permissions import has_perm
from notifications.models import OutboxMessage
from people import services as people_services
from people.models import OrgUnit

from .a11y import assert_accessible
from .factories import DelegationFactory, UserFactory
from .queries import assert_constant_queries

Kind, Status, Outcome = ConcernReport.Kind, ConcernReport.Status, ConcernReport.Outcome
FOLLOWED_URL = reverse("concerns:followed")


def _client(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def heads(district):
    """The principal heads North High; the outsider (at South) heads South High."""
    people_services.set_unit_head(actor=district.admin, unit=district.north, head=district.principal)
    people_services.set_unit_head(actor=district.admin, unit=district.south, head=district.outsider)
    return district


def managed_account(district, person, display_name, handle, platform="x") -> OfficialAccount:
    """An active account of North's, whose site manager is ``person``."""
    account = OfficialAccount.objects.create(
        platform=Platform.objects.get(slug=platform), org_unit=district.north, display_name=display_name,
        handle=handle, handle_key=handle.lower(), status=OfficialAccount.Status.ACTIVE,
        origin=OfficialAccount.Origin.DIRECT, established_by=district.superintendent)
    Designation.objects.create(account=account, person=person, role=Designation.Role.SITE_MANAGER,
                               started_at=timezone.now(), designated_by=district.superintendent)
    return account


@pytest.fixture
def north_account(district):
    """North's active Instagram account, kept by the teacher."""
    return managed_account(district, district.teacher, "North Polars", "north_polars", platform="instagram")


@pytest.fixture
def north_name(district):
    return ProtectedName.objects.create(name="North Polars", kind=ProtectedName.Kind.MASCOT, owner=district.north)


def told(template, report) -> set[str]:
    return set(OutboxMessage.objects.filter(template=template, body_text__contains=report.reference)
               .values_list("to", flat=True))


def test_r_iv_b_a_report_about_an_account_tells_the_head_and_the_site_manager(heads, north_account):
    district = heads
    report = services.submit_report(kind=Kind.INAPPROPRIATE_CONTENT, description="A rude reply to a parent.",
                                    link="https://www.instagram.com/north_polars/", reporter_email="mum@example.net")
    assert report.account == north_account and report.org_unit == district.north
    assert told("concern_about_yours", report) == {district.principal.email, district.teacher.email}
    assert told("concern_submitted", report) == {district.superintendent.email, district.designee.email}
    mail = OutboxMessage.objects.get(template="concern_about_yours", to=district.principal.email)
    assert "A rude reply" not in mail.body_text and "mum@example.net" not in mail.body_text  # in the portal only
    assert "North Polars" in mail.body_text and report.reference in mail.body_text
    for person in (district.principal, district.teacher):
        assert has_perm(person, "concerns.read_report", report)
        assert not has_perm(person, "concerns.triage_report", report)


def test_r_iii_a_an_impersonation_of_a_units_name_tells_its_head(heads, north_name):
    district = heads
    report = services.submit_report(kind=Kind.IMPERSONATION, description="A fake mascot account asks for money.",
                                    link="https://www.instagram.com/northpolars.fans/")
    assert report.matched_name == north_name and report.account is None
    assert told("concern_about_yours", report) == {district.principal.email}
    assert [r.pk for r in selectors.followed_by(district.principal)] == [report.pk]
    assert not selectors.followed_by(district.outsider).exists()


def test_r_iv_b_a_report_about_nothing_in_particular_follows_nobody(heads):
    report = services.submit_report(kind=Kind.OTHER, description="Something online worried me.")
    assert report.org_unit.kind == OrgUnit.Kind.DISTRICT
    assert not selectors.followers_for(report).exists()
    assert not OutboxMessage.objects.filter(template="concern_about_yours").exists()


def test_r_iv_b_the_head_and_the_site_manager_read_it_without_the_reporter(heads, north_account):
    district = heads
    report = services.submit_report(kind=Kind.PRIVATE_DATA, description="A class list in a photo.",
                                    link="@north_polars", reporter_email="mum@example.net")
    for person in (district.principal, district.teacher):
        page = _client(person).get(report.get_absolute_url())
        assert page.status_code == 200
        assert "concerns/followed_detail.html" in [t.name for t in page.templates]
        assert_accessible(page.content.decode(), report.get_absolute_url())
        body = page.content.decode()
        assert "A class list in a photo." in body and report.reference in body
        assert "mum@example.net" not in body and "Resolve the report" not in body and "Add the note" not in body
    listing = _client(district.principal).get(FOLLOWED_URL)
    assert listing.status_code == 200 and report.reference in listing.content.decode()
    assert_accessible(listing.content.decode(), FOLLOWED_URL)
    assert "Reports about your school's accounts" in listing.content.decode()


def test_r_iv_b_another_schools_principal_gets_404(heads, north_account):
    district = heads
    report = services.submit_report(kind=Kind.INAPPROPRIATE_CONTENT, description="Rude.", link="@north_polars")
    client = _client(district.outsider)  # heads South High
    assert client.get(report.get_absolute_url()).status_code == 404
    assert client.get(FOLLOWED_URL).status_code == 200
    assert report.reference not in client.get(FOLLOWED_URL).content.decode()
    assert not has_perm(district.outsider, "concerns.read_report", report)


def test_r_iv_b_a_reader_cannot_triage(heads, north_account):
    district = heads
    report = services.submit_report(kind=Kind.INAPPROPRIATE_CONTENT, description="Rude.", link="@north_polars")
    client = _client(district.principal)
    for name, data in [("assign", {"assignee": district.principal.pk}), ("note", {"body": "x"}),
                       ("resolve", {"outcome": Outcome.NO_ACTION, "resolution": "Nothing."})]:
        assert client.post(reverse(f"concerns:{name}", args=[report.reference]), data).status_code == 403
    with pytest.raises(ConcernError):
        services.resolve(actor=district.principal, report=report, outcome=Outcome.NO_ACTION, resolution="x")
    with pytest.raises(ConcernError):
        services.assign(actor=district.designee, report=report, assignee=district.principal)
    report.refresh_from_db()
    assert report.status == Status.NEW


def test_r_iv_b_a_triager_still_cannot_triage_a_report_about_their_own_account(heads):
    """A North triager who is also the site manager of the reported account reads it as a
    follower, and may not triage it: the conflict-of-interest rule holds."""
    district = heads
    triager = UserFactory(email="north.triage@example.org", full_name="Nora North", org_unit=district.north)
    DelegationFactory(grantee=triager, granted_by=district.superintendent, scope=district.north,
                      decide_applications=False, triage_concerns=True)
    account = managed_account(district, triager, "North News", "NorthNews")
    report = services.submit_report(kind=Kind.INAPPROPRIATE_CONTENT, description="Rude.",
                                    link="https://x.com/NorthNews")
    assert report.account == account
    assert told("concern_about_yours", report) == {triager.email, district.principal.email}
    assert triager.email not in told("concern_submitted", report)
    client = _client(triager)
    page = client.get(report.get_absolute_url())
    assert page.status_code == 200 and "concerns/followed_detail.html" in [t.name for t in page.templates]
    assert client.post(reverse("concerns:resolve", args=[report.reference]),
                       {"outcome": Outcome.NO_ACTION, "resolution": "Fine."}).status_code == 404
    with pytest.raises(ConcernError, match="about an account you keep"):
        services.resolve(actor=triager, report=report, outcome=Outcome.NO_ACTION, resolution="Fine.")


def test_r_iv_b_a_head_who_triages_part_of_what_they_follow_sees_each_report_once(heads, north_name):
    """On the home, a report waits once: in the triage list when they may triage it, in
    the list of followed reports when it is outside their triage scope or about an
    account they keep (``selectors.not_triaged_by``)."""
    district = heads
    principal = district.principal  # heads North; triages North; heads South too, without triaging it
    people_services.set_unit_head(actor=district.admin, unit=district.south, head=principal)
    DelegationFactory(grantee=principal, granted_by=district.superintendent, scope=district.north,
                      decide_applications=False, triage_concerns=True)
    ProtectedName.objects.create(name="South Tigers", kind=ProtectedName.Kind.MASCOT, owner=district.south)
    own = managed_account(district, principal, "North Principal", "NorthPrincipal")
    in_scope = services.submit_report(kind=Kind.IMPERSONATION, description="A fake mascot account.",
                                      link="https://www.instagram.com/northpolars.fans/")
    about_own = services.submit_report(kind=Kind.INAPPROPRIATE_CONTENT, description="Rude.",
                                       link="https://x.com/NorthPrincipal")
    outside = services.submit_report(kind=Kind.IMPERSONATION, description="A fake mascot account.",
                                     link="https://www.instagram.com/southtigers.fans/")
    assert (in_scope.matched_name, about_own.account, outside.matched_name.name) == (north_name, own, "South Tigers")

    def references(items):
        return {item.url.rstrip("/").rsplit("/", 1)[-1] for item in items}

    assert references(attention.triage_items(principal)) == {in_scope.reference}
    assert references(attention.followed_items(principal, timezone.localdate())) == {about_own.reference,
                                                                                     outside.reference}


def test_r_iv_b_a_head_who_triages_gets_the_triage_page(heads, north_name):
    """Holding the triage power over the unit, the head triages as before (one email, the
    triager's)."""
    district = heads
    DelegationFactory(grantee=district.principal, granted_by=district.superintendent, scope=district.north,
                      decide_applications=False, triage_concerns=True)
    report = services.submit_report(kind=Kind.IMPERSONATION, description="Fake.", link="@northpolars_official")
    assert district.principal.email in told("concern_submitted", report)
    assert district.principal.email not in told("concern_about_yours", report)
    page = _client(district.principal).get(report.get_absolute_url())
    assert "concerns/detail.html" in [t.name for t in page.templates]


def test_r_iv_b_the_followers_hear_the_outcome(heads, north_account):
    district = heads
    report = services.submit_report(kind=Kind.INAPPROPRIATE_CONTENT, description="Rude.", link="@north_polars")
    services.resolve(actor=district.designee, report=report, outcome=Outcome.SITE_MANAGER_CONTACTED,
                     resolution="Talked it through with the site manager.")
    outcome = OutboxMessage.objects.filter(template="concern_outcome")
    assert set(outcome.values_list("to", flat=True)) == {district.principal.email, district.teacher.email}
    mail = outcome.get(to=district.principal.email)
    assert "Site manager contacted" in mail.body_text and "Talked it through" not in mail.body_text
    page = _client(district.principal).get(report.get_absolute_url()).content.decode()
    assert "Site manager contacted" in page and "Talked it through" not in page


def test_r_iv_b_the_list_needs_a_unit_or_an_account(district, client_for):
    assert client_for("teacher").get(FOLLOWED_URL).status_code == 403
    assert client_for("superintendent").get(FOLLOWED_URL).status_code == 403
    assert client_for("anonymous").get(FOLLOWED_URL).status_code == 302


def test_r_iv_b_the_site_manager_lists_the_reports_about_their_accounts(district, north_account):
    report = services.submit_report(kind=Kind.INAPPROPRIATE_CONTENT, description="Rude.", link="@north_polars")
    page = _client(district.teacher).get(FOLLOWED_URL)
    assert page.status_code == 200 and report.reference in page.content.decode()
    assert "Reports about the accounts you manage" in page.content.decode()
    assert [r.pk for r in selectors.open_followed_by(district.teacher)] == [report.pk]
    services.resolve(actor=district.designee, report=report, outcome=Outcome.NO_ACTION, resolution="Fine.")
    assert not selectors.open_followed_by(district.teacher).exists()


def test_r_iv_b_the_list_costs_the_same_at_any_length(heads, north_account, north_name):
    district = heads

    def grow(count):
        ConcernReport.objects.bulk_create([
            ConcernReport(reference=f"C-T{n:07d}", kind=Kind.IMPERSONATION,
                          description="x", org_unit=district.north,
                          **({"account": north_account} if n % 2 else {"matched_name": north_name}))
            for n in range(ConcernReport.objects.count(), ConcernReport.objects.count() + count)])

    assert_constant_queries(_client(district.principal), FOLLOWED_URL, grow, small=3, large=60)
    assert_constant_queries(_client(district.teacher), FOLLOWED_URL, grow, small=3, large=60)


def test_r_iv_b_only_an_administrator_changes_a_head_and_never_to_themself(district):
    with pytest.raises(people_services.PeopleError, match="Only an administrator"):
        people_services.set_unit_head(actor=district.superintendent, unit=district.north, head=district.principal)
    with pytest.raises(people_services.PeopleError, match="yourself"):
        people_services.set_unit_head(actor=district.admin, unit=district.north, head=district.admin)
    with pytest.raises(people_services.PeopleError, match="active district employee"):
        people_services.set_unit_head(actor=district.admin, unit=district.north, head=district.contractor)
    people_services.set_unit_head(actor=district.admin, unit=district.north, head=district.principal)
    event = AuditEvent.objects.get(verb="orgunit.head_changed")
    assert event.before == {"head": None} and event.after == {"head": district.principal.email}
    assert event.actor == district.admin


def test_r_iv_b_the_admin_changes_a_head_through_the_service(district):
    client = _client(district.admin)
    url = reverse("admin:people_orgunit_change", args=[district.north.pk])
    data = {"name": district.north.name, "slug": district.north.slug, "code": district.north.code,
            "kind": district.north.kind, "parent": district.district.pk, "website": "",
            "head": district.principal.pk}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert OrgUnit.objects.get(pk=district.north.pk).head == district.principal
    assert AuditEvent.objects.filter(verb="orgunit.head_changed", actor=district.admin).count() == 1
    response = client.post(url, {**data, "head": district.admin.pk})
    assert response.status_code == 200 and "another administrator" in response.content.decode()
    assert OrgUnit.objects.get(pk=district.north.pk).head == district.principal


def test_r_iv_b_the_demo_principal_follows_the_impersonation_of_her_schools_name(db):
    """Angela Brooks heads Roosevelt in the demo: the open impersonation of its name is in
    her list and on the home page's selector; the resolved one about its mascot too."""
    from django.core.management import call_command

    from concerns.demo import IMPERSONATION, ROOSEVELT_NAME
    from people.models import User

    call_command("seed_demo", verbosity=0)
    angela = User.objects.get(email="principal@example.org")
    assert OrgUnit.objects.get(code="RHS").head == angela
    report = ConcernReport.objects.get(reference=ROOSEVELT_NAME)
    assert report.matched_name.owner.code == "RHS" and report.account is None
    assert [r.reference for r in selectors.open_followed_by(angela)] == [ROOSEVELT_NAME]
    page = _client(angela).get(FOLLOWED_URL).content.decode()
    assert ROOSEVELT_NAME in page and IMPERSONATION in page
    keisha = User.objects.get(email="principal.washburn@example.org")
    assert _client(keisha).get(report.get_absolute_url()).status_code == 404
