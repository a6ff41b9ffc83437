"""A district's first start from the docs alone (docs/deploy.md, "Day one"): the org units
from HR's structure before the roster (R-III-E: delegation scopes and supervisors hang on
them), the superintendent's appointment from the server (R-III-B), and the starting
catalogue: Policy 4038 to acknowledge (R-V-A), the site-manager training the audit looks
for (R-V-C), the units' names protected (R-III-A)."""

import io
import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts import services as registry
from accounts.models import OfficialAccount, Platform, ProtectedName
from compliance import runs
from audits.models import AuditEvent
from compliance.models import Finding
from credentials import services as escrow
from credentials.models import Secrets
from notifications.models import OutboxMessage
from people import org_units
from people.models import OrgUnit, User
from training import catalogue, selectors, services as training
from training.models import Choice, Course, PolicyDocument, PolicyVersion

DOCS = Path(settings.BASE_DIR) / "docs"
HEADER = "code,name,kind,parent_code,website"


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def write(tmp_path, text: str) -> str:
    path = tmp_path / "units.csv"
    path.write_bytes(text.encode())
    return str(path)


def errors_of(text: str) -> list[str]:
    with pytest.raises(org_units.OrgUnitsInvalid) as caught:
        org_units.read(text.encode())
    return caught.value.errors


def tree() -> list[tuple]:
    return list(OrgUnit.objects.order_by("code").values_list("code", "name", "kind", "parent__code", "website", "path"))


# --- the org units ------------------------------------------------------------------------


