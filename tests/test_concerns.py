"""Concern reports: anyone reports, the superintendent's office triages in scope, every
step is audited and mailed through the outbox (R-IV-B, Policy 4038 §IV.B; impersonation
of district names R-III-A, §III.A)."""

import re
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Designation, OfficialAccount, Platform
from audits.models import AuditEvent
from concerns import demo, services
from concerns.forms import AssignForm
from concerns.models import CROCKFORD, ConcernNote, ConcernReport, clean_reference, new_reference
from concerns.services import TRANSITIONS, ConcernError
from mps_social.permissions import has_perm
from notifications.models import OutboxMessage
from people.models import User

from .factories import DelegationFactory, ProtectedNameFactory, UserFactory
from .queries import assert_constant_queries

Kind, Status, Outcome = ConcernReport.Kind, ConcernReport.Status, ConcernReport.Outcome
REPORT_URL = reverse("concerns:report")
QUEUE_URL = reverse("concerns:queue")
NON_TRIAGERS = ["principal", "teacher", "coach", "contractor", "outsider", "admin"]
TRIAGERS = ["superintendent", "designee"]


@pytest.fixture(autouse=True)
def _empty_rate_limit():
    cache.clear()  # the test cache lives for the whole run; each test starts with no reports sent
    yield
    cache.clear()


@pytest.fixture
def north_account(district):
    return OfficialAccount.objects.create(
        platform=Platform.objects.get(slug="instagram"), org_unit=district.north, display_name="North Polars",
        handle="north_polars", handle_key="north_polars", status=OfficialAccount.Status.ACTIVE,
        origin=OfficialAccount.Origin.DIRECT, established_by=district.superintendent,
    )


@pytest.fixture
def north_triager(district):
    """A designee whose delegation covers North High only, with the triage power only."""
    person = UserFactory(email="north.triage@example.org", full_name="Nora North", org_unit=district.north)
    DelegationFactory(grantee=person, granted_by=district.superintendent, scope=district.north,
                      decide_applications=False, triage_concerns=True)
    return person


def report_in(unit, **fields):
    return ConcernReport.objects.create(
        kind=fields.pop("kind", Kind.IMPERSONATION), description=fields.pop("description", "Seen online."),
        org_unit=unit, **fields,
    )


def form(**overrides):
    data = {"kind": Kind.IMPERSONATION, "link": "", "description": "A fake account uses our name.",
            "reporter_email": ""}
    data.update(overrides)
    return data


def outbox(template):
    return OutboxMessage.objects.filter(template=template)


def events(report, verb=None):
    found = AuditEvent.objects.filter(target_type="concerns.concernreport", target_id=str(report.pk))
    return found.filter(verb=verb) if verb else found


# --- references -------------------------------------------------------------------------


def test_references_are_short_random_crockford_base32():
    references = {new_reference() for _ in range(500)}
    assert len(references) == 500
    assert all(re.fullmatch(r"C-[0-9A-HJKMNP-TV-Z]{8}", ref) for ref in references)
    assert set("".join(ref[2:] for ref in references)) <= set(CROCKFORD)


def test_a_reference_typed_by_hand_is_understood():
    assert clean_reference("c-7qk3m9tx") == "C-7QK3M9TX"
    assert clean_reference("7QK3 M9TX") == "C-7QK3M9TX"
    assert clean_reference("C-7QK3M9TO") == "C-7QK3M9T0"  # O read as zero
    assert clean_reference("C-123") == "" and clean_reference("C-UUUUUUUU") == ""


def test_references_are_not_sequential(district):
    first = services.submit_report(kind=Kind.OTHER, description="one")
    second = services.submit_report(kind=Kind.OTHER, description="two")
    assert first.reference != second.reference
    assert first.reference[2:] not in second.reference  # no counter shows through


# --- submitting -------------------------------------------------------------------------


def test_anonymous_report_through_the_page(district):
    client = Client()
    page = client.get(REPORT_URL + "?link=https://instagram.com/fake_north")
    assert page.status_code == 200
    assert 'value="https://instagram.com/fake_north"' in page.content.decode()  # prefilled from ?link=
    response = client.post(REPORT_URL, form(link="https://instagram.com/fake_north",
                                            reporter_email="Parent@Example.net"))
    assert response.status_code == 302 and response["Location"] == reverse("concerns:report_sent")
    report = ConcernReport.objects.get()
    assert report.reporter is None and report.reporter_email == "parent@example.net"
    assert report.status == Status.NEW and report.org_unit == district.district  # nothing matched: the district
    sent = client.get(response["Location"]).content.decode()
    assert report.reference in sent
    assert client.get(response["Location"]).status_code == 200  # a reload still shows it
    assert report.reference in client.get(response["Location"]).content.decode()


