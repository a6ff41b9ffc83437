"""Required training (R-V-C, Policy 4038 §V.C), policy documents (R-V-A, §V.A) and
acknowledgments (R-IV-C, §IV.C): who must take what, completions (quiz, self-attestation,
an administrator's record, a CSV import), the acknowledgment gate on applying, escrowing
and reviewing, the reminders and the weekly digest on a frozen clock (explicit ``today``),
the compliance audit's selector, and the pages.
"""

import io
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from zeal import zeal_ignore

from accounts import services as registry
from accounts.models import Designation, OfficialAccount, Platform
from audits.models import AuditEvent
from mps_social import digest
from notifications.models import OutboxMessage
from training import selectors, services
from training.models import (Acknowledgment, Choice, Completion, Course, PolicyDocument, PolicyVersion, Question,
                             Reminder)

from .a11y import assert_accessible
from .factories import UserFactory
from .queries import assert_constant_queries

TODAY = date(2026, 3, 10)  # the frozen clock of these tests
Method = Completion.Method


# --- helpers -------------------------------------------------------------------------


def make_course(slug="sm-training", *, quiz=0, **fields) -> Course:
    defaults = {"title": f"Course {slug}", "material": "Read this first.\n\nThen this.", "validity_months": 12,
                "for_site_managers": True}
    course = Course.objects.create(slug=slug, **{**defaults, **fields})
    for number in range(1, quiz + 1):
        question = Question.objects.create(course=course, text=f"Question {number}?", order=number)
        Choice.objects.create(question=question, text="Right", is_correct=True, order=1)
        Choice.objects.create(question=question, text="Wrong", order=2)
    return course


def answers(course, wrong=0) -> dict[int, int]:
    """Right answers to every question, but the first ``wrong`` of them."""
    chosen = {}
    questions = Question.objects.filter(course=course).order_by("order").prefetch_related("choices")
    for number, question in enumerate(questions):
        right = number >= wrong
        chosen[question.pk] = next(choice.pk for choice in question.choices.all() if choice.is_correct == right)
    return chosen


def manage(district, person=None, handle="north_training", *, backup=None) -> OfficialAccount:
    """An account (pending setup, so live) with ``person`` as its site manager."""
    return registry.establish_account(
        actor=district.superintendent, platform=Platform.objects.get(slug="instagram"), org_unit=district.north,
        display_name="North Training", handle=handle, site_manager=person or district.teacher, backup=backup,
        origin=OfficialAccount.Origin.DIRECT, reason="For the test.")


def complete(district, person, course, completed_on) -> Completion:
    return services.record_completion(actor=district.admin, person=person, course=course, completed_on=completed_on,
                                      today=max(completed_on, TODAY))


def make_document(slug="policy-4038", *, required=True, versions=(("1", date(2014, 8, 13)),)) -> PolicyDocument:
    document = PolicyDocument.objects.create(slug=slug, title=f"Document {slug}", kind=PolicyDocument.Kind.POLICY,
                                             required=required)
    for number, effective_on in versions:
        PolicyVersion.objects.create(document=document, number=number, effective_on=effective_on, text="Text.")
    return document


def version(document, number) -> PolicyVersion:
    # One document per call, as its page works on one; zeal counts the calls of a whole test.
    with zeal_ignore([{"model": "training.PolicyDocument", "field": "versions"}]):
        return document.versions.get(number=number)


def thresholds(person) -> list[str]:
    return list(Reminder.objects.filter(user=person).order_by("sent_at", "pk").values_list("threshold", flat=True))


# --- who must take what ------------------------------------------------------------


class TestWhoMustTakeWhat:
    def test_r_v_c_roles_are_derived_from_the_data(self, district):
        assert selectors.roles_of(district.teacher) == selectors.Roles()
        manage(district, district.teacher, backup=district.coach)
        teacher, coach = (type(district.teacher).objects.get(pk=p.pk) for p in (district.teacher, district.coach))
        assert selectors.roles_of(teacher) == selectors.Roles(site_manager=True, account_staff=True)
        assert selectors.roles_of(coach) == selectors.Roles(account_staff=True)

    def test_r_v_c_an_open_application_makes_an_applicant(self, district):
        from approvals import services as approvals

        approvals.save_draft(actor=district.outsider, data={"display_name": "An idea"})
        assert selectors.roles_of(district.outsider).applicant

    def test_r_v_c_a_retired_account_asks_nothing_of_its_keeper(self, district):
        account = manage(district)
        registry.change_status(actor=district.superintendent, account=account, status="retired", reason="Closed.")
        assert selectors.roles_of(district.teacher) == selectors.Roles()

    @pytest.mark.parametrize("expires_on,state", [
        (None, "never"), (TODAY - timedelta(days=1), "expired"), (TODAY, "expired"),
        (TODAY + timedelta(days=1), "expiring"), (TODAY + timedelta(days=30), "expiring"),
        (TODAY + timedelta(days=31), "current"),
    ])
    def test_r_v_c_the_state_of_a_completion(self, expires_on, state):
        assert selectors.state_of(expires_on, TODAY) == state

    def test_r_v_c_overview_lists_required_courses_first_with_their_deadline(self, district):
        manage(district)
        required = make_course("required")
        optional = make_course("optional", for_site_managers=False, for_applicants=True)
        make_course("retired-course", is_active=False)
        complete(district, district.teacher, required, date(2025, 3, 20))
        overview = selectors.overview(district.teacher, TODAY)
        assert [(entry.course, entry.required, entry.state) for entry in overview.courses] == [
            (required, True, "expiring"), (optional, False, "never")]
        assert overview.required[0].deadline == "Valid through Mar 19, 2026"
        assert overview.to_do == overview.required

    def test_r_v_c_an_applicant_who_keeps_an_account_holds_both_roles(self, district):
        from approvals import services as approvals

        manage(district)
        approvals.save_draft(actor=district.teacher, data={"display_name": "Another idea"})
        assert selectors.roles_of(district.teacher) == selectors.Roles(site_manager=True, applicant=True,
                                                                         account_staff=True)

    def test_r_v_c_the_catalogue_is_read_from_the_cache_until_an_administrator_changes_it(self, district):
        """overview() asks the database only about the person once the courses and the
        versions in effect are cached (training.selectors.catalogue); saving a course, a
        document or a version shows at once, and a version takes effect on its day with
        nothing saved."""
        course = make_course("required")
        document = make_document(versions=[("1", date(2014, 8, 13)), ("2", TODAY + timedelta(days=1))])
        selectors.overview(district.teacher, TODAY)
        with CaptureQueriesContext(connection) as queries:
            overview = selectors.overview(district.teacher, TODAY)
        assert not [query for query in queries
                    if 'FROM "training_course"' in query["sql"] or 'FROM "training_policyversion"' in query["sql"]]
        assert len(queries) == 2  # the person's completions and acknowledgments (roles stay on the user)
        assert [entry.course for entry in overview.courses] == [course]
        assert [state.version.number for state in overview.policies] == ["1"]
        assert [state.version.number for state in selectors.overview(district.teacher, TODAY + timedelta(days=1))
                .policies] == ["2"]
        course.is_active = False
        course.save()
        later = make_course("later")
        document.is_active = False
        document.save()
        overview = selectors.overview(district.teacher, TODAY)
        assert [entry.course for entry in overview.courses] == [later] and overview.policies == []


