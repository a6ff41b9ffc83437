"""The HR roster (R-III-E: "the site manager's supervisor" comes from HR data): every
validation error with its line, the preview, idempotency, each effect, the pages."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accounts import services as registry
from accounts.models import OfficialAccount, Platform
from audits.models import AuditEvent
from compliance.models import Finding
from credentials import services as escrow
from credentials.models import Secrets
from notifications.models import OutboxMessage
from roster import effects, services, sync
from people.models import Delegation, User
from roster.models import RosterImport

from .a11y import assert_accessible

HEADER = "employee_id,email,full_name,kind,org_unit,supervisor_id,active,job_title"


def line(user, **overrides) -> str:
    values = {"employee_id": user.employee_id, "email": user.email, "full_name": user.full_name, "kind": user.kind,
              "org_unit": user.org_unit.code, "supervisor_id": user.supervisor.employee_id if user.supervisor else "",
              "active": "yes", "job_title": user.job_title, **overrides}
    return ",".join(f'"{values[name]}"' if "," in str(values[name]) else str(values[name])
                    for name in HEADER.split(","))


def roster_of(district, changes=None, extra=()) -> bytes:
    """The district's people as HR would list them, with ``changes`` per persona."""
    changes = changes or {}
    people = ["superintendent", "designee", "principal", "teacher", "coach", "contractor", "outsider"]
    lines = [HEADER] + [line(district.persona(name), **changes.get(name, {})) for name in people] + list(extra)
    return ("\n".join(lines) + "\n").encode()


def managed_account(district, site_manager=None):
    account = registry.establish_account(
        actor=district.superintendent, platform=Platform.objects.get(slug="instagram"), org_unit=district.north,
        display_name="North Roster", handle="north_roster", site_manager=site_manager or district.teacher,
        origin=OfficialAccount.Origin.DIRECT, reason="For the test.")
    escrow.escrow(actor=site_manager or district.teacher, account=account, secrets=Secrets(login="x", password="y"))
    account.refresh_from_db()
    return account


def errors_of(data: bytes) -> list[str]:
    with pytest.raises(sync.RosterInvalid) as caught:
        sync.read(data)
    return caught.value.errors


def apply(data: bytes, actor=None):
    plan = sync.compare(sync.read(data))
    return services.apply_plan(plan, effects.authority_lines(plan), actor=actor)