class TestImportOrgUnits:
    def test_r_iii_e_the_sample_units_then_the_sample_roster_import_with_no_problem(self, db):
        out = run("import_org_units", str(DOCS / "org-units-sample.csv"))
        assert "Applied: 8 new units." in out
        district = OrgUnit.objects.get(code="MPS")
        assert district.kind == "district" and district.parent is None and district.path == f"/{district.pk}/"
        robotics = OrgUnit.objects.get(code="RHS-ROBO")
        assert robotics.path == f"{robotics.parent.path}{robotics.pk}/" and robotics.parent.code == "RHS"
        assert robotics.slug == "roosevelt-robotics-club"
        assert AuditEvent.objects.filter(verb="orgunit.added_from_import", actor=None).count() == 8
        out = run("import_roster", str(DOCS / "roster-sample.csv"))
        assert "Applied: 5 new people" in out
        assert User.objects.get(email="teacher@example.org").org_unit.code == "RHS"

    def test_a_second_run_changes_nothing(self, db):
        sample = str(DOCS / "org-units-sample.csv")
        run("import_org_units", sample)
        before, events = tree(), AuditEvent.objects.count()
        out = run("import_org_units", sample)
        assert "would change: no change" in out and "Nothing changed." in out
        assert tree() == before and AuditEvent.objects.count() == events

    def test_the_dry_run_previews_each_unit_and_changes_nothing(self, db):
        out = run("import_org_units", str(DOCS / "org-units-sample.csv"), "--dry-run")
        assert "8 units in the file; would change: 8 new units" in out
        assert "Line 9: new program or activity RHS-ROBO “Roosevelt Robotics Club” in RHS." in out
        assert "Dry run: nothing changed." in out
        assert not OrgUnit.objects.exists() and not AuditEvent.objects.exists()

    @pytest.mark.parametrize("rows, expected", [
        ("X,,school,DIST,", "Line 2: name is empty."),
        ("X,Ex,club,DIST,", "Line 2: kind “club” must be one of district, school, department, program."),
        ("X,Ex,school,,", "Line 2: parent_code is empty: every unit but the district sits inside another."),
        ("X,Ex,school,X,", "Line 2: X cannot sit inside itself."),
        ("X,Ex,school,DIST,not a site", "Line 2: “not a site” is not a web address (https://…)."),
        ("X,Ex,school,DIST", "Line 2: 4 columns where the header has 5."),
        ("X,Ex,school,NOWHERE,", "Line 2: unknown parent_code “NOWHERE”: it is neither in the file nor in the portal."),
        ("X,Ex,school,DIST,\nX,Ex again,school,DIST,", "Line 3: code X is already on line 2."),
        ("OTHER,Other District,district,,", "Line 2: OTHER cannot be a second district: the district is DIST."),
        ("DIST,Test District,school,NORTH,", "Line 2: DIST is the district: its kind stays district."),
        ("NORTH,North High School,school,X,\nX,Ex,school,NORTH,",
         "Line 2: the units sit inside each other in a circle: NORTH → X → NORTH."),
        (f"X,{'x' * 201},school,DIST,", "Line 2: name is longer than 200 characters."),
    ])
    def test_each_problem_is_named_with_its_line(self, district, rows, expected):
        errors = errors_of(f"{HEADER}\n{rows}\n")
        assert expected in errors, errors

    def test_whole_file_problems_are_said_as_the_roster_says_them(self, db):
        assert errors_of("") == ["The file is empty: it needs a header row and one row per unit."]
        assert errors_of(HEADER.replace(",", ";")) == [
            "Line 1: the columns are separated by semicolons; the list of units must be comma-separated (CSV)."]
        assert errors_of("code,name\nX,Ex") == [
            "Line 1: the header lacks kind, parent_code. Expected columns: code, name, kind, parent_code, website."]
        assert errors_of(f"{HEADER}\n") == ["The file has a header but no unit in it."]

    def test_a_file_with_problems_changes_nothing_and_the_command_lists_them(self, district, tmp_path):
        before = tree()
        err = io.StringIO()
        with pytest.raises(CommandError, match="2 problem"):
            call_command("import_org_units", write(tmp_path, f"{HEADER}\nNEW,New School,school,DIST,\n"
                                                             "NORTH,North,school,NOWHERE,\nY,,school,DIST,\n"),
                         stdout=io.StringIO(), stderr=err)
        assert "Line 4: name is empty." in err.getvalue() and "Line 3: unknown parent_code" in err.getvalue()
        assert tree() == before

    def test_changes_and_moves_carry_the_subtree_and_its_accounts(self, district, tmp_path):
        account = registry.establish_account(
            actor=district.superintendent, platform=Platform.objects.get(slug="instagram"), org_unit=district.north,
            display_name="North News", handle="north_news", site_manager=district.teacher,
            origin=OfficialAccount.Origin.DIRECT, reason="For the test.")
        run("import_org_units", write(tmp_path, f"{HEADER}\nNORTH-ROBO,North Robotics,program,NORTH,\n"))
        data = (f"{HEADER}\nNORTH,North High,school,ATH,https://north.example.org/\n"
                "NORTH-ROBO,North Robotics,program,NORTH,\n")
        plan = org_units.compare(org_units.read(data.encode()))
        assert plan.counts() == {"new units": 0, "changed": 1, "moves": 1} and plan.not_in_file == 3
        assert plan.lines() == ["Line 2: NORTH: name North High School → North High; website — → "
                                "https://north.example.org/; parent DIST → ATH."]
        org_units.apply(plan, actor=None)
        north, robotics = OrgUnit.objects.get(code="NORTH"), OrgUnit.objects.get(code="NORTH-ROBO")
        assert north.name == "North High" and north.parent == district.athletics and north.slug == district.north.slug
        assert north.path == f"{district.athletics.path}{north.pk}/" and robotics.path == f"{north.path}{robotics.pk}/"
        account.refresh_from_db()
        assert account.unit_path == north.path
        event = AuditEvent.objects.get(verb="orgunit.changed_from_import")
        assert event.before == {"name": "North High School", "website": "", "parent": "DIST"}
        assert event.after == {"name": "North High", "website": "https://north.example.org/", "parent": "ATH"}
        assert org_units.compare(org_units.read(data.encode())).is_empty

    def test_the_public_directory_offers_the_new_units_at_once(self, district, tmp_path, client):
        def offered() -> list[str]:
            return re.findall(r'<option value="([^"]+)"', client.get("/directory/").content.decode())

        assert "west-high-school" not in offered()  # the filter's options, now cached
        run("import_org_units", write(tmp_path, f"{HEADER}\nWEST,West High School,school,DIST,\n"))
        assert "west-high-school" in offered()

    def test_an_empty_website_keeps_the_portals_and_a_taken_address_gets_the_code(self, district, tmp_path):
        OrgUnit.objects.filter(pk=district.north.pk).update(website="https://north.example.org/")
        run("import_org_units", write(tmp_path, f"{HEADER}\nNORTH,North High School,school,DIST,\n"
                                                "SOUTH-ATH,Athletics,department,SOUTH,\n"))
        assert OrgUnit.objects.get(code="NORTH").website == "https://north.example.org/"
        assert OrgUnit.objects.get(code="SOUTH-ATH").slug == f"{district.athletics.slug}-south-ath"


# --- the superintendent -------------------------------------------------------------------


class TestAppointSuperintendent:
    def test_r_iii_b_an_administrator_appoints_and_everyone_concerned_is_told(self, district):
        out = run("appoint_superintendent", "Principal@example.org", "--by", district.admin.email,
                  "--reason", "Board resolution 2026-14")
        assert "Pat Principal (principal@example.org) is now the superintendent, in place of Sue Perintendent" in out
        assert User.objects.get(is_superintendent=True, is_active=True) == district.principal
        event = AuditEvent.objects.get(verb="superintendent.appointed")
        assert event.actor == district.admin and event.reason == "Board resolution 2026-14"
        told = set(OutboxMessage.objects.filter(template="superintendent_appointed").values_list("to", flat=True))
        assert told == {"principal@example.org", "super@example.org", "admin@example.org"}
        assert "admin@example.org, principal@example.org, super@example.org." in out

    def test_r_iii_b_an_administrator_cannot_appoint_themselves(self, district):
        with pytest.raises(CommandError, match="You cannot appoint yourself superintendent"):
            run("appoint_superintendent", district.admin.email, "--by", district.admin.email, "--reason", "Me.")
        assert User.objects.get(is_superintendent=True) == district.superintendent
        assert not AuditEvent.objects.filter(verb="superintendent.appointed").exists()

    def test_only_an_administrator_and_only_people_the_portal_knows(self, district):
        with pytest.raises(CommandError, match="Only an administrator or the sitting superintendent"):
            run("appoint_superintendent", district.principal.email, "--by", district.teacher.email, "--reason", "x")
        with pytest.raises(CommandError, match="Nobody in the portal has the email nobody@example.org"):
            run("appoint_superintendent", "nobody@example.org", "--by", district.admin.email, "--reason", "x")
        with pytest.raises(CommandError, match="must be an active district employee"):
            run("appoint_superintendent", district.contractor.email, "--by", district.admin.email, "--reason", "x")
        assert User.objects.get(is_superintendent=True) == district.superintendent