# --- completions -----------------------------------------------------------------------


class TestCompletions:
    def test_r_v_c_passing_the_quiz_records_a_completion_that_expires(self, district):
        course = make_course(quiz=4, pass_mark=75)
        result = services.take_quiz(actor=district.teacher, course=course, answers=answers(course, wrong=1),
                                    today=TODAY)
        assert result.passed and (result.correct, result.total, result.score) == (3, 4, 75)
        completion = result.completion
        assert completion.method == Method.QUIZ and completion.score == 75 and completion.recorded_by is None
        assert (completion.completed_on, completion.expires_on) == (TODAY, date(2027, 3, 10))
        event = AuditEvent.objects.get(verb="training.completed")
        assert event.actor == district.teacher and event.after["method"] == "quiz"

    def test_r_v_c_failing_the_quiz_records_nothing_and_says_which(self, district):
        course = make_course(quiz=4, pass_mark=75)
        result = services.take_quiz(actor=district.teacher, course=course, answers=answers(course, wrong=2),
                                    today=TODAY)
        assert not result.passed and result.score == 50 and result.completion is None
        first_two = set(course.questions.order_by("order").values_list("pk", flat=True)[:2])
        assert result.wrong == first_two
        assert not Completion.objects.exists() and not AuditEvent.objects.filter(verb__startswith="training").exists()

    def test_every_question_must_be_answered_and_a_foreign_choice_is_wrong(self, district):
        course, other = make_course(quiz=2), make_course("other", quiz=1)
        chosen = answers(course)
        # Two quizzes taken, as two requests would; zeal counts the calls of a whole test.
        with zeal_ignore([{"model": "training.Course", "field": "questions"}]):
            with pytest.raises(services.TrainingError):
                services.take_quiz(actor=district.teacher, course=course, answers=dict(list(chosen.items())[:1]))
            first = next(iter(chosen))
            chosen[first] = other.questions.get().choices.get(is_correct=True).pk
            assert not services.take_quiz(actor=district.teacher, course=course, answers=chosen).passed

    def test_a_course_without_a_quiz_has_no_quiz_to_take(self, district):
        with pytest.raises(services.TrainingError):
            services.take_quiz(actor=district.teacher, course=make_course(), answers={})

    def test_r_v_c_self_attestation_only_where_the_course_allows_it(self, district):
        with pytest.raises(services.TrainingError):
            services.self_attest(actor=district.teacher, course=make_course("strict"))
        lax = make_course("lax", allows_self_attestation=True)
        completion = services.self_attest(actor=district.teacher, course=lax, today=TODAY)
        assert completion.method == Method.SELF_ATTESTED and completion.expires_on == date(2027, 3, 10)

    def test_r_v_c_an_administrator_records_a_completion(self, district):
        course = make_course(validity_months=24)
        completion = complete(district, district.teacher, course, date(2025, 1, 31))
        assert completion.method == Method.ADMIN and completion.recorded_by == district.admin
        assert completion.expires_on == date(2027, 1, 31)
        with pytest.raises(services.TrainingError):
            services.record_completion(actor=district.principal, person=district.teacher, course=course,
                                       completed_on=TODAY)
        with pytest.raises(services.TrainingError) as error:
            services.record_completion(actor=district.admin, person=district.teacher, course=course,
                                       completed_on=TODAY + timedelta(days=1), today=TODAY)
        assert error.value.field == "completed_on"

    def test_the_same_day_is_the_same_completion(self, district):
        course = make_course(quiz=1, allows_self_attestation=True)
        first = services.take_quiz(actor=district.teacher, course=course, answers=answers(course), today=TODAY)
        again = services.self_attest(actor=district.teacher, course=course, today=TODAY)
        assert first.completion.pk == again.pk and Completion.objects.count() == 1
        assert AuditEvent.objects.filter(verb="training.completed").count() == 1


# --- the CSV import --------------------------------------------------------------------


def csv_text(*lines, header="email,course,completed_on") -> str:
    return "\n".join([header, *lines]) + "\n"