class TestValidation:
    def test_the_districts_own_roster_is_valid_and_changes_nothing(self, district):
        plan = sync.compare(sync.read(roster_of(district)))
        assert plan.is_empty and plan.not_in_roster == 1  # the admin, added by hand

    @pytest.mark.parametrize("bad,expected", [
        ("{0}\nX1,x1@example.org,Ann,employee,NOWHERE,,yes,", "Line 2: unknown org unit code “NOWHERE”."),
        ("{0}\nX1,x1@example.org,Ann,employee,NORTH,X9,yes,", "Line 2: supervisor X9 is not in the roster."),
        ("{0}\nX1,x1@example.org,Ann,employee,NORTH,,yes,\nX1,x2@example.org,Bo,employee,NORTH,,yes,",
         "Line 3: employee id X1 is already on line 2."),
        ("{0}\nX1,x1@example.org,Ann,employee,NORTH,,yes,\nX2,X1@example.org,Bo,employee,NORTH,,yes,",
         "Line 3: email x1@example.org is already on line 2."),
        ("{0}\nX1,x1@example.org,Ann,employee,NORTH,X2,yes,\nX2,x2@example.org,Bo,employee,NORTH,X1,yes,",
         "the supervisors go round in a circle: X1 → X2 → X1"),
        ("{0}\nX1,x1@example.org,Ann,employee,NORTH,X1,yes,", "Line 2: X1 cannot supervise themselves."),
        ("{0}\nX1,not-an-email,Ann,employee,NORTH,,yes,", "Line 2: “not-an-email” is not an email address."),
        ("{0}\nX1,x1@example.org,Ann,volunteer,NORTH,,yes,", "Line 2: kind “volunteer” must be employee or contractor."),
        ("{0}\nX1,x1@example.org,Ann,employee,NORTH,,maybe,", "Line 2: active “maybe” must be yes or no."),
        ("{0}\nX1,x1@example.org,,employee,NORTH,,yes,", "Line 2: full_name is empty."),
        ("{0}\nX1,x1@example.org,Ann,employee,NORTH", "Line 2: 5 columns where the header has 8."),
        ("employee_id,email,full_name\nX1,x@example.org,Ann", "Line 1: the header lacks kind, org_unit"),
    ])
    def test_each_problem_is_named_with_its_line(self, district, bad, expected):
        assert any(expected in error for error in errors_of(bad.format(HEADER).encode())), errors_of(
            bad.format(HEADER).encode())

    def test_bad_encodings_delimiters_and_non_csv_files(self, district):
        assert "not UTF-8" in errors_of((HEADER + "\nX1,x@example.org,Zoë,employee,NORTH,,yes,\n").encode("latin-1"))[0]
        assert "separated by semicolons" in errors_of(HEADER.replace(",", ";").encode())[0]
        assert "not a CSV file" in errors_of(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")[0]
        assert "empty" in errors_of(b"")[0]

    def test_a_file_with_errors_changes_nothing(self, district):
        before = list(User.objects.values_list("pk", "full_name", "supervisor_id", "is_active"))
        with pytest.raises(CommandError):
            call_command("import_roster", _write(district, b"\n".join([
                roster_of(district, {"teacher": {"full_name": "Renamed"}}).strip(),
                b"X1,x1@example.org,Ann,employee,NOWHERE,,yes,"])), stdout=io.StringIO(), stderr=io.StringIO())
        assert list(User.objects.values_list("pk", "full_name", "supervisor_id", "is_active")) == before


def _write(district, data: bytes) -> str:
    import tempfile

    handle = tempfile.NamedTemporaryFile(suffix=".csv", delete=False)
    handle.write(data)
    handle.close()
    return handle.name


class TestApplying:
    def test_the_preview_and_the_apply_agree_and_a_second_apply_changes_nothing(self, district):
        data = roster_of(district, {"teacher": {"org_unit": "SOUTH", "supervisor_id": district.outsider.employee_id}},
                         extra=["N1,new.person@example.org,Nia New,employee,NORTH,"
                                f"{district.principal.employee_id},yes,Counselor"])
        plan = sync.compare(sync.read(data))
        assert plan.counts() == {"new people": 1, "changed": 1, "supervisor changes": 2, "moves between units": 1,
                                 "deactivations": 0, "reactivations": 0, "became contractors": 0}
        sync.apply(plan, actor=None)
        nia = User.objects.get(email="new.person@example.org")
        assert nia.supervisor == district.principal and not nia.has_usable_password()
        teacher = User.objects.get(pk=district.teacher.pk)
        assert teacher.org_unit == district.south and teacher.supervisor == district.outsider
        assert AuditEvent.objects.filter(verb="person.added_from_roster").count() == 1
        assert sync.compare(sync.read(data)).is_empty

    def test_the_command_dry_run_changes_nothing(self, district):
        out = io.StringIO()
        call_command("import_roster", _write(district, roster_of(district, {"teacher": {"full_name": "T. Teacher"}})),
                     "--dry-run", stdout=out)
        assert "1 changed" in out.getvalue() and "Dry run" in out.getvalue()
        assert User.objects.get(pk=district.teacher.pk).full_name == "Tess Teacher"


class TestEffects:
    def test_r_iii_e_a_departed_site_manager(self, district, client):
        account = managed_account(district)
        client.force_login(district.teacher, backend="django.contrib.auth.backends.ModelBackend")
        apply(roster_of(district, {"teacher": {"active": "no"}}))
        account.refresh_from_db()
        finding = Finding.objects.get(account=account, check_slug="site_manager", closed_at__isnull=True)
        assert finding.opened_by_run is None and "left the district" in finding.detail
        assert account.rotation_due
        told = set(OutboxMessage.objects.filter(template="site_manager_departed").values_list("to", flat=True))
        assert told == {"super@example.org", "designee@example.org", "principal@example.org"}
        assert client.get(reverse("accounts:mine")).status_code == 302  # their session is over

    def test_a_departed_designee_loses_their_delegations(self, district):
        apply(roster_of(district, {"designee": {"active": "no"}}))
        delegation = Delegation.objects.get(grantee=district.designee)
        assert delegation.revoked_at is not None and "left the district" in delegation.revoke_reason

    def test_r_iii_e_a_new_supervisor_for_a_site_manager_makes_rotation_due(self, district):
        account = managed_account(district)
        apply(roster_of(district, {"teacher": {"supervisor_id": district.designee.employee_id}}))
        account.refresh_from_db()
        assert account.rotation_due and "supervisor changed" in account.rotation_due_reason
        from credentials.selectors import revealable_for

        assert account in revealable_for(User.objects.get(pk=district.designee.pk))
        assert account not in revealable_for(User.objects.get(pk=district.principal.pk))

    def test_r_iii_e_a_site_manager_who_becomes_a_contractor(self, district):
        account = managed_account(district)
        apply(roster_of(district, {"teacher": {"kind": "contractor"}}))
        assert Finding.objects.filter(account=account, check_slug="site_manager", closed_at__isnull=True,
                                      detail__contains="contractor").exists()


class TestPages:
    def test_upload_preview_apply(self, district, client_for, django_capture_on_commit_callbacks):
        client = client_for("superintendent")
        html = client.get(reverse("roster:upload")).content.decode()
        assert_accessible(html, "roster")
        upload = io.BytesIO(roster_of(district, {"teacher": {"active": "no"}}))
        upload.name = "hr.csv"
        response = client.post(reverse("roster:upload"), {"file": upload})
        item = RosterImport.objects.get()
        assert response["Location"] == reverse("roster:preview", args=[item.pk])
        html = client.get(response["Location"]).content.decode()
        assert "Leaving (deactivated)" in html and "Tess Teacher" in html
        assert User.objects.get(pk=district.teacher.pk).is_active  # nothing applied yet
        assert_accessible(html, "roster preview")
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("roster:apply", args=[item.pk]))
        item.refresh_from_db()
        assert item.status == RosterImport.Status.APPLIED and item.summary["deactivations"] == 1
        assert not User.objects.get(pk=district.teacher.pk).is_active
        assert client.get(reverse("roster:progress", args=[item.pk])).json()["progress"] == 100

    def test_an_invalid_upload_lists_the_problems_and_keeps_nothing(self, district, client_for):
        upload = io.BytesIO(f"{HEADER}\nX1,x1@example.org,Ann,employee,NOWHERE,,yes,\n".encode())
        upload.name = "hr.csv"
        html = client_for("designee").post(reverse("roster:upload"), {"file": upload}).content.decode()
        assert "Line 2: unknown org unit code “NOWHERE”." in html and not RosterImport.objects.exists()
