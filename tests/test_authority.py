"""No path from a narrow role to escrowed credentials or another person's sign-in (R-III-E).

The walks a hostile insider took on the demo, each end to end: a designee who only
triages concerns over one department imports a roster naming himself a site manager's
supervisor, then reveals; a roster changes the superintendent's email to an address its
uploader reads. Powers count only inside their delegation's scope
(tests/test_delegation_matrix.py); these say what the roster may and may not move.
"""

import io

import pytest
from django.urls import reverse
from django.utils import timezone

from audits.models import AuditEvent
from notifications.models import OutboxMessage
from people import services as people_services
from roster import effects, services, sync
from people.models import Delegation, User
from roster.models import RosterImport

from .factories import DelegationFactory
from .test_roster import managed_account, roster_of


def upload(client, data: bytes, name="hr.csv"):
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse("roster:upload"), {"file": file})


@pytest.fixture
def importer(district):
    """A designee holding only the roster, over the whole district."""
    return DelegationFactory(grantee=district.coach, scope=district.district, decide_applications=False,
                             import_roster=True).grantee


def signed_in(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_r_iii_e_a_narrow_designee_cannot_import_the_roster_to_reach_a_reveal(district, client):
    """The walk: triage over Athletics, a roster naming himself the site manager's supervisor,
    a reveal. The roster is not his to import, so the walk ends at its first step."""
    account = managed_account(district)  # the teacher keeps it; the principal supervises them
    DelegationFactory(grantee=district.coach, scope=district.athletics, decide_applications=False,
                      triage_concerns=True)
    signed_in(client, district.coach)
    data = roster_of(district, {"teacher": {"supervisor_id": district.coach.employee_id}})
    assert client.get(reverse("roster:upload")).status_code == 403
    assert upload(client, data).status_code == 403
    with pytest.raises(services.RosterError):
        services.preview_roster(actor=district.coach, filename="hr.csv", data=data)
    assert User.objects.get(pk=district.teacher.pk).supervisor == district.principal
    assert client.get(reverse("credentials:reveal", args=[account.pk])).status_code == 404


def test_r_iii_e_nobody_imports_a_line_that_makes_themselves_someones_supervisor(district, client, importer):
    data = roster_of(district, {"teacher": {"supervisor_id": importer.employee_id}})
    html = upload(signed_in(client, importer), data).content.decode()
    assert "makes you the supervisor of Tess Teacher" in html
    assert not RosterImport.objects.exists()


def test_r_iii_e_a_site_managers_new_supervisor_waits_for_the_superintendent(
        district, client, importer, django_capture_on_commit_callbacks):
    """Whoever uploads it, a roster that hands a site manager's escrow to someone else
    applies only once the superintendent has confirmed that line; she may decline it."""
    account = managed_account(district)
    data = roster_of(district, {"teacher": {"supervisor_id": district.outsider.employee_id}})
    response = upload(signed_in(client, importer), data)
    item = RosterImport.objects.get()
    assert response["Location"] == reverse("roster:preview", args=[item.pk])
    [line] = item.authority
    assert line["change"] == "supervisor Pat Principal → Otto Outsider"
    assert "Otto Outsider gains access" in line["consequence"] and "North Roster" in line["consequence"]
    html = client.get(response["Location"]).content.decode()
    assert "Changes of authority" in html and "Send to the superintendent to confirm" in html

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("roster:apply", args=[item.pk]))
    item.refresh_from_db()
    assert item.status == RosterImport.Status.AWAITING
    assert User.objects.get(pk=district.teacher.pk).supervisor == district.principal  # nothing applied
    assert OutboxMessage.objects.filter(template="roster_awaiting_confirmation", to=district.superintendent.email)
    # He cannot confirm it himself, nor decline it.
    assert client.post(reverse("roster:apply", args=[item.pk]), {"confirmed": "on"}).status_code == 200
    assert client.post(reverse("roster:decline", args=[item.pk]), {"reason": "x"}).status_code == 403
    item.refresh_from_db()
    assert item.status == RosterImport.Status.AWAITING

    superintendent = signed_in(type(client)(), district.superintendent)
    html = superintendent.post(reverse("roster:apply", args=[item.pk])).content.decode()
    assert "Tick the box to confirm" in html  # not without the box ticked
    with django_capture_on_commit_callbacks(execute=True):
        superintendent.post(reverse("roster:apply", args=[item.pk]), {"confirmed": "on"})
    item.refresh_from_db()
    assert item.status == RosterImport.Status.APPLIED and item.confirmed_by == district.superintendent
    assert User.objects.get(pk=district.teacher.pk).supervisor == district.outsider
    account.refresh_from_db()
    assert account.rotation_due
    assert AuditEvent.objects.filter(verb="roster.apply_started", actor=district.superintendent).exists()