class TestImport:
    def test_r_v_c_an_import_records_every_line_once(self, district):
        course = make_course()
        text = csv_text(f"teacher@example.org,{course.slug},2025-06-01", f"COACH@example.org,{course.slug},2025-07-01",
                        f"teacher@example.org,{course.slug},2025-06-01")
        result = services.import_completions(actor=district.admin, text=text, today=TODAY)
        assert (result.created, result.unchanged) == (2, 1)
        assert set(Completion.objects.values_list("user__email", "method")) == {
            ("teacher@example.org", "imported"), ("coach@example.org", "imported")}
        again = services.import_completions(actor=district.admin, text=text, today=TODAY)
        assert (again.created, again.unchanged) == (0, 3) and Completion.objects.count() == 2
        assert AuditEvent.objects.filter(verb="training.completion_imported").count() == 2

    def test_r_v_c_problems_are_listed_by_line_and_nothing_is_half_applied(self, district):
        course = make_course()
        district.outsider.is_active = False
        district.outsider.save()
        text = csv_text(
            f"teacher@example.org,{course.slug},2025-06-01",  # line 2: fine
            f"nobody@example.org,{course.slug},2025-06-01",  # 3
            "coach@example.org,no-such-course,2025-06-01",  # 4
            "",  # 5: blank lines are skipped
            f"coach@example.org,{course.slug},01/06/2025",  # 6
            f"coach@example.org,{course.slug},2026-03-11",  # 7: tomorrow
            f"outsider@example.org,{course.slug},2025-06-01",  # 8
            "coach@example.org,too,many,values",  # 9
        )
        with pytest.raises(services.CompletionImportError) as caught:
            services.import_completions(actor=district.admin, text=text, today=TODAY)
        assert [line for line, _ in caught.value.problems] == [3, 4, 6, 7, 8, 9]
        lines = caught.value.lines
        assert lines[0] == "Line 3: nobody on the roster has the email nobody@example.org."
        assert "no-such-course" in lines[1] and "YYYY-MM-DD" in lines[2] and "future" in lines[3]
        assert "inactive" in lines[4] and "expected 3 values, found 4" in lines[5]
        assert not Completion.objects.exists() and not AuditEvent.objects.filter(verb__startswith="training").exists()

    def test_the_first_line_names_the_columns(self, district):
        with pytest.raises(services.CompletionImportError) as caught:
            services.import_completions(actor=district.admin, text="teacher@example.org,x,2025-01-01\n")
        assert caught.value.lines == ["Line 1: the first line must name the columns: email,course,completed_on."]

    def test_only_an_administrator_imports(self, district):
        with pytest.raises(services.TrainingError):
            services.import_completions(actor=district.principal, text=csv_text())

    def test_r_v_c_the_command_is_all_or_nothing_and_idempotent(self, district, tmp_path):
        course = make_course()
        good = tmp_path / "good.csv"
        good.write_text(csv_text(f"teacher@example.org,{course.slug},2025-06-01"), encoding="utf-8")
        out = io.StringIO()
        call_command("import_completions", str(good), "--by", "admin@example.org", stdout=out)
        assert "Imported 1 completions; 0 were already recorded." in out.getvalue()
        call_command("import_completions", str(good), stdout=(out := io.StringIO()))
        assert "Imported 0 completions; 1 were already recorded." in out.getvalue()
        bad = tmp_path / "bad.csv"
        bad.write_text(csv_text(f"coach@example.org,{course.slug},2025-06-01", "x@example.org,nope,2025-06-01"))
        err = io.StringIO()
        with pytest.raises(CommandError, match="Nothing was imported"):
            call_command("import_completions", str(bad), stderr=err)
        assert "Line 3: nobody on the roster" in err.getvalue()
        assert Completion.objects.count() == 1

    def test_r_v_c_the_admin_imports_from_a_page(self, district, client_for):
        from django.core.files.uploadedfile import SimpleUploadedFile

        course = make_course()
        client = client_for("admin")
        url = reverse("admin:training_completion_import")
        assert "Import from CSV" in client.get(reverse("admin:training_completion_changelist")).content.decode()
        bad = SimpleUploadedFile("c.csv", csv_text(f"x@example.org,{course.slug},2025-06-01").encode())
        html = client.post(url, {"file": bad}).content.decode()
        assert "Line 2: nobody on the roster has the email x@example.org." in html and not Completion.objects.exists()
        good = SimpleUploadedFile("c.csv", ("\ufeff" + csv_text(f"teacher@example.org,{course.slug},2025-06-01"))
                                  .encode())
        response = client.post(url, {"file": good})
        assert response.status_code == 302 and Completion.objects.get().recorded_by == district.admin

    def test_the_admin_records_a_completion_through_the_service(self, district, client_for):
        course = make_course()
        response = client_for("admin").post(reverse("admin:training_completion_add"), {
            "user": district.teacher.pk, "course": course.pk, "completed_on": "2025-06-01"})
        assert response.status_code == 302, response.content.decode()[:2000]
        completion = Completion.objects.get()
        assert completion.method == Method.ADMIN and completion.expires_on == date(2026, 6, 1)

    def test_the_admin_refuses_a_quiz_question_without_one_right_answer(self, district, client_for):
        course = make_course()
        data = {"course": course.pk, "text": "Which?", "order": 1,
                "choices-TOTAL_FORMS": 2, "choices-INITIAL_FORMS": 0,
                "choices-0-text": "A", "choices-0-order": 1, "choices-1-text": "B", "choices-1-order": 2}
        response = client_for("admin").post(reverse("admin:training_question_add"), data)
        assert response.status_code == 200 and "Mark exactly one choice as correct." in response.content.decode()
        data["choices-1-is_correct"] = "on"
        assert client_for("admin").post(reverse("admin:training_question_add"), data).status_code == 302


# --- acknowledgments and the gate ----------------------------------------------------


class TestAcknowledgments:
    def test_r_iv_c_a_person_acknowledges_the_version_in_effect_once(self, district):
        document = make_document()
        first = services.acknowledge(actor=district.teacher, version=version(document, "1"), today=TODAY)
        again = services.acknowledge(actor=district.teacher, version=version(document, "1"), today=TODAY)
        assert first.pk == again.pk and Acknowledgment.objects.count() == 1
        event = AuditEvent.objects.get(verb="policy.acknowledged")
        assert event.actor == district.teacher and event.after == {"document": "policy-4038", "version": "1"}
        assert not selectors.unacknowledged(district.teacher, TODAY).exists()

    def test_r_v_a_a_new_version_asks_again_from_the_day_it_takes_effect(self, district):
        document = make_document(versions=[("1", date(2014, 8, 13)), ("2", date(2026, 4, 1))])
        services.acknowledge(actor=district.teacher, version=version(document, "1"), today=TODAY)
        assert not selectors.unacknowledged(district.teacher, TODAY).exists()
        later = date(2026, 4, 1)
        assert list(selectors.unacknowledged(district.teacher, later)) == [version(document, "2")]
        [state] = selectors.policies_for(district.teacher, later)
        assert state.acknowledged_earlier and not state.acknowledged
        assert "version 2" in services.acknowledgment_problem(district.teacher, today=later)

    def test_r_v_a_only_the_version_in_effect_is_acknowledged(self, district):
        document = make_document(versions=[("1", date(2014, 8, 13)), ("2", date(2020, 1, 1)),
                                           ("3", date(2030, 1, 1))])
        for number in ("1", "3"):
            with pytest.raises(services.TrainingError):
                services.acknowledge(actor=district.teacher, version=version(document, number), today=TODAY)
        assert not Acknowledgment.objects.exists()

    def test_r_iv_c_nothing_is_gated_while_no_document_is_required(self, district):
        make_document(required=False)
        assert services.acknowledgment_problem(district.teacher) == ""

    def test_r_iv_c_the_gate_names_the_clause_and_each_document(self, district):
        make_document("policy-4038")
        make_document("regulation-6415", versions=[("2025", date(2025, 8, 1))])
        problem = services.acknowledgment_problem(district.teacher)
        assert "Document policy-4038 (version 1) and Document regulation-6415 (version 2025)" in problem
        assert "§IV.C" in problem and "http" not in problem and "<a" not in problem
        with CaptureQueriesContext(connection) as queries:
            services.acknowledgment_problem(district.teacher)
        assert len(queries) == 1