def test_the_sent_page_without_a_report_says_so(db):
    html = Client().get(reverse("concerns:report_sent")).content.decode()
    assert "No report sent from this browser yet" in html


def test_a_reporter_cannot_browse_reports(district, client_for):
    """The reference is a handle to quote, not a key to the report."""
    report = services.submit_report(kind=Kind.OTHER, description="x", reporter=district.teacher)
    url = reverse("concerns:detail", args=[report.reference])
    assert Client().get(url).status_code == 302
    assert client_for("teacher").get(url).status_code == 403


def test_signed_in_report_records_the_reporter(district, client_for):
    client = client_for("teacher")
    assert 'value="teacher@example.org"' in client.get(REPORT_URL).content.decode()  # email prefilled
    client.post(REPORT_URL, form(kind=Kind.OTHER, reporter_email="teacher@example.org"))
    report = ConcernReport.objects.get()
    assert report.reporter == district.teacher
    event = events(report).get()
    assert event.verb == "concern.submitted" and event.actor == district.teacher


@pytest.mark.parametrize("link", [
    "https://www.instagram.com/North_Polars/?igsh=abc123",
    "instagram.com/north_polars",
    "@north_polars",
])
def test_a_link_is_matched_to_the_official_account(district, north_account, link):
    """R-III-A: every spelling of the account's address finds it (accounts.normalize)."""
    report = services.submit_report(kind=Kind.INAPPROPRIATE_CONTENT, description="A rude reply.", link=link)
    assert report.account == north_account
    assert report.org_unit == district.north
    assert report.matched_name is None


def test_the_canonical_address_is_kept_and_only_it_is_linked(district, client_for):
    report = services.submit_report(kind=Kind.OTHER, description="x", link="javascript:alert(1)")
    assert report.link_url == "" and report.account is None
    html = client_for("superintendent").get(report.get_absolute_url()).content.decode()
    assert 'href="javascript' not in html and "javascript:alert(1)" in html  # shown as text only
    report = services.submit_report(kind=Kind.OTHER, description="x", link="https://m.instagram.com/someone/")
    assert report.link_url == "https://www.instagram.com/someone/"


def test_a_protected_name_in_the_link_routes_to_its_owner(district):
    """§III.A: an impersonation of South's mascot goes to whoever triages for South."""
    ProtectedNameFactory(name="South Tigers", owner=district.south)
    ProtectedNameFactory(name="Tigers", owner=district.athletics)
    report = services.submit_report(kind=Kind.IMPERSONATION, description="Fake mascot account",
                                    link="https://www.instagram.com/south.tigers.fans/")
    assert report.matched_name.name == "South Tigers"  # the longest name found wins
    assert report.org_unit == district.south


def test_a_matched_account_wins_over_a_protected_name(district, north_account):
    ProtectedNameFactory(name="Polars", owner=district.south)
    report = services.submit_report(kind=Kind.OTHER, description="x", link="@north_polars")
    assert report.org_unit == district.north and report.matched_name is None


def test_submit_notifies_every_triager_in_scope_and_no_one_else(district, north_triager):
    report = services.submit_report(kind=Kind.PRIVATE_DATA, description="A student's address is visible.",
                                    link="https://x.com/someone")
    assert report.org_unit == district.district
    to = set(outbox("concern_submitted").values_list("to", flat=True))
    assert to == {district.superintendent.email, district.designee.email}  # North's triager: not the district
    ProtectedNameFactory(name="North Polars", owner=district.north)
    OutboxMessage.objects.all().delete()
    report = services.submit_report(kind=Kind.PRIVATE_DATA, description="A student's address is visible.",
                                    link="https://x.com/northpolarsfan")
    assert report.org_unit == district.north
    to = set(outbox("concern_submitted").values_list("to", flat=True))
    assert to == {district.superintendent.email, district.designee.email, north_triager.email}
    for message in outbox("concern_submitted"):
        assert report.reference in message.subject and report.get_absolute_url() in message.body_text
        assert "address is visible" not in message.body_text + message.body_html  # private data stays in the portal


def test_submitting_writes_one_audit_event(district):
    report = services.submit_report(kind=Kind.IMPERSONATION, description="x", link="@fake")
    event = events(report).get()
    assert event.verb == "concern.submitted" and event.actor is None and event.actor_label == "system"
    assert event.org_unit == district.district and event.after["kind"] == Kind.IMPERSONATION
    assert "description" not in event.after and "reporter_email" not in event.after