def test_r_iii_e_the_superintendent_declines_a_roster_and_nothing_applies(district, client, importer):
    managed_account(district)
    signed_in(client, importer)
    upload(client, roster_of(district, {"teacher": {"supervisor_id": district.outsider.employee_id}}))
    item = RosterImport.objects.get()
    client.post(reverse("roster:apply", args=[item.pk]))
    superintendent = signed_in(type(client)(), district.superintendent)
    html = superintendent.post(reverse("roster:decline", args=[item.pk]), {"reason": ""}).content.decode()
    assert "This field is required" in html
    superintendent.post(reverse("roster:decline", args=[item.pk]), {"reason": "Otto is not his supervisor."})
    item.refresh_from_db()
    assert item.status == RosterImport.Status.DECLINED
    assert OutboxMessage.objects.filter(template="roster_declined", to=importer.email).exists()
    assert User.objects.get(pk=district.teacher.pk).supervisor == district.principal
    with pytest.raises(services.RosterError):
        services.start_roster_import(actor=district.superintendent, upload=item, confirmed=True)


def test_r_iii_e_the_superintendents_email_is_not_taken_over_by_a_roster(
        district, client, importer, django_capture_on_commit_callbacks):
    """The walk: three roster lines change the superintendent's email to one the uploader
    reads, then "Forgot password". The line waits for the superintendent; once she confirms
    it, her old address is told."""
    old = district.superintendent.email
    data = roster_of(district, {"superintendent": {"email": "attacker@example.net"}})
    signed_in(client, importer)
    upload(client, data)
    item = RosterImport.objects.get()
    [line] = item.authority
    assert line["change"] == f"email {old} → attacker@example.net"
    assert "the superintendent" in line["consequence"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("roster:apply", args=[item.pk]))
    assert User.objects.get(pk=district.superintendent.pk).email == old

    with django_capture_on_commit_callbacks(execute=True):
        services.start_roster_import(actor=district.superintendent, upload=item, confirmed=True)
    assert User.objects.get(pk=district.superintendent.pk).email == "attacker@example.net"
    told = OutboxMessage.objects.get(template="email_changed_from_roster")
    assert told.to == old and "attacker@example.net" in told.body_text


@pytest.mark.parametrize("persona,change", [
    ("designee", {"email": "dee@example.net"}),  # a designee, by email
    ("admin", {"active": "no"}),  # an administrator, by status
    ("teacher", {"kind": "contractor"}),  # a site manager, by kind
    ("principal", {"email": "pat@example.net"}),  # a site manager's supervisor
])
def test_r_iii_e_every_kind_of_power_holder_is_listed(district, persona, change):
    """Everybody is in the file and one line changes: that line, and only it, moves power."""
    managed_account(district)
    admin = {"employee_id": district.admin.employee_id, "email": district.admin.email,
             "full_name": district.admin.full_name, "kind": "employee", "org_unit": "DIST", "supervisor_id": "",
             "active": "yes", "job_title": "", **(change if persona == "admin" else {})}
    data = roster_of(district, {persona: change}, extra=[",".join(admin.values())])
    lines = effects.authority_lines(sync.compare(sync.read(data)))
    assert [line.person for line in lines] == [district.persona(persona).full_name]


def test_r_iii_e_ordinary_changes_need_no_confirmation(district, importer, django_capture_on_commit_callbacks):
    """A teacher who keeps nothing changes name and email: nobody's power moves."""
    data = roster_of(district, {"contractor": {"email": "con@example.net", "full_name": "Con T."}})
    item = services.preview_roster(actor=importer, filename="hr.csv", data=data)
    assert item.authority == []
    with django_capture_on_commit_callbacks(execute=True):
        services.start_roster_import(actor=importer, upload=item)
    item.refresh_from_db()
    assert item.status == RosterImport.Status.APPLIED


def test_r_iii_e_the_roster_power_covers_the_whole_district_or_nothing(district):
    with pytest.raises(people_services.PeopleError, match="covers the whole district") as refused:
        people_services.grant_delegation(actor=district.superintendent, grantee=district.coach, scope=district.north,
                                  powers={"import_roster"}, starts_on=timezone.localdate(),
                                  ends_on=timezone.localdate())
    assert "powers" in refused.value.errors
    assert not Delegation.objects.filter(grantee=district.coach).exists()