class TestTheGate:
    """R-IV-C: applying for an account and acting as its site manager need a current
    acknowledgment of every required document; each service refuses with its own error."""

    @pytest.fixture
    def required(self, district):
        return make_document()

    def test_r_iv_c_sending_an_application(self, district, required):
        from approvals import services as approvals
        from approvals.models import Application

        from .test_approvals import form_data

        with pytest.raises(approvals.ApplicationError) as error:
            approvals.submit(actor=district.teacher, data=form_data(district))
        assert "§IV.C" in error.value.message and not Application.objects.exists()
        services.acknowledge(actor=district.teacher, version=version(required, "1"))
        assert approvals.submit(actor=district.teacher, data=form_data(district)).status == Application.Status.SUBMITTED

    def test_r_iv_c_a_draft_is_not_gated(self, district, required):
        from approvals import services as approvals

        assert approvals.save_draft(actor=district.teacher, data={"display_name": "Later"}).pk

    def test_r_iv_c_escrowing_credentials(self, district, required):
        from credentials import services as escrow
        from credentials.models import CredentialVersion, Secrets

        account = manage(district)
        secrets = Secrets(login="north@example.org", password="a-password")
        with pytest.raises(escrow.EscrowError) as error:
            escrow.escrow(actor=district.teacher, account=account, secrets=secrets)
        assert "§IV.C" in error.value.message and not CredentialVersion.objects.exists()
        services.acknowledge(actor=district.teacher, version=version(required, "1"))
        # A second try, as a second request would be; zeal counts the calls of a whole test.
        with zeal_ignore([{"model": "accounts.OfficialAccount", "field": "designations"}]):
            escrow.escrow(actor=district.teacher, account=account, secrets=secrets)
        account.refresh_from_db()
        assert account.status == OfficialAccount.Status.ACTIVE

    def test_r_iv_c_the_annual_review(self, district, required):
        account = manage(district)
        registry.credentials_escrowed(actor=district.teacher, account=account)
        review = {"still_needed": True, "details_correct": True, "recovery_district_owned": True,
                  "two_factor_enabled": True}
        with pytest.raises(registry.RegistryError) as error:
            registry.record_review(actor=district.teacher, account=account, **review)
        assert "§IV.C" in error.value.message
        services.acknowledge(actor=district.teacher, version=version(required, "1"))
        assert registry.record_review(actor=district.teacher, account=account, **review).pk

    def test_the_refusal_is_shown_on_the_application_form(self, district, client_for, required):
        from .test_approval_pages import post_form

        html = client_for("teacher").post(reverse("approvals:new"), {**post_form(district), "action": "submit"}) \
            .content.decode()
        assert "First acknowledge Document policy-4038 (version 1)" in html


# --- a site manager's training: who may be named, and who may escrow (R-V-C) -------------

STATES = ["expired", "never"]
COURSE_LINK = '<a href="/training/courses/sm-training/">Site manager training</a>'


def lapse(district, person, course, state) -> None:
    """``person``'s training in ``course`` on the real clock, which the services ask:
    "expired" three days ago, or "never" taken."""
    if state == "expired":
        complete(district, person, course, registry.add_months(timezone.localdate(), -12) - timedelta(days=3))


def renew(district, person, course) -> None:
    complete(district, person, course, timezone.localdate())


def assert_names_the_course(message: str, state: str) -> None:
    assert COURSE_LINK in message and "§V.C" in message
    if state == "never":
        assert "Site manager training</a> was never completed" in message
    else:
        expired_on = timezone.localdate() - timedelta(days=3)
        assert f"Site manager training</a> expired on {expired_on:%b} {expired_on.day}, {expired_on.year}" in message