@pytest.mark.parametrize("fields,field", [
    ({"kind": "gossip"}, "kind"),
    ({"description": "   "}, "description"),
    ({"reporter_email": "not-an-address"}, "reporter_email"),
    ({"link": "x" * 3000}, "link"),
])
def test_the_service_refuses_bad_input(district, fields, field):
    data = {"kind": Kind.OTHER, "description": "x", **fields}
    with pytest.raises(ConcernError) as error:
        services.submit_report(**data)
    assert error.value.field == field
    assert not ConcernReport.objects.exists() and not AuditEvent.objects.filter(verb="concern.submitted").exists()


def test_bad_input_on_the_form_keeps_what_was_typed(district):
    response = Client().post(REPORT_URL, form(description="", link="https://x.com/typed_link",
                                              reporter_email="not-an-address"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"description", "reporter_email"}
    assert errors["description"] == ["Tell us what you saw."]
    html = response.content.decode()
    assert 'value="https://x.com/typed_link"' in html and 'value="not-an-address"' in html
    assert 'aria-invalid="true"' in html and 'id="id_description_error"' in html
    assert not ConcernReport.objects.exists()


# --- rate limit -------------------------------------------------------------------------


def test_at_most_five_reports_per_address_in_ten_minutes(district):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for number in range(5):
        assert client.post(REPORT_URL, form(description=f"report {number}")).status_code == 302
    response = client.post(REPORT_URL, form(description="the sixth, kept"))
    assert response.status_code == 429
    html = response.content.decode()
    assert "5 reports in the last 10 minutes" in html and "try again in 10 minutes" in html
    assert "the sixth, kept" in html  # nothing typed is lost
    assert ConcernReport.objects.count() == 5
    # Another address is not held back.
    assert Client(REMOTE_ADDR="203.0.113.8").post(REPORT_URL, form()).status_code == 302
    # Ten minutes later the window has moved on.
    import time

    later = time.time() + 601
    with mock.patch("concerns.views.time.time", return_value=later):
        assert client.post(REPORT_URL, form(description="after the wait")).status_code == 302
    assert ConcernReport.objects.count() == 7


def test_invalid_forms_do_not_use_up_the_limit(district):
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(6):
        client.post(REPORT_URL, form(description=""))
    assert client.post(REPORT_URL, form()).status_code == 302


# --- triage: who may do what ------------------------------------------------------------


@pytest.mark.parametrize("persona", TRIAGERS + NON_TRIAGERS)
def test_every_action_per_persona(district, persona):
    """Allowed: the superintendent and the district-wide designee. Refused: everyone else,
    with nothing changed and nothing recorded."""
    actor = district.persona(persona)
    report = report_in(district.north)
    if persona in TRIAGERS:
        services.assign(actor=actor, report=report, assignee=actor)
        services.add_note(actor=actor, report=report, body="Checked the directory.")
        services.resolve(actor=actor, report=report, outcome=Outcome.NO_ACTION, resolution="It is official.")
        report.refresh_from_db()
        assert report.status == Status.RESOLVED and report.resolved_by == actor
        assert list(events(report).order_by("pk").values_list("verb", flat=True)) == [
            "concern.assigned", "concern.note_added", "concern.resolved"]
    else:
        for action in (
            lambda: services.assign(actor=actor, report=report, assignee=district.designee),
            lambda: services.add_note(actor=actor, report=report, body="x"),
            lambda: services.resolve(actor=actor, report=report, outcome=Outcome.OTHER, resolution="x"),
        ):
            with pytest.raises(ConcernError):
                action()
        report.refresh_from_db()
        assert report.status == Status.NEW and not events(report).exists() and not report.notes.exists()


@pytest.mark.parametrize("persona", ["anonymous", *TRIAGERS, *NON_TRIAGERS])
def test_the_assign_page_per_persona(district, client_for, persona):
    report = report_in(district.north)
    url = reverse("concerns:assign", args=[report.reference])
    response = client_for(persona).post(url, {"assignee": district.designee.pk})
    expected = {"anonymous": 302, "superintendent": 302, "designee": 302}.get(persona, 403)
    assert response.status_code == expected
    report.refresh_from_db()
    if persona in TRIAGERS:
        assert response["Location"] == report.get_absolute_url()
        assert report.status == Status.IN_REVIEW and report.assignee == district.designee
    else:
        assert report.status == Status.NEW


@pytest.mark.parametrize("start", [Status.NEW, Status.IN_REVIEW, Status.RESOLVED])
@pytest.mark.parametrize("target", [Status.IN_REVIEW, Status.RESOLVED])
def test_the_transition_table(district, start, target):
    """Every status change either is in ``TRANSITIONS`` and happens with its verb, or is
    refused with nothing changed. Resolved is final."""
    superintendent, designee = district.superintendent, district.designee
    fields = {}
    if start != Status.NEW:
        fields["assignee"] = superintendent
    if start == Status.RESOLVED:
        fields.update(outcome=Outcome.OTHER, resolution="done", resolved_by=superintendent,
                      resolved_at="2026-01-01T00:00Z")
    report = report_in(district.north, status=start, **fields)
    allowed = (start, target) in TRANSITIONS

    def act():
        if target == Status.IN_REVIEW:
            return services.assign(actor=superintendent, report=report, assignee=designee)
        return services.resolve(actor=superintendent, report=report, outcome=Outcome.NO_ACTION, resolution="ok")

    if allowed:
        act()
        report.refresh_from_db()
        assert report.status == target
        assert events(report).get().verb == TRANSITIONS[(start, target)]
    else:
        with pytest.raises(ConcernError, match="cannot become"):
            act()
        report.refresh_from_db()
        assert report.status == start and not events(report).exists()


def test_the_table_never_goes_back_to_new_or_out_of_resolved():
    assert all(target != Status.NEW for _, target in TRANSITIONS)
    assert all(start != Status.RESOLVED for start, _ in TRANSITIONS)


def test_resolving_a_new_report_makes_the_resolver_its_owner(district):
    report = report_in(district.north)
    services.resolve(actor=district.designee, report=report, outcome=Outcome.NO_ACTION, resolution="Spam.")
    report.refresh_from_db()
    assert report.assignee == district.designee and report.resolved_at is not None


def test_reassigning_to_the_same_person_is_refused(district):
    report = report_in(district.north)
    services.assign(actor=district.superintendent, report=report, assignee=district.designee)
    with pytest.raises(ConcernError) as error:
        services.assign(actor=district.superintendent, report=report, assignee=district.designee)
    assert error.value.field == "assignee"
    services.assign(actor=district.designee, report=report, assignee=district.superintendent)
    assert events(report, "concern.reassigned").count() == 1


def test_only_a_triager_in_scope_can_be_assigned(district, north_triager):
    north, south = report_in(district.north), report_in(district.south)
    for person in (district.teacher, district.principal, district.admin):
        with pytest.raises(ConcernError) as error:
            services.assign(actor=district.superintendent, report=north, assignee=person)
        assert error.value.field == "assignee"
    with pytest.raises(ConcernError):
        services.assign(actor=district.superintendent, report=south, assignee=north_triager)
    services.assign(actor=district.superintendent, report=north, assignee=north_triager)
    # The form only offers people who may take it.
    page = _client(district.superintendent).get(south.get_absolute_url()).content.decode()
    assert "Nora North" not in page and "Dee Signee" in page
    page = _client(district.superintendent).get(north.get_absolute_url()).content.decode()
    assert "Nora North" in page


def test_notes_are_allowed_after_resolution(district):
    report = report_in(district.north)
    services.resolve(actor=district.designee, report=report, outcome=Outcome.TAKEDOWN_REQUESTED,
                     resolution="Asked Instagram.")
    services.add_note(actor=district.designee, report=report, body="Instagram removed it.")
    assert report.notes.get().body == "Instagram removed it."
    report.refresh_from_db()
    assert report.status == Status.RESOLVED


@pytest.mark.parametrize("body", ["", "   "])
def test_an_empty_note_is_refused(district, body):
    with pytest.raises(ConcernError) as error:
        services.add_note(actor=district.designee, report=report_in(district.north), body=body)
    assert error.value.field == "body" and not ConcernNote.objects.exists()


def test_resolve_needs_an_outcome_and_a_resolution(district):
    report = report_in(district.north)
    with pytest.raises(ConcernError) as error:
        services.resolve(actor=district.designee, report=report, outcome="shrug", resolution="x")
    assert error.value.field == "outcome"
    with pytest.raises(ConcernError) as error:
        services.resolve(actor=district.designee, report=report, outcome=Outcome.OTHER, resolution=" ")
    assert error.value.field == "resolution"


# --- scope: out of scope is 404 ----------------------------------------------------------


def _client(user):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_a_designee_for_one_school_sees_only_its_reports(district, north_triager):
    north, south = report_in(district.north), report_in(district.south)
    client = _client(north_triager)
    queue = client.get(QUEUE_URL)
    assert queue.status_code == 200
    assert [r.pk for r in queue.context["page"].object_list] == [north.pk]
    assert client.get(north.get_absolute_url()).status_code == 200
    assert client.get(south.get_absolute_url()).status_code == 404
    for name, data in [("assign", {"assignee": north_triager.pk}), ("note", {"body": "x"}),
                       ("resolve", {"outcome": Outcome.OTHER, "resolution": "x"})]:
        assert client.post(reverse(f"concerns:{name}", args=[south.reference]), data).status_code == 404
    south.refresh_from_db()
    assert south.status == Status.NEW and not south.notes.exists()
    # A missing reference is the same 404.
    assert client.get(reverse("concerns:detail", args=["C-00000000"])).status_code == 404


def test_a_designee_without_the_triage_power_has_no_queue(district):
    person = UserFactory(org_unit=district.north)
    DelegationFactory(grantee=person, granted_by=district.superintendent, scope=district.district)  # decide only
    assert _client(person).get(QUEUE_URL).status_code == 403


def test_a_revoked_delegation_ends_triage(district, north_triager):
    report = report_in(district.north)
    north_triager.delegations.update(revoked_at=timezone.now())
    assert _client(north_triager).get(report.get_absolute_url()).status_code == 403


def test_a_report_without_a_unit_is_the_superintendents(district):
    report = report_in(None)
    assert _client(district.superintendent).get(report.get_absolute_url()).status_code == 200
    assert _client(district.designee).get(report.get_absolute_url()).status_code == 404


# --- conflicts of interest: nobody triages a report about an account they keep (R-IV-B) ----


@pytest.fixture
def athletics_triager(district):
    """A designee whose delegation covers Athletics only, with the triage power only."""
    person = UserFactory(email="ath.triage@example.org", full_name="Abe Athletics", org_unit=district.athletics)
    DelegationFactory(grantee=person, granted_by=district.superintendent, scope=district.athletics,
                      decide_applications=False, triage_concerns=True)
    return person


def athletics_account(district, handle, **keepers):
    """An active Athletics account on X, with ``site_manager`` and ``backup`` as given."""
    account = OfficialAccount.objects.create(
        platform=Platform.objects.get(slug="x"), org_unit=district.athletics, display_name=handle,
        handle=handle, handle_key=handle.lower(), status=OfficialAccount.Status.ACTIVE,
        origin=OfficialAccount.Origin.DIRECT, established_by=district.superintendent,
    )
    for role, person in keepers.items():
        Designation.objects.create(account=account, person=person, role=role, started_at=timezone.now(),
                                   designated_by=district.superintendent)
    return account


@pytest.mark.parametrize("role", ["site_manager", "backup"])
def test_r_iv_b_a_triager_cannot_see_or_triage_a_report_about_an_account_he_keeps(
        district, athletics_triager, role):
    """The athletics designee keeps @MPSAthletics (site manager, or backup): a report about
    it is out of his triage like one outside his scope (its actions 404, and the services
    refuse), while another Athletics report stays his to handle. As its site manager he
    follows it: he reads it, without the forms (R-IV-B); as its backup he does not."""
    kept = athletics_account(district, "MPSAthletics", **{role: athletics_triager})
    report = services.submit_report(kind=Kind.PRIVATE_DATA, description="Medical forms visible in a photo.",
                                    link="https://x.com/MPSAthletics/status/1")
    other = report_in(district.athletics)
    assert report.account == kept and report.org_unit == district.athletics
    assert not has_perm(athletics_triager, "concerns.triage_report", report)
    assert has_perm(athletics_triager, "concerns.triage_report", other)
    client = _client(athletics_triager)
    queue = client.get(QUEUE_URL + "?status=all")
    assert [r.pk for r in queue.context["page"].object_list] == [other.pk]
    assert queue.context["counts"]["new"] == 1
    page = client.get(report.get_absolute_url())
    if role == "site_manager":
        assert page.status_code == 200 and "concerns/followed_detail.html" in [t.name for t in page.templates]
        assert b"Resolve the report" not in page.content and b"Add the note" not in page.content
    else:
        assert page.status_code == 404
    for name, data in [("assign", {"assignee": athletics_triager.pk}), ("note", {"body": "x"}),
                       ("resolve", {"outcome": Outcome.NO_ACTION, "resolution": "No action needed."})]:
        assert client.post(reverse(f"concerns:{name}", args=[report.reference]), data).status_code == 404
    for action in (
        lambda: services.assign(actor=athletics_triager, report=report, assignee=athletics_triager),
        lambda: services.add_note(actor=athletics_triager, report=report, body="x"),
        lambda: services.resolve(actor=athletics_triager, report=report, outcome=Outcome.NO_ACTION,
                                 resolution="No action needed."),
    ):
        with pytest.raises(ConcernError, match="about an account you keep"):
            action()
    report.refresh_from_db()
    assert report.status == Status.NEW and not report.notes.exists()
    assert list(events(report).values_list("verb", flat=True)) == ["concern.submitted"]
    # The other triagers in scope are told and may handle it; he is not told of it.
    told = set(outbox("concern_submitted").filter(subject__contains=report.reference).values_list("to", flat=True))
    assert told == {district.superintendent.email, district.designee.email}
    services.resolve(actor=district.designee, report=report, outcome=Outcome.TAKEDOWN_REQUESTED,
                     resolution="Asked for the post to be taken down.")


def test_r_iv_b_a_report_cannot_be_assigned_to_a_keeper_of_the_account(district, athletics_triager):
    """Neither listed as an assignee nor accepted by the service."""
    report = report_in(district.athletics, account=athletics_account(district, "MPSAthletics",
                                                                      backup=athletics_triager))
    assign_form = AssignForm(report=report, user=district.designee)
    assert athletics_triager not in assign_form.fields["assignee"].queryset
    assert athletics_triager in AssignForm(report=report_in(district.athletics),
                                           user=district.designee).fields["assignee"].queryset
    with pytest.raises(ConcernError, match="keeps the account") as error:
        services.assign(actor=district.designee, report=report, assignee=athletics_triager)
    assert error.value.field == "assignee"
    report.refresh_from_db()
    assert report.status == Status.NEW and report.assignee is None


def test_r_iv_b_the_superintendent_does_not_triage_a_report_about_her_own_account(district):
    """It stays with the other triagers in scope (here the district-wide designee); as the
    account's site manager she reads it, without the forms."""
    report = report_in(district.athletics, account=athletics_account(
        district, "SuperAthletics", site_manager=district.superintendent))
    superintendent = _client(district.superintendent)
    assert report.pk not in [r.pk for r in superintendent.get(QUEUE_URL).context["page"].object_list]
    page = superintendent.get(report.get_absolute_url())
    assert page.status_code == 200 and "concerns/followed_detail.html" in [t.name for t in page.templates]
    with pytest.raises(ConcernError, match="about an account you keep"):
        services.resolve(actor=district.superintendent, report=report, outcome=Outcome.NO_ACTION, resolution="x")
    assert _client(district.designee).get(report.get_absolute_url()).status_code == 200
    services.assign(actor=district.designee, report=report, assignee=district.designee)


def test_r_iv_b_a_former_keeper_may_triage_again(district, athletics_triager):
    """The conflict is today's designations: once handed over, the report is his to handle."""
    account = athletics_account(district, "MPSAthletics", site_manager=athletics_triager)
    report = report_in(district.athletics, account=account)
    assert not has_perm(athletics_triager, "concerns.triage_report", report)
    account.designations.update(ended_at=timezone.now())
    assert has_perm(athletics_triager, "concerns.triage_report", report)
    assert _client(athletics_triager).get(report.get_absolute_url()).status_code == 200


def test_navigation_shows_concerns_to_triagers_only(district, client_for):
    assert 'href="/concerns/"' in client_for("designee").get("/").content.decode()
    assert 'href="/concerns/"' not in client_for("teacher").get("/").content.decode()


def test_navigation_marks_the_section_of_a_report_current(district, client_for):
    report = report_in(district.north)
    html = client_for("designee").get(report.get_absolute_url()).content.decode()
    nav = html.split('aria-label="Main"')[1].split("</nav>")[0]
    assert re.findall(r'<a href="([^"]*)" aria-current="page">', nav) == ["/concerns/"]  # not Home ("/")
    home = client_for("designee").get("/").content.decode().split('aria-label="Main"')[1].split("</nav>")[0]
    assert re.findall(r'<a href="([^"]*)" aria-current="page">', home) == ["/"]


# --- notifications and audit -------------------------------------------------------------


def test_assigning_a_colleague_tells_them_and_assigning_oneself_does_not(district):
    report = report_in(district.north)
    services.assign(actor=district.superintendent, report=report, assignee=district.superintendent)
    assert not outbox("concern_assigned").exists()
    services.assign(actor=district.superintendent, report=report, assignee=district.designee)
    message = outbox("concern_assigned").get()
    assert message.recipient == district.designee and report.reference in message.subject
    event = events(report, "concern.reassigned").get()
    assert event.before == {"status": "in_review", "assignee": district.superintendent.email}
    assert event.after == {"status": "in_review", "assignee": district.designee.email}


def test_resolving_tells_an_anonymous_reporter_by_email_without_the_details(district):
    report = services.submit_report(kind=Kind.IMPERSONATION, description="x", reporter_email="parent@example.net")
    services.resolve(actor=district.designee, report=report, outcome=Outcome.REFERRED_TO_HR,
                     resolution="Personnel matter: referred to HR.")
    message = outbox("concern_resolved").get()
    assert message.to == "parent@example.net" and message.recipient is None
    assert report.reference in message.subject and report.reference in message.body_text
    # The random reference can itself hold "HR" (C-5HR5BGVC did), so it is taken out first.
    body = (message.body_text + message.body_html).replace(report.reference, "")
    assert "HR" not in body and "Personnel" not in body  # the outcome stays inside the district
    event = events(report, "concern.resolved").get()
    assert event.after == {"status": "resolved", "outcome": Outcome.REFERRED_TO_HR}
    assert event.reason == "Personnel matter: referred to HR." and event.actor == district.designee


def test_resolving_tells_a_signed_in_reporter_as_a_user(district):
    report = services.submit_report(kind=Kind.OTHER, description="x", reporter=district.teacher,
                                    reporter_email=district.teacher.email)
    services.resolve(actor=district.designee, report=report, outcome=Outcome.NO_ACTION, resolution="Fine.")
    assert outbox("concern_resolved").get().recipient == district.teacher


def test_no_email_no_mail(district):
    report = services.submit_report(kind=Kind.OTHER, description="x")
    services.resolve(actor=district.designee, report=report, outcome=Outcome.NO_ACTION, resolution="Fine.")
    assert not outbox("concern_resolved").exists()


def test_the_reporter_who_triages_is_not_told_of_their_own_report(district):
    services.submit_report(kind=Kind.OTHER, description="x", reporter=district.designee)
    assert set(outbox("concern_submitted").values_list("to", flat=True)) == {district.superintendent.email}


def test_a_refused_change_leaves_no_event_and_no_mail(district):
    report = report_in(district.north, reporter_email="parent@example.net")
    services.resolve(actor=district.designee, report=report, outcome=Outcome.NO_ACTION, resolution="ok")
    with pytest.raises(ConcernError):
        services.resolve(actor=district.designee, report=report, outcome=Outcome.OTHER, resolution="again")
    assert events(report, "concern.resolved").count() == 1 and outbox("concern_resolved").count() == 1


# --- the triage pages ---------------------------------------------------------------------


def test_the_detail_page_shows_the_timeline(district, client_for):
    report = services.submit_report(kind=Kind.IMPERSONATION, description="Fake page", link="@fake")
    services.assign(actor=district.designee, report=report, assignee=district.designee)
    services.add_note(actor=district.designee, report=report, body="Looked it up.")
    html = client_for("superintendent").get(report.get_absolute_url()).content.decode()
    assert "Reported</strong> by a member of the public" in html
    assert "Assigned to Dee Signee</strong> by Dee Signee" in html
    assert "Looked it up." in html and "Fake page" in html
    assert "<script" not in html.split('<main')[1].split("</main>")[0]  # no inline script
    assert " style=" not in html


def test_the_detail_page_accepts_a_lower_case_reference(district, client_for):
    report = report_in(district.north)
    url = reverse("concerns:detail", args=[report.reference.lower()])
    assert client_for("designee").get(url).status_code == 200


def test_page_actions_redirect_back_with_a_message(district, client_for):
    report = report_in(district.north, reporter_email="parent@example.net")
    client = client_for("designee")
    response = client.post(reverse("concerns:note", args=[report.reference]), {"body": "Called the school."},
                           follow=True)
    assert "Your note is added." in response.content.decode()
    response = client.post(reverse("concerns:resolve", args=[report.reference]),
                           {"outcome": Outcome.SITE_MANAGER_CONTACTED, "resolution": "Site manager removed the post."},
                           follow=True)
    html = response.content.decode()
    assert "is resolved: site manager contacted" in html
    assert 'action="/concerns/%s/resolve/"' % report.reference not in html  # no second resolution offered


def test_bad_input_on_the_triage_forms_keeps_what_was_typed(district, client_for):
    report = report_in(district.north)
    client = client_for("designee")
    response = client.post(reverse("concerns:resolve", args=[report.reference]),
                           {"outcome": "", "resolution": "Typed before the mistake"})
    assert response.status_code == 200
    assert set(response.context["resolve_form"].errors) == {"outcome"}
    html = response.content.decode()
    assert "Typed before the mistake" in html and 'id="id_outcome_error"' in html
    response = client.post(reverse("concerns:note", args=[report.reference]), {"body": "  "})
    assert response.status_code == 200 and "body" in response.context["note_form"].errors
    response = client.post(reverse("concerns:assign", args=[report.reference]), {"assignee": district.teacher.pk})
    assert response.status_code == 200 and "assignee" in response.context["assign_form"].errors
    report.refresh_from_db()
    assert report.status == Status.NEW


def test_a_refusal_with_no_field_shows_on_top(district, client_for):
    report = report_in(district.north)
    services.resolve(actor=district.superintendent, report=report, outcome=Outcome.OTHER, resolution="done")
    response = client_for("designee").post(reverse("concerns:assign", args=[report.reference]),
                                           {"assignee": district.designee.pk})
    assert response.status_code == 200
    assert "A resolved report cannot become in review." in response.content.decode()


def test_the_queue_filters_and_counts(district, client_for, north_account):
    new = services.submit_report(kind=Kind.IMPERSONATION, description="x", link="@fake_north")
    mine = services.submit_report(kind=Kind.PRIVATE_DATA, description="x", link="@north_polars")
    services.assign(actor=district.designee, report=mine, assignee=district.designee)
    done = services.submit_report(kind=Kind.OTHER, description="x")
    services.resolve(actor=district.designee, report=done, outcome=Outcome.NO_ACTION, resolution="ok")
    client = client_for("designee")

    def listed(query=""):
        response = client.get(QUEUE_URL + query)
        assert response.status_code == 200
        return {r.reference for r in response.context["page"].object_list}

    assert listed() == {new.reference, mine.reference}  # open by default
    assert listed("?status=resolved") == {done.reference}
    assert listed("?status=all") == {new.reference, mine.reference, done.reference}
    assert listed("?status=all&kind=private_data") == {mine.reference}
    assert listed("?mine=on") == {mine.reference}
    assert listed("?status=all&q=" + done.reference.lower()) == {done.reference}
    assert listed("?q=fake_north") == {new.reference}
    assert listed("?status=nonsense&kind=%00") == {new.reference, mine.reference}  # garbage: the defaults
    counts = client.get(QUEUE_URL).context["counts"]
    assert counts == {"new": 1, "in_review": 1, "resolved": 1}
    html = client.get(QUEUE_URL).content.decode()
    assert "North Polars" in html and "1 new" in html


def test_the_queue_paginates_and_keeps_the_filters(district, client_for):
    ConcernReport.objects.bulk_create([
        ConcernReport(reference=new_reference(), kind=Kind.OTHER, description="x", org_unit=district.north)
        for _ in range(30)
    ])
    html = client_for("designee").get(QUEUE_URL + "?kind=other").content.decode()
    assert "Page 1 of 2" in html and "?kind=other&amp;page=2" in html


def test_the_queue_runs_a_constant_number_of_queries(district, client_for, north_account):
    units = [district.north, district.south, district.athletics]

    def grow(count):
        ConcernReport.objects.bulk_create([
            ConcernReport(
                reference=new_reference(), kind=Kind.INAPPROPRIATE_CONTENT, description="x",
                org_unit=units[n % 3], account=north_account if n % 2 else None,
                status=Status.IN_REVIEW if n % 2 else Status.NEW,
                assignee=district.designee if n % 2 else None,
            )
            for n in range(count)
        ])

    client = client_for("designee")
    # 10: the page's own, what the designee keeps (R-IV-B: never a report about it; read once a
    # request, accounts.selectors.keeps), and the header's count of unread messages (as on every page).
    assert assert_constant_queries(client, QUEUE_URL + "?status=all", grow, small=10, large=200) <= 10


def test_the_admin_shows_reports_read_only(district, client_for):
    report = report_in(district.north)
    client = client_for("admin")
    assert client.get(reverse("admin:concerns_concernreport_changelist") + "?q=" + report.reference).status_code == 200
    assert client.get(reverse("admin:concerns_concernreport_add")).status_code == 403
    page = client.get(reverse("admin:concerns_concernreport_change", args=[report.pk])).content.decode()
    assert 'name="_save"' not in page


# --- demo data ----------------------------------------------------------------------------


def test_the_demo_reports_are_believable_and_idempotent(db):
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    assert ConcernReport.objects.count() == 3
    fake = ConcernReport.objects.get(reference=demo.IMPERSONATION)
    assert fake.matched_name.name == "Roosevelt Teddies" and fake.org_unit.code == "RHS"
    assert fake.status == Status.RESOLVED and fake.outcome == Outcome.TAKEDOWN_REQUESTED
    assert fake.account is None and "instagram.com" in fake.link
    assert list(events(fake).order_by("at").values_list("verb", flat=True)) == [
        "concern.submitted", "concern.assigned", "concern.note_added", "concern.resolved"]
    private = ConcernReport.objects.get(kind=Kind.PRIVATE_DATA)
    assert private.status == Status.NEW and private.account.handle == "MPSAthletics"
    assert private.org_unit.code == "ATH"
    # R-IV-B: an impersonation of Roosevelt's name, with no account of its own, is Roosevelt's.
    named = ConcernReport.objects.get(reference=demo.ROOSEVELT_NAME)
    assert named.status == Status.NEW and named.account is None and named.org_unit.code == "RHS"
    designee = Client()
    designee.force_login(User.objects.get(email="designee@example.org"),
                         backend="django.contrib.auth.backends.ModelBackend")
    assert designee.get(fake.get_absolute_url()).status_code == 200
    assert designee.get(QUEUE_URL).status_code == 200