# --- the starting catalogue ---------------------------------------------------------------


class TestLoadCatalogue:
    def test_r_v_a_r_iii_a_it_adds_the_policy_the_course_and_the_units_names(self, district):
        out = run("load_catalogue")
        version = PolicyVersion.objects.get(document__slug="policy-4038")
        assert version.document.required and version.number == "2014" and str(version.effective_on) == "2014-08-13"
        assert "III. GENERAL STATEMENT OF POLICY" in version.text and version.text.startswith("4038")
        course = Course.objects.get(slug="site-manager-training")
        assert course.for_site_managers and course.is_active and course.questions.count() == 4
        assert Choice.objects.filter(question__course=course, is_correct=True).count() == 4
        assert set(ProtectedName.objects.values_list("name", "kind", "owner__code")) == {
            ("Test District", "district", "DIST"), ("North High School", "school", "NORTH"),
            ("South High School", "school", "SOUTH"), ("Athletics", "department", "ATH")}
        assert "Added 4 protected names" in out and "Added the course “Social media site manager training”" in out
        verbs = list(AuditEvent.objects.filter(actor=None).values_list("verb", flat=True))
        assert sorted(set(verbs)) == ["course.added_from_catalogue", "policydocument.added_from_catalogue",
                                      "policyversion.added_from_catalogue", "protectedname.added_from_catalogue"]
        assert len(verbs) == 7

    def test_a_second_run_adds_nothing_says_so_and_keeps_the_admins_edits(self, district):
        run("load_catalogue")
        Course.objects.filter(slug="site-manager-training").update(title="Our own title")
        ProtectedName.objects.filter(name="North High School").update(name="NORTH HIGH SCHOOL")
        counts = (PolicyDocument.objects.count(), PolicyVersion.objects.count(), Course.objects.count(),
                  ProtectedName.objects.count(), AuditEvent.objects.count())
        out = run("load_catalogue")
        assert "Nothing added: the starting catalogue is already there." in out
        assert counts == (PolicyDocument.objects.count(), PolicyVersion.objects.count(), Course.objects.count(),
                          ProtectedName.objects.count(), AuditEvent.objects.count())
        assert Course.objects.get(slug="site-manager-training").title == "Our own title"

    def test_staff_see_the_new_course_and_policy_at_once(self, district):
        assert selectors.active_courses() == [] and selectors.versions_in_effect(date.today()) == []  # cached
        run("load_catalogue")
        assert [course.slug for course in selectors.active_courses()] == ["site-manager-training"]
        assert [version.number for version in selectors.versions_in_effect(date.today())] == ["2014"]

    def test_units_added_later_get_their_names_on_the_next_run(self, district):
        run("load_catalogue")
        OrgUnit.objects.create(code="WEST", name="West High School", kind=OrgUnit.Kind.SCHOOL, parent=district.district)
        assert "Added 1 protected names: West High School." in run("load_catalogue")

    def test_r_v_c_the_course_is_the_one_the_compliance_audit_asks_site_managers_for(self, district):
        account = registry.establish_account(
            actor=district.superintendent, platform=Platform.objects.get(slug="instagram"), org_unit=district.north,
            display_name="North News", handle="north_news", site_manager=district.teacher,
            origin=OfficialAccount.Origin.DIRECT, reason="For the test.")
        escrow.escrow(actor=district.teacher, account=account, secrets=Secrets(login="x", password="y"))

        def training_finding() -> bool:
            runs.execute(runs.start_run(actor=None))
            return Finding.objects.filter(account=account, check_slug="training", closed_at__isnull=True).exists()

        assert not training_finding()  # no course yet: nothing is required
        run("load_catalogue")
        assert training_finding()
        course = Course.objects.get(slug=catalogue.SITE_MANAGER_COURSE.slug)
        answers = dict(Choice.objects.filter(question__course=course, is_correct=True)
                       .values_list("question_id", "pk"))
        assert training.take_quiz(actor=district.teacher, course=course, answers=answers).passed
        assert not training_finding()

    def test_without_org_units_it_says_to_import_them_first(self, db):
        out = run("load_catalogue")
        assert "No org units yet, so no protected names" in out and not ProtectedName.objects.exists()