class TestSiteManagerEligibility:
    """R-V-C, R-III-E: nobody whose required site manager training is not current is named
    site manager (approving an application, establishing directly, handing over) or
    escrows an account's credentials. Each refusal names the course and links to its page;
    the same step goes through once the training is current."""

    @pytest.mark.parametrize("state", STATES)
    def test_r_v_c_approving_does_not_name_a_site_manager_without_current_training(self, district, state):
        from approvals import services as approvals
        from approvals.models import Application

        from .test_approvals import sent

        application = approvals.endorse(actor=district.principal, application=sent(district))  # the teacher's
        course = make_course(title="Site manager training")
        lapse(district, district.teacher, course, state)
        with pytest.raises(approvals.ApplicationError) as error:
            approvals.approve(actor=district.designee, application=application)
        assert_names_the_course(error.value.message, state)
        assert error.value.message.startswith("Tess Teacher's required site manager training is not current")
        application.refresh_from_db()
        assert application.status == Application.Status.ENDORSED and not OfficialAccount.objects.exists()
        renew(district, district.teacher, course)
        approved = approvals.approve(actor=district.designee, application=application)
        assert approved.account.designations.current().get().person == district.teacher

    @pytest.mark.parametrize("state", STATES)
    def test_r_v_c_establishing_directly_does_not_name_a_site_manager_without_current_training(self, district,
                                                                                              state):
        course = make_course(title="Site manager training")
        lapse(district, district.teacher, course, state)
        with pytest.raises(registry.RegistryError) as error:
            manage(district)
        assert error.value.field == "site_manager"
        assert_names_the_course(error.value.message, state)
        assert not OfficialAccount.objects.exists() and not AuditEvent.objects.filter(verb="account.established")
        renew(district, district.teacher, course)
        assert manage(district).designations.current().get().person == district.teacher

    @pytest.mark.parametrize("state", STATES)
    def test_r_v_c_handing_over_does_not_name_a_site_manager_without_current_training(self, district, state):
        account = manage(district, district.coach)  # named before the course existed
        course = make_course(title="Site manager training")
        lapse(district, district.teacher, course, state)
        with pytest.raises(registry.RegistryError) as error:
            registry.hand_over(actor=district.superintendent, account=account, new_site_manager=district.teacher,
                               reason="The coach moves to South High.")
        assert error.value.field == "new_site_manager"
        assert_names_the_course(error.value.message, state)
        assert registry.current(account).person == district.coach
        assert not AuditEvent.objects.filter(verb="account.handed_over").exists()
        renew(district, district.teacher, course)
        registry.hand_over(actor=district.superintendent, account=account, new_site_manager=district.teacher,
                           reason="The coach moves to South High.")
        assert registry.current(account).person == district.teacher

    @pytest.mark.parametrize("state", STATES)
    def test_r_v_c_r_iii_e_a_site_manager_without_current_training_does_not_escrow(self, district, state):
        from credentials import services as escrow
        from credentials.models import CredentialVersion, Secrets

        account = manage(district)  # named before the course existed; the training lapsed since
        course = make_course(title="Site manager training")
        lapse(district, district.teacher, course, state)
        secrets = Secrets(login="north@example.org", password="a-password")
        with pytest.raises(escrow.EscrowError) as error:
            escrow.escrow(actor=district.teacher, account=account, secrets=secrets)
        assert_names_the_course(error.value.message, state)
        assert error.value.message.startswith("Your required site manager training is not current")
        assert error.value.field is None and not CredentialVersion.objects.exists()
        renew(district, district.teacher, course)
        # A second try, as a second request would be; zeal counts the calls of a whole test.
        with zeal_ignore([{"model": "accounts.OfficialAccount", "field": "designations"}]):
            escrow.escrow(actor=district.teacher, account=account, secrets=secrets)
        account.refresh_from_db()
        assert account.status == OfficialAccount.Status.ACTIVE

    def test_r_v_c_the_refusal_names_each_course_lacking_and_only_those(self, district):
        current = make_course("current", title="Current course", for_account_staff=True, for_site_managers=False)
        make_course("all-staff", title="Everyone on an account", for_site_managers=False, for_account_staff=True)
        make_course(title="Site manager training")
        make_course("applicants", title="Applicant checklist", for_site_managers=False, for_applicants=True)
        make_course("retired-course", title="Retired course", is_active=False)
        renew(district, district.teacher, current)
        with CaptureQueriesContext(connection) as queries:
            problem = services.site_manager_training_problem(district.teacher, actor=district.superintendent)
        assert len(queries) == 1
        assert COURSE_LINK in problem and '<a href="/training/courses/all-staff/">Everyone on an account</a>' in problem
        for title in ("Current course", "Applicant checklist", "Retired course"):
            assert title not in problem
        assert problem.endswith("Tess Teacher can be named once they complete them under Training.")
        renew(district, district.teacher, Course.objects.get(slug="all-staff"))
        renew(district, district.teacher, Course.objects.get(slug="sm-training"))
        assert services.site_manager_training_problem(district.teacher) == ""

    def test_r_v_c_nothing_is_required_while_no_course_is(self, district):
        make_course("applicants", for_site_managers=False, for_applicants=True)
        assert services.site_manager_training_problem(district.teacher) == ""
        assert manage(district).pk

    def test_r_v_c_the_refusal_shows_beside_the_field_with_its_link(self, district, client_for):
        """On the hand-over page the course is a link; the person's name is escaped."""
        account = manage(district, district.coach)
        make_course(title="Site manager training")
        type(district.teacher).objects.filter(pk=district.teacher.pk).update(full_name="Tess <b>Teacher</b>")
        response = client_for("superintendent").post(
            reverse("accounts:hand_over", args=[account.pk]),
            {"new_site_manager": district.teacher.email, "reason": "The coach moves."})
        assert response.status_code == 200
        html = response.content.decode()
        errors = html.split('id="id_new_site_manager_error"')[1].split("</ul>")[0]
        assert COURSE_LINK in errors and "<li>Tess &lt;b&gt;Teacher&lt;/b&gt;'s required" in errors
        assert ">\nThe coach moves.</textarea>" in html  # what was typed is kept

    def test_r_v_c_the_decision_page_says_why_on_top(self, district, client_for):
        from approvals import services as approvals

        from .test_approvals import sent

        application = approvals.endorse(actor=district.principal, application=sent(district))
        make_course(title="Site manager training")
        response = client_for("designee").post(reverse("approvals:review", args=[application.pk]),
                                               {"decision": "approve", "reason": "Fine."})
        assert response.status_code == 200
        html = response.content.decode()
        assert "Tess Teacher's required site manager training is not current: " + COURSE_LINK in html
        assert ">\nFine.</textarea>" in html  # what was typed is kept

    def test_r_v_c_the_escrow_page_says_why_on_top(self, district, client_for):
        account = manage(district)
        make_course(title="Site manager training")
        response = client_for("teacher").post(reverse("credentials:escrow", args=[account.pk]),
                                              {"login": "north@example.org", "password": "a-password"})
        assert response.status_code == 200
        alert = response.content.decode().split('role="alert"')[1].split("</div>")[0]
        assert "Your required site manager training is not current: " + COURSE_LINK in alert


# --- reminders -----------------------------------------------------------------------


@pytest.fixture
def expiring(district):
    """The teacher manages an account; their required training expires on Mar 10, 2026."""
    manage(district)
    course = make_course()
    complete(district, district.teacher, course, date(2025, 3, 10))
    return course


def run_days(first: date, last: date) -> None:
    day = first
    while day <= last:
        services.send_reminders(today=day)
        day += timedelta(days=1)


class TestReminders:
    def test_r_v_c_30_and_7_days_before_on_expiry_then_weekly(self, district, expiring):
        run_days(TODAY - timedelta(days=40), TODAY + timedelta(days=22))
        reminders = list(Reminder.objects.filter(user=district.teacher).order_by("pk"))
        assert [reminder.threshold for reminder in reminders] == ["30", "7", "expired", "week-1", "week-2", "week-3"]
        assert {reminder.cycle for reminder in reminders} == {TODAY}
        subjects = list(OutboxMessage.objects.filter(recipient=district.teacher, template="training_reminder")
                        .order_by("pk").values_list("subject", flat=True))
        assert subjects[:3] == ["Course sm-training expires in 30 days", "Course sm-training expires in 7 days",
                                "Course sm-training has expired"]
        assert subjects[3:] == ["Still expired: Course sm-training"] * 3

    def test_r_v_c_on_expiry_the_supervisor_is_copied_once(self, district, expiring):
        run_days(TODAY - timedelta(days=1), TODAY + timedelta(days=15))
        copies = OutboxMessage.objects.filter(recipient=district.principal, template="training_reminder")
        assert copies.count() == 1
        copy = copies.get()
        assert copy.subject == "Tess Teacher's training has expired: Course sm-training"
        assert "You supervise Tess Teacher" in copy.body_text
        assert Reminder.objects.get(threshold="expired").supervisor == district.principal
        assert "Your supervisor, Pat Principal, has a copy" in OutboxMessage.objects.get(
            recipient=district.teacher, subject__endswith="has expired").body_text

    def test_r_v_c_a_job_that_missed_days_sends_the_window_it_is_in_once(self, district, expiring):
        services.send_reminders(today=TODAY - timedelta(days=5))
        services.send_reminders(today=TODAY - timedelta(days=4))
        assert thresholds(district.teacher) == ["7"]

    def test_r_v_c_nothing_before_30_days(self, district, expiring):
        assert services.send_reminders(today=TODAY - timedelta(days=31)) == 0

    def test_r_v_c_renewing_ends_the_cycle(self, district, expiring):
        services.send_reminders(today=TODAY - timedelta(days=20))
        complete(district, district.teacher, expiring, TODAY - timedelta(days=10))
        run_days(TODAY - timedelta(days=10), TODAY + timedelta(days=10))
        assert thresholds(district.teacher) == ["30"]
        services.send_reminders(today=date(2027, 2, 1))  # the renewal expires on 2027-02-28
        assert Reminder.objects.filter(cycle=date(2027, 2, 28), threshold="30").exists()

    def test_r_v_c_only_required_training_of_active_people_is_reminded(self, district, expiring):
        optional = make_course("optional", for_site_managers=False)
        complete(district, district.teacher, optional, date(2025, 3, 10))
        complete(district, district.coach, expiring, date(2025, 3, 10))  # the coach keeps no account
        retired = make_course("retired-course", is_active=False)
        complete(district, district.teacher, retired, date(2025, 3, 10))
        services.send_reminders(today=TODAY)
        assert list(Reminder.objects.values_list("user", "course")) == [(district.teacher.pk, expiring.pk)]

    def test_r_v_c_running_the_job_twice_sends_nothing_twice(self, district, expiring):
        assert services.send_reminders(today=TODAY) == 1
        assert services.send_reminders(today=TODAY) == 0
        assert Reminder.objects.count() == 1
        assert OutboxMessage.objects.filter(template="training_reminder").count() == 2  # the person and supervisor

    def test_r_v_c_two_schedulers_at_once_send_each_reminder_once(self, district):
        """Two beat processes read the owed reminders before either sends: the second's
        inserts hit the unique key and send nothing."""
        manage(district)
        manage(district, district.coach, handle="north_training_2")  # named before the course existed
        expiring = make_course()
        complete(district, district.teacher, expiring, date(2025, 3, 10))
        complete(district, district.coach, expiring, date(2025, 3, 12))
        first, second = selectors.due_reminders(TODAY), selectors.due_reminders(TODAY)
        assert len(first) == len(second) == 2
        assert [services.send_reminder(due, today=TODAY) for due in first] == [True, True]
        assert [services.send_reminder(due, today=TODAY) for due in second] == [False, False]
        assert Reminder.objects.count() == 2
        keys = list(OutboxMessage.objects.filter(template="training_reminder").values_list("key", flat=True))
        assert len(keys) == len(set(keys)) == 3  # teacher (expired) + supervisor copy, coach (7 days)

    def test_r_v_c_the_tasks_run_from_beat_on_the_real_clock(self, district):
        from django_celery_beat.models import PeriodicTask

        from mps_social import tasks as portal_tasks
        from training import tasks

        manage(district)
        course = make_course()
        today = timezone.localdate()
        complete(district, district.teacher, course, registry.add_months(today, -12) + timedelta(days=7))
        assert tasks.send_reminders.delay().get() == 1
        assert tasks.send_reminders.delay().get() == 0
        assert portal_tasks.send_digest.delay().get() == 2
        scheduled = {task.name: task for task in PeriodicTask.objects.filter(
            task__in=["training.send_reminders", "mps_social.send_digest"])}
        assert scheduled["Training reminders"].crontab.hour == "6"
        assert scheduled["Weekly digest to the superintendent's office"].crontab.day_of_week == "1"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_r_v_c_two_beat_processes_racing_send_each_reminder_once(district):
    """Two schedulers run the job at the same moment, each in its own connection: the
    unique key makes exactly one of them send the reminder."""
    import threading

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL to run two writers at once (CI runs it); on SQLite writers queue, and "
                    "test_r_v_c_two_schedulers_at_once_send_each_reminder_once covers the same guard")
    manage(district)
    complete(district, district.teacher, make_course(), date(2025, 3, 10))
    start, results = threading.Barrier(2), []

    def job():
        try:
            start.wait()
            results.append(services.send_reminders(today=TODAY))
        finally:
            connection.close()

    threads = [threading.Thread(target=job) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == [0, 1]
    assert Reminder.objects.count() == 1
    assert OutboxMessage.objects.filter(template="training_reminder").count() == 2


# --- the weekly digest -----------------------------------------------------------------


class TestDigest:
    """On the real calendar: the office is whoever holds a delegation in force that day."""

    def test_the_superintendents_office_gets_it_once_a_week(self, district):
        today = timezone.localdate()
        manage(district)
        complete(district, district.teacher, make_course(), registry.add_months(today, -13))
        assert digest.send_digest(today=today) == 2
        sunday = today + timedelta(days=6 - today.weekday())
        assert digest.send_digest(today=sunday) == 0  # the same ISO week
        digests = OutboxMessage.objects.filter(template="weekly_digest")
        assert set(digests.values_list("recipient", flat=True)) == {district.superintendent.pk, district.designee.pk}
        body = digests.get(recipient=district.superintendent).body_text
        assert "Required training expired: 1" in body and "Site managers without current training: 1" in body
        assert "Applications awaiting your decision: 0" in body and "Open compliance findings: 0" in body
        assert digest.send_digest(today=today + timedelta(days=7)) == 2

    def test_pending_decisions_are_counted_per_person(self, district):
        from .test_approvals import in_state

        in_state(district, "endorsed")
        digest.send_digest()
        body = OutboxMessage.objects.get(template="weekly_digest", recipient=district.designee).body_text
        assert "Applications awaiting your decision: 1" in body


# --- the compliance audit's selector -------------------------------------------------------


class TestSiteManagersLackingTraining:
    def test_r_v_c_site_managers_without_current_required_training(self, district):
        current, expired, never, backup_only, retired, gone = (
            UserFactory(org_unit=district.north) for _ in range(6))
        for number, person in enumerate([current, expired, never, retired, gone]):
            manage(district, person, handle=f"north_sm_{number}")  # named before the courses existed
        manage(district, district.teacher, handle="north_sm_backup", backup=backup_only)
        course = make_course()
        make_course("for-applicants", for_site_managers=False, for_applicants=True)  # not asked of site managers
        make_course("inactive", is_active=False)
        complete(district, district.teacher, course, date(2026, 1, 1))
        complete(district, current, course, date(2025, 6, 1))
        complete(district, expired, course, date(2025, 3, 10))  # expires on TODAY: no longer current
        registry.change_status(actor=district.superintendent, account=OfficialAccount.objects.get(handle="north_sm_3"),
                               status="retired", reason="Closed.")
        type(gone).objects.filter(pk=gone.pk).update(is_active=False)
        with CaptureQueriesContext(connection) as queries:
            lacking = set(selectors.site_managers_lacking_training(on=TODAY))
        assert lacking == {expired, never} and len(queries) == 1
        # A supervisor's home asks about their own staff only (training.attention): what their
        # staff keep is read once a request (accounts.selectors.kept_by_staff), then one query.
        type(gone).objects.filter(pk__in=[current.pk, expired.pk, retired.pk]).update(supervisor=district.principal)
        with CaptureQueriesContext(connection) as queries:
            theirs = set(selectors.site_managers_lacking_training(on=TODAY, supervised_by=district.principal))
        assert theirs == {expired} and len(queries) == 2
        with CaptureQueriesContext(connection) as queries:
            assert set(selectors.site_managers_lacking_training(on=TODAY, supervised_by=district.principal)) == {expired}
        assert len(queries) == 1
        # Someone none of whose staff manages an account is asked nothing more.
        with CaptureQueriesContext(connection) as queries:
            assert not selectors.site_managers_lacking_training(on=TODAY, supervised_by=district.teacher)
        assert len(queries) == 1

    def test_r_v_c_a_course_for_everyone_on_an_account_counts_too(self, district):
        manage(district)
        make_course("all-staff", for_site_managers=False, for_account_staff=True)
        assert list(selectors.site_managers_lacking_training()) == [district.teacher]

    def test_r_v_c_an_ended_designation_is_not_a_site_manager(self, district):
        account = manage(district)
        registry.hand_over(actor=district.superintendent, account=account, new_site_manager=district.coach,
                           reason="Moved.")
        make_course()
        assert list(selectors.site_managers_lacking_training()) == [district.coach]
        assert not Designation.objects.filter(person=district.teacher, ended_at__isnull=True,
                                              role="site_manager").exists()

    def test_no_course_means_nobody_lacks_training(self, district):
        manage(district)
        assert not selectors.site_managers_lacking_training().exists()


# --- the pages -----------------------------------------------------------------------


class TestPages:
    def test_r_v_c_my_training_shows_what_is_required_its_state_and_deadline(self, district, client_for):
        manage(district)
        course = make_course(title="Site manager training")
        make_course("checklist", title="Applicant checklist", for_site_managers=False, for_applicants=True)
        make_document()
        complete(district, district.teacher, course, date(2025, 1, 5))
        response = client_for("teacher").get(reverse("training:mine"))
        html = assert_accessible(response.content.decode(), "my training")
        assert "you are site manager, staff with a role on an account" in html
        assert "Site manager training" in html and "Overdue since Jan 5, 2026" in html
        assert "Applicant checklist" in html and "Other courses" in html
        assert "To acknowledge" in html and "Document policy-4038, version 1" in html
        assert 'href="/training/" aria-current="page">Training</a>' in html

    def test_my_training_costs_the_same_at_5_and_100_courses(self, district, client_for):
        manage(district)
        made = []

        def grow(count):
            for _ in range(count):
                number = len(made)
                course = make_course(f"course-{number}")
                complete(district, district.teacher, course, date(2025, 6, 1))
                document = make_document(f"document-{number}", required=number % 2 == 0)
                if number % 3 == 0:
                    services.acknowledge(actor=district.teacher, version=version(document, "1"))
                made.append(course)

        assert_constant_queries(client_for("teacher"), reverse("training:mine"), grow, small=5, large=100)

    def test_r_v_c_the_course_page_takes_the_quiz(self, district, client_for):
        course = make_course(quiz=2, pass_mark=100)
        client = client_for("teacher")
        html = client.get(reverse("training:course", args=[course.slug])).content.decode()
        assert_accessible(html, "course")
        assert "<p>Read this first.</p>" in html and "2 questions; 100% passes." in html
        chosen = answers(course, wrong=1)
        data = {f"question_{question}": choice for question, choice in chosen.items()}
        response = client.post(reverse("training:quiz", args=[course.slug]), data)
        html = assert_accessible(response.content.decode(), "failed quiz")
        assert response.status_code == 200 and "You answered 1 of 2 correctly (50%); 100% passes." in html
        assert html.count('<li>Not quite') == 1 and "checked" in html  # one answer marked; what was chosen is kept
        assert not Completion.objects.exists()
        data = {f"question_{question}": choice for question, choice in answers(course).items()}
        response = client.post(reverse("training:quiz", args=[course.slug]), data, follow=True)
        assert "You passed with 100%." in response.content.decode()
        assert Completion.objects.get().method == Method.QUIZ

    def test_r_v_c_self_attestation_from_the_page(self, district, client_for):
        course = make_course(allows_self_attestation=True)
        client = client_for("teacher")
        html = client.get(reverse("training:course", args=[course.slug])).content.decode()
        assert "Confirm you completed it" in html and "The quiz" not in html
        response = client.post(reverse("training:attest", args=[course.slug]), {})
        assert "Tick the box" in assert_accessible(response.content.decode(), "attest refused")
        client.post(reverse("training:attest", args=[course.slug]), {"confirm": "on"})
        assert Completion.objects.get().method == Method.SELF_ATTESTED

    def test_a_course_without_quiz_or_attestation_says_who_records_it(self, district, client_for):
        course = make_course()
        html = client_for("teacher").get(reverse("training:course", args=[course.slug])).content.decode()
        assert "An administrator records completion" in html
        response = client_for("teacher").post(reverse("training:attest", args=[course.slug]), {"confirm": "on"})
        assert response.status_code == 200 and not Completion.objects.exists()

    def test_an_inactive_course_is_not_found(self, district, client_for):
        course = make_course(is_active=False)
        assert client_for("teacher").get(reverse("training:course", args=[course.slug])).status_code == 404

    def test_r_iv_c_acknowledging_from_the_pages(self, district, client_for):
        document = make_document()
        client = client_for("teacher")
        html = assert_accessible(client.get(reverse("training:policies")).content.decode(), "policies")
        assert "Not acknowledged" in html and "Needed to apply for an account" in html
        url = reverse("training:policy", args=[document.slug])
        html = assert_accessible(client.get(url).content.decode(), "policy")
        assert "Acknowledge version 1" in html and "<p>Text.</p>" in html
        ack = reverse("training:acknowledge", args=[document.slug])
        refused = client.post(ack, {"version": version(document, "1").pk})
        assert "Tick the box" in assert_accessible(refused.content.decode(), "acknowledgment refused")
        response = client.post(ack, {"version": version(document, "1").pk, "confirm": "on"})
        assert response.status_code == 302 and response["Location"] == reverse("training:policies")
        assert Acknowledgment.objects.get().user == district.teacher
        html = client.get(url).content.decode()
        assert "Acknowledged" in html and "Acknowledge version 1" not in html

    def test_r_v_a_a_version_that_took_effect_while_reading_is_asked_for(self, district, client_for):
        document = make_document(versions=[("1", date(2014, 8, 13)), ("2", date(2020, 1, 1))])
        client = client_for("teacher")
        response = client.post(reverse("training:acknowledge", args=[document.slug]),
                               {"version": version(document, "1").pk, "confirm": "on"})
        html = response.content.decode()
        assert response.status_code == 200 and "Version 1 of Document policy-4038 is not the one in effect" in html
        assert f'value="{version(document, "2").pk}"' in html and not Acknowledgment.objects.exists()

    def test_r_v_c_the_home_page_lists_the_training_to_do(self, district, client_for):
        """What needs doing comes first on the home page ("Needs your attention"), with
        the page where it is done; done, it leaves the list (R-V-C, R-IV-C)."""
        assert "Take the course: Site manager training" not in client_for("teacher").get("/").content.decode()
        manage(district)
        course = make_course(title="Site manager training")
        make_document()
        html = assert_accessible(client_for("teacher").get("/").content.decode(), "home")
        assert "Take the course: Site manager training" in html and "Due now" in html
        assert f'href="{course.get_absolute_url()}"' in html
        assert "Read and acknowledge Document policy-4038" in html
        complete(district, district.teacher, course, date.today() - timedelta(days=1))
        services.acknowledge(actor=district.teacher, version=version(PolicyDocument.objects.get(), "1"))
        html = client_for("teacher").get("/").content.decode()
        assert "Site manager training" not in html and "Document policy-4038" not in html
        assert "Read and acknowledge Document policy-4038" in client_for("coach").get("/").content.decode()

    def test_reminders_are_listed_on_my_training(self, district, client_for, expiring):
        services.send_reminders(today=TODAY)
        html = client_for("teacher").get(reverse("training:mine")).content.decode()
        assert "Reminders sent to you" in html and "(your supervisor was copied)" in html


# --- the demo ------------------------------------------------------------------------------


def test_r_v_c_the_demo_shows_reminders_a_lapsed_site_manager_and_the_gate(db):
    """seed_demo: reminders for the expiring and the expired completion (the supervisor
    copied), the site managers the audit will flag, and one person the gate stops."""
    from credentials import services as escrow
    from credentials.models import Secrets
    from people.models import User

    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())  # idempotent
    assert set(Reminder.objects.values_list("user__email", "threshold")) == {
        ("principal@example.org", "30"), ("coach@example.org", "expired")}
    assert OutboxMessage.objects.filter(template="training_reminder", to="principal.southwest@example.org").exists()
    assert {user.email for user in selectors.site_managers_lacking_training()} == {
        "coach@example.org", "principal.washburn@example.org"}
    priya = User.objects.get(email="teacher.washburn@example.org")
    theatre = OfficialAccount.objects.get(handle="washburn_theatre")
    with pytest.raises(escrow.EscrowError, match="Regulation 6415"):
        escrow.escrow(actor=priya, account=theatre, secrets=Secrets(login="theatre@example.org", password="pw"))
    assert services.acknowledgment_problem(User.objects.get(email="teacher@example.org")) == ""


def test_r_v_c_the_demos_lapsed_coach_neither_escrows_nor_is_named_until_he_renews(db):
    """seed_demo: Jordan Reyes's training expired three days before it was loaded, so the
    demo escrowed no credentials for his account (nor for Keisha Walker's, who never took
    it) and the designee cannot approve the application naming him; once he passes the
    quiz he escrows, and the application is approved."""
    from approvals import services as approvals
    from approvals.models import Application
    from credentials import services as escrow
    from credentials.models import Secrets
    from people.models import User

    call_command("seed_demo", stdout=io.StringIO())
    soccer = OfficialAccount.objects.get(handle="swlakerssoccer")
    millers = OfficialAccount.objects.get(handle="WashburnMillers")
    assert not soccer.credential_versions.exists() and not millers.credential_versions.exists()
    assert OfficialAccount.objects.filter(handle="MPSAthletics", credential_versions__isnull=False).exists()
    coach, designee = User.objects.get(email="coach@example.org"), User.objects.get(email="designee@example.org")
    secrets = Secrets(login="soccer@example.org", password="a-password")
    with pytest.raises(escrow.EscrowError, match="Your required site manager training is not current"):
        escrow.escrow(actor=coach, account=soccer, secrets=secrets)
    application = Application.objects.get(display_name="Southwest Lakers Girls Soccer")
    with pytest.raises(approvals.ApplicationError, match="Jordan Reyes's required site manager training"):
        approvals.approve(actor=designee, application=application, public_use_authorized=True)

    course = Course.objects.get(slug="site-manager-training")
    assert services.take_quiz(actor=coach, course=course, answers=answers(course)).passed
    with zeal_ignore([{"model": "accounts.OfficialAccount", "field": "designations"}]):
        assert escrow.escrow(actor=coach, account=soccer, secrets=secrets).number == 1
    approved = approvals.approve(actor=designee, application=application, public_use_authorized=True)
    assert approved.status == Application.Status.APPROVED


def test_the_admin_shows_completions_reminders_and_acknowledgments_read_only(district, client_for, expiring):
    services.send_reminders(today=TODAY)
    document = make_document()
    services.acknowledge(actor=district.teacher, version=version(document, "1"))
    client = client_for("admin")
    completion = Completion.objects.get()
    for name, pk in [("completion", completion.pk), ("reminder", Reminder.objects.first().pk),
                     ("acknowledgment", Acknowledgment.objects.get().pk)]:
        assert client.get(reverse(f"admin:training_{name}_changelist")).status_code == 200
        page = client.get(reverse(f"admin:training_{name}_change", args=[pk]))
        assert page.status_code == 200 and 'name="_save"' not in page.content.decode(), name
    future = client.post(reverse("admin:training_completion_add"), {
        "user": district.coach.pk, "course": expiring.pk, "completed_on": "2999-01-01"})
    assert "A completion cannot be in the future." in future.content.decode()
    for name in ("course", "question", "policydocument"):
        assert client.get(reverse(f"admin:training_{name}_add")).status_code == 200


@pytest.mark.worker
@pytest.mark.skipif(not __import__("os").environ.get("REDIS_URL"),
                    reason="needs REDIS_URL: a real worker runs on Redis (CI)")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_r_v_c_the_reminder_task_runs_through_a_real_worker(district):
    """The daily task as beat sends it: through Redis to a real worker, which writes the
    reminder and queues its mail; sending it again changes nothing."""
    import time

    from celery.contrib.testing.worker import start_worker

    from mps_social.celery import app as celery_app
    from training import tasks

    manage(district)
    complete(district, district.teacher, make_course(), registry.add_months(timezone.localdate(), -12)
             + timedelta(days=7))
    celery_app.conf.task_always_eager = False
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            for _ in range(2):
                tasks.send_reminders.apply_async()
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and not Reminder.objects.exists():
                time.sleep(0.1)
            time.sleep(0.5)  # let the second run finish too
    finally:
        celery_app.conf.task_always_eager = True
    assert list(Reminder.objects.values_list("threshold", flat=True)) == ["7"]
    assert OutboxMessage.objects.filter(template="training_reminder").count() == 1
