"""Reminders of all that falls due, beside those of expiring training (test_training):
annual reviews (R-V-D), required courses never taken (R-V-C), policy versions to
acknowledge (R-IV-C) and their publication, delegations and access grants ending
(R-III-E). For each kind: the thresholds send exactly once to the right people, a second
run and the day after send nothing, two schedulers reading before either sends send
once, and the job's queries do not grow with the data.
"""

from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import services as registry
from accounts.models import OfficialAccount
from approvals import services as approvals
from audits.models import AuditEvent
from credentials import services as escrow
from credentials.models import AccessGrant
from mps_social import reminders
from notifications.models import InboxEntry, OutboxMessage
from notifications.services import notify_many, unqueued
from people import services as people
from people.models import Delegation
from training import services as training
from training.models import Course

from .factories import DelegationFactory, UserFactory
from .test_training import complete, make_course, make_document, manage

DUE = date(2027, 5, 4)  # the frozen clock's far day: an annual review's, a delegation's end


def mails(template, recipient=None) -> list[str]:
    """The subjects queued from ``template`` (to ``recipient``), oldest first."""
    messages = OutboxMessage.objects.filter(template=template)
    if recipient is not None:
        messages = messages.filter(recipient=recipient)
    return list(messages.order_by("pk").values_list("subject", flat=True))


def run_days(job, first: date, last: date) -> list[int]:
    """Run ``job`` on every day from ``first`` to ``last``; what it queued each day."""
    return [job(today=first + timedelta(days=n)) for n in range((last - first).days + 1)]


def race(mails_owed, today) -> None:
    """Two schedulers at once: both read what is owed and what is already queued before
    either inserts (``notify_new`` is ``unqueued`` then ``notify_many``); then each inserts,
    in its own transaction. The outbox's unique key refuses the second's rows."""
    first, second = unqueued(mails_owed(today)), unqueued(mails_owed(today))
    assert first and len(first) == len(second)
    for items in (first, second):
        with transaction.atomic():
            notify_many(items)


def assert_sent_once(template, count) -> None:
    keys = list(OutboxMessage.objects.filter(template=template).values_list("key", flat=True))
    assert len(keys) == len(set(keys)) == count


def job_queries(job, today) -> int:
    with CaptureQueriesContext(connection) as captured:
        queued = job(today=today)
    assert queued, "the measure is of a job that sends"
    return len(captured.captured_queries)


def assert_constant(job, today, grow, small=3, large=30) -> None:
    """The job's queries after ``grow(small)`` and after ``grow(large - small)`` more: the
    same. (The outbox's insert is one statement up to the database's parameter limit,
    some 70 mails on SQLite; both sizes stay under it.)"""
    grow(small)
    before = job_queries(job, today)
    grow(large - small)
    after = job_queries(job, today)
    assert after == before, f"{before} queries with {small}, {after} with {large}"


def test_the_windows_are_counted_the_same_way_everywhere():
    assert reminders.before(DUE, DUE - timedelta(days=31), (30, 7)) is None
    assert reminders.before(DUE, DUE - timedelta(days=30), (30, 7)) == "30"
    assert reminders.before(DUE, DUE - timedelta(days=8), (30, 7)) == "30"
    assert reminders.before(DUE, DUE - timedelta(days=7), (30, 7)) == "7"
    assert reminders.before(DUE, DUE, (14, 3)) == "3"
    assert reminders.before(DUE, DUE + timedelta(days=1), (14, 3)) is None
    assert reminders.week(DUE, DUE - timedelta(days=1)) is None
    assert [reminders.week(DUE, DUE + timedelta(days=n)) for n in (0, 6, 7, 20)] == [
        "week-0", "week-0", "week-1", "week-2"]


# --- the annual review (R-V-D) -----------------------------------------------------------


def reviewed_account(district, person=None, handle="north_review", due=DUE) -> OfficialAccount:
    """An active account kept by ``person`` (the teacher) whose review is due on ``due``."""
    account = manage(district, person, handle)
    OfficialAccount.objects.filter(pk=account.pk).update(status=OfficialAccount.Status.ACTIVE, next_review_due=due)
    return account


class TestAnnualReview:
    def test_r_v_d_30_and_7_days_before_on_the_day_then_once_overdue_copying_the_supervisor(self, district):
        account = reviewed_account(district)
        run_days(registry.send_review_reminders, DUE - timedelta(days=40), DUE + timedelta(days=20))
        assert mails("review_reminder", district.teacher) == [
            "The annual review of North Training is due on May 4, 2027",
            "The annual review of North Training is due on May 4, 2027",
            "The annual review of North Training is due today",
            "Overdue: the annual review of North Training",
        ]
        assert mails("review_reminder", district.principal) == [
            "Tess Teacher's annual review of North Training is overdue"]
        assert OutboxMessage.objects.filter(template="review_reminder").count() == 5
        first, *_, overdue = OutboxMessage.objects.filter(template="review_reminder",
                                                          recipient=district.teacher).order_by("pk")
        assert "due on May 4, 2027: 30 days from now" in first.body_text
        assert reverse("accounts:review", args=[account.pk]) in first.body_text
        assert "Your supervisor, Pat Principal, has a copy" in overdue.body_text
        copy = OutboxMessage.objects.get(template="review_reminder", recipient=district.principal)
        assert "You supervise Tess Teacher" in copy.body_text and "was due on May 4, 2027" in copy.body_text

    def test_r_v_d_a_second_run_and_the_day_after_send_nothing(self, district):
        reviewed_account(district)
        assert registry.send_review_reminders(today=DUE - timedelta(days=30)) == 1
        assert registry.send_review_reminders(today=DUE - timedelta(days=30)) == 0
        assert registry.send_review_reminders(today=DUE - timedelta(days=29)) == 0
        assert registry.send_review_reminders(today=DUE + timedelta(days=1)) == 2  # overdue: and the supervisor
        assert registry.send_review_reminders(today=DUE + timedelta(days=2)) == 0

    def test_r_v_d_a_review_done_starts_the_next_cycle(self, district):
        account = reviewed_account(district)
        registry.send_review_reminders(today=DUE - timedelta(days=7))
        OfficialAccount.objects.filter(pk=account.pk).update(next_review_due=date(2028, 5, 4))
        assert registry.send_review_reminders(today=DUE + timedelta(days=1)) == 0
        assert registry.send_review_reminders(today=date(2028, 4, 4)) == 1

    def test_r_v_d_only_active_accounts_of_active_site_managers(self, district):
        reviewed_account(district)
        pending = manage(district, district.coach, "north_pending")  # pending setup: not reviewed yet
        OfficialAccount.objects.filter(pk=pending.pk).update(next_review_due=DUE)
        type(district.teacher).objects.filter(pk=district.teacher.pk).update(is_active=False)
        assert registry.send_review_reminders(today=DUE) == 0

    def test_r_v_d_two_schedulers_at_once_send_each_reminder_once(self, district):
        reviewed_account(district)
        reviewed_account(district, district.coach, "north_review_2", due=DUE + timedelta(days=3))
        race(registry.review_reminder_mails, DUE + timedelta(days=1))
        assert_sent_once("review_reminder", 3)  # the teacher's overdue review and its copy; the coach's in 2 days
        assert registry.send_review_reminders(today=DUE + timedelta(days=1)) == 0

    def test_r_v_d_the_job_costs_the_same_whatever_the_registry(self, district):
        def grow(count):
            for _ in range(count):
                person = UserFactory(org_unit=district.north, supervisor=district.principal)
                reviewed_account(district, person, f"review_{person.pk}")

        assert_constant(registry.send_review_reminders, DUE - timedelta(days=30), grow)


# --- required courses never taken (R-V-C) ----------------------------------------------------


class TestCourseNeverTaken:
    def test_r_v_c_weekly_from_the_day_it_became_required_the_supervisor_copied_from_day_14(self, district):
        start = timezone.localdate()
        manage(district)  # the teacher becomes site manager today
        course = make_course()
        run_days(training.send_course_reminders, start - timedelta(days=3), start + timedelta(days=22))
        keys = list(OutboxMessage.objects.filter(template="course_never_taken", recipient=district.teacher)
                    .order_by("pk").values_list("key", flat=True))
        assert [key.rsplit(":", 1)[1] for key in keys] == ["week-0", "week-1", "week-2", "week-3"]
        assert mails("course_never_taken", district.teacher) == [f"Required of you: {course.title}"] * 4
        assert mails("course_never_taken", district.principal) == [f"Tess Teacher has not taken {course.title}"]
        copy = OutboxMessage.objects.get(template="course_never_taken", recipient=district.principal)
        since = f"{start:%b} {start.day}, {start.year}"
        assert f"required of them since {since}" in copy.body_text
        first = OutboxMessage.objects.filter(template="course_never_taken", recipient=district.teacher).earliest("pk")
        assert f"required of you since {since}" in first.body_text and course.get_absolute_url() in first.body_text

    def test_r_v_c_a_second_run_and_the_day_after_send_nothing(self, district):
        start = timezone.localdate()
        manage(district)
        make_course()
        assert training.send_course_reminders(today=start) == 1
        assert training.send_course_reminders(today=start) == 0
        assert training.send_course_reminders(today=start + timedelta(days=1)) == 0
        assert training.send_course_reminders(today=start + timedelta(days=14)) == 2  # week 2, and the supervisor
        assert training.send_course_reminders(today=start + timedelta(days=21)) == 1  # the copy was sent once

    def test_r_v_c_only_courses_never_completed_required_of_active_people(self, district):
        start = timezone.localdate()
        manage(district, district.teacher, backup=district.coach)
        sm_course = make_course()  # required of site managers: the teacher
        make_course("everyone-on-it", for_site_managers=False, for_account_staff=True)  # both
        make_course("applicants", for_site_managers=False, for_applicants=True)  # the outsider, applying
        make_course("optional", for_site_managers=False)
        make_course("retired", is_active=False)
        complete(district, district.teacher, sm_course, start - timedelta(days=400))  # taken once, expired: not here
        approvals.save_draft(actor=district.outsider, data={"display_name": "An idea"})
        type(district.contractor).objects.filter(pk=district.contractor.pk).update(is_active=False)
        training.send_course_reminders(today=start)
        sent = set(OutboxMessage.objects.filter(template="course_never_taken")
                   .values_list("recipient__email", "subject"))
        assert sent == {("teacher@example.org", "Required of you: Course everyone-on-it"),
                        ("coach@example.org", "Required of you: Course everyone-on-it"),
                        ("outsider@example.org", "Required of you: Course applicants")}

    def test_r_v_c_two_schedulers_at_once_send_each_reminder_once(self, district):
        start = timezone.localdate()
        manage(district, district.teacher, backup=district.coach)
        make_course("everyone-on-it", for_site_managers=False, for_account_staff=True)
        race(training.course_reminder_mails, start + timedelta(days=14))
        assert_sent_once("course_never_taken", 4)  # the teacher and the coach, and their supervisors
        assert training.send_course_reminders(today=start + timedelta(days=14)) == 0

    def test_r_v_c_the_job_costs_the_same_whatever_the_number_of_people(self, district):
        make_course()
        make_course("applicants", for_site_managers=False, for_applicants=True)

        def grow(count):
            Course.objects.update(is_active=False)  # so that naming the site managers asks for no training
            for _ in range(count):
                person = UserFactory(org_unit=district.north, supervisor=district.principal)
                manage(district, person, f"never_{person.pk}")
            Course.objects.update(is_active=True)

        assert_constant(training.send_course_reminders, timezone.localdate() + timedelta(days=14), grow)


# --- policy versions: publication and reminders (R-V-A, R-IV-C) ----------------------------------


@pytest.fixture
def asked(district):
    """Who must acknowledge: the teacher keeps an account, the coach is its backup, the
    outsider is applying. The principal and the designee are asked nothing."""
    manage(district, district.teacher, backup=district.coach)
    approvals.save_draft(actor=district.outsider, data={"display_name": "An idea"})
    return {district.teacher.pk, district.coach.pk, district.outsider.pk}


class TestPolicyVersions:
    def test_r_iv_c_publishing_writes_one_event_and_mails_exactly_those_who_must_acknowledge(self, district, asked):
        document = make_document(versions=())
        today = timezone.localdate()
        version = training.publish_version(actor=district.admin, document=document, number="2", effective_on=today,
                                           text="The new text.")
        event = AuditEvent.objects.get(verb="policy.version_published")
        assert event.target_id == str(version.pk) and event.actor_label and event.after["number"] == "2"
        published = OutboxMessage.objects.filter(template="policy_version_published")
        assert set(published.values_list("recipient", flat=True)) == asked
        message = published.get(recipient=district.teacher)
        assert message.subject == "New version of Document policy-4038: please acknowledge it"
        assert f"in effect since {today:%b} {today.day}, {today.year}" in message.body_text
        assert reverse("training:policy", args=[document.slug]) in message.body_text

    def test_r_iv_c_a_version_of_a_document_not_required_mails_nobody(self, district, asked):
        document = make_document(required=False, versions=())
        training.publish_version(actor=district.admin, document=document, number="1",
                                 effective_on=timezone.localdate(), url="https://example.org/regulation")
        assert AuditEvent.objects.filter(verb="policy.version_published").count() == 1
        assert not OutboxMessage.objects.filter(template__startswith="policy_").exists()

    def test_r_iv_c_bad_versions_are_refused_beside_the_field(self, district):
        document = make_document()
        with pytest.raises(training.TrainingError, match="Only an administrator"):
            training.publish_version(actor=district.superintendent, document=document, number="2", effective_on=DUE,
                                     text="x")
        with pytest.raises(training.TrainingError) as refused:
            training.publish_version(actor=district.admin, document=document, number="1", effective_on=DUE, text="x")
        assert refused.value.field == "number" and "already has a version 1" in refused.value.message
        with pytest.raises(training.TrainingError) as refused:
            training.publish_version(actor=district.admin, document=document, number="2", effective_on=DUE)
        assert refused.value.field == "text"
        assert not AuditEvent.objects.filter(verb="policy.version_published").exists()

    def test_r_iv_c_weekly_from_publication_until_acknowledged(self, district, asked):
        today = timezone.localdate()
        document = make_document(versions=())
        version = training.publish_version(actor=district.admin, document=document, number="2", effective_on=today,
                                           text="The new text.")
        assert training.send_policy_reminders(today=today) == 0  # week 0 was the publication's mail
        assert training.send_policy_reminders(today=today + timedelta(days=6)) == 0
        assert training.send_policy_reminders(today=today + timedelta(days=7)) == 3
        assert training.send_policy_reminders(today=today + timedelta(days=7)) == 0
        training.acknowledge(actor=district.teacher, version=version, today=today + timedelta(days=8))
        assert training.send_policy_reminders(today=today + timedelta(days=14)) == 2
        assert mails("policy_reminder", district.outsider) == [
            "Reminder: acknowledge Document policy-4038, version 2"] * 2
        assert not OutboxMessage.objects.filter(template__startswith="policy_", recipient=district.principal).exists()

    def test_r_iv_c_a_version_taking_effect_later_is_announced_then_asked_from_its_day(self, district, asked):
        today = timezone.localdate()
        later = today + timedelta(days=10)
        document = make_document(versions=())
        training.publish_version(actor=district.admin, document=document, number="2", effective_on=later, text="New.")
        message = OutboxMessage.objects.get(template="policy_version_published", recipient=district.teacher)
        on = f"{later:%b} {later.day}, {later.year}"
        assert message.subject.endswith(f"from {on}") and f"takes effect on {on}" in message.body_text
        assert training.send_policy_reminders(today=today + timedelta(days=9)) == 0
        assert training.send_policy_reminders(today=later) == 3
        assert mails("policy_reminder", district.teacher) == ["Please acknowledge Document policy-4038, version 2"]

    def test_r_iv_c_publishing_in_the_admin_goes_through_the_service(self, district, asked, client_for):
        document = make_document(versions=())
        today = timezone.localdate()
        response = client_for("admin").post(reverse("admin:training_policydocument_change", args=[document.pk]), {
            "title": document.title, "slug": document.slug, "kind": document.kind, "summary": "", "required": "on",
            "is_active": "on", "versions-TOTAL_FORMS": "1", "versions-INITIAL_FORMS": "0",
            "versions-MIN_NUM_FORMS": "0", "versions-MAX_NUM_FORMS": "1000", "versions-0-number": "2",
            "versions-0-effective_on": today.isoformat(), "versions-0-url": "", "versions-0-text": "The new text.",
        })
        assert response.status_code == 302, response.content.decode()[:2000]
        assert AuditEvent.objects.filter(verb="policy.version_published").count() == 1
        assert set(OutboxMessage.objects.filter(template="policy_version_published")
                   .values_list("recipient", flat=True)) == asked

    def test_r_iv_c_a_bad_version_in_the_admin_is_explained_and_publishes_nothing(self, district, client_for):
        document = make_document()  # has version 1
        response = client_for("admin").post(reverse("admin:training_policydocument_change", args=[document.pk]), {
            "title": document.title, "slug": document.slug, "kind": document.kind, "summary": "", "required": "on",
            "is_active": "on", "versions-TOTAL_FORMS": "3", "versions-INITIAL_FORMS": "1",
            "versions-MIN_NUM_FORMS": "0", "versions-MAX_NUM_FORMS": "1000",
            "versions-0-id": str(document.versions.get().pk), "versions-0-document": str(document.pk),
            "versions-0-number": "1", "versions-0-effective_on": "2014-08-13", "versions-0-text": "Text.",
            "versions-1-number": "1", "versions-1-effective_on": "2027-01-04", "versions-1-text": "Again.",
            "versions-2-number": "3", "versions-2-effective_on": "2027-01-04", "versions-2-text": " ",
        })
        assert response.status_code == 200
        page = response.content.decode()
        assert "Please correct the duplicate data for number." in page
        assert "Give the text, a link to it, or both." in page
        assert not AuditEvent.objects.filter(verb="policy.version_published").exists()
        assert document.versions.count() == 1

    def test_r_iv_c_two_schedulers_at_once_send_each_reminder_once(self, district, asked):
        today = timezone.localdate()
        make_document(versions=(("1", today - timedelta(days=30)),))
        race(training.policy_reminder_mails, today)
        assert_sent_once("policy_reminder", 3)
        assert training.send_policy_reminders(today=today) == 0

    def test_r_iv_c_the_job_costs_the_same_whatever_the_number_of_people(self, district):
        today = timezone.localdate()
        make_document(versions=(("1", today - timedelta(days=30)),))
        make_document("regulation-6415", versions=(("1", today - timedelta(days=3)),))

        def grow(count):
            for _ in range(count):
                person = UserFactory(org_unit=district.north)
                manage(district, person, f"ack_{person.pk}")

        assert_constant(training.send_policy_reminders, today, grow, large=20)


# --- delegations ending -------------------------------------------------------------------


@pytest.fixture
def far_designee(district):
    """The persona designee's delegation ends far from these tests' days."""
    Delegation.objects.filter(grantee=district.designee).update(ends_on=date(2099, 1, 1))


def delegation(district, grantee=None, ends_on=DUE) -> Delegation:
    return DelegationFactory(grantee=grantee or district.principal, starts_on=date(2027, 1, 1), ends_on=ends_on,
                             scope=district.north)


@pytest.mark.usefixtures("far_designee")
class TestDelegationsEnding:
    def test_14_and_3_days_before_to_the_holder_and_the_superintendent(self, district):
        delegation(district)
        run_days(people.send_delegation_reminders, DUE - timedelta(days=20), DUE + timedelta(days=3))
        assert mails("delegation_ending", district.principal) == [
            "Your delegation for North High School ends on May 4, 2027"] * 2
        assert mails("delegation_ending", district.superintendent) == [
            "Pat Principal's delegation for North High School ends on May 4, 2027"] * 2
        holder = OutboxMessage.objects.filter(template="delegation_ending", recipient=district.principal).earliest("pk")
        assert "ends on May 4, 2027, 14 days from now" in holder.body_text
        assert "- Decide account applications" in holder.body_text
        assert reverse("people:delegations") in holder.body_text
        assert reverse("people:grant_delegation") in OutboxMessage.objects.filter(
            template="delegation_ending", recipient=district.superintendent).earliest("pk").body_text

    def test_a_second_run_and_the_day_after_send_nothing(self, district):
        delegation(district)
        assert people.send_delegation_reminders(today=DUE - timedelta(days=14)) == 2
        assert people.send_delegation_reminders(today=DUE - timedelta(days=14)) == 0
        assert people.send_delegation_reminders(today=DUE - timedelta(days=13)) == 0
        assert people.send_delegation_reminders(today=DUE - timedelta(days=3)) == 2

    def test_revoked_and_lapsed_delegations_are_not_reminded(self, district):
        revoked = delegation(district)
        Delegation.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
        delegation(district, district.coach, ends_on=DUE - timedelta(days=1))
        assert people.send_delegation_reminders(today=DUE) == 0

    def test_two_schedulers_at_once_send_each_reminder_once(self, district):
        delegation(district)
        delegation(district, district.coach, ends_on=DUE + timedelta(days=1))
        race(people.delegation_reminder_mails, DUE - timedelta(days=2))
        assert_sent_once("delegation_ending", 4)
        assert people.send_delegation_reminders(today=DUE - timedelta(days=2)) == 0

    def test_the_job_costs_the_same_whatever_the_number_of_delegations(self, district):
        def grow(count):
            for _ in range(count):
                delegation(district, UserFactory(org_unit=district.north))

        assert_constant(people.send_delegation_reminders, DUE - timedelta(days=3), grow)


# --- access grants ending (R-III-E) ----------------------------------------------------------------


def lent(district, grantee=None, until=DUE) -> AccessGrant:
    account = manage(district, district.teacher, f"lent_{AccessGrant.objects.count()}")
    ends_at = timezone.make_aware(datetime.combine(until, time(17, 0)))
    return AccessGrant.objects.create(account=account, grantee=grantee or district.coach,
                                      granted_by=district.superintendent, reason="Cover for the leave.",
                                      starts_at=ends_at - timedelta(days=60), ends_at=ends_at)


class TestAccessGrantsEnding:
    def test_r_iii_e_14_and_3_days_before_to_the_holder_and_the_superintendent(self, district):
        grant = lent(district)
        run_days(escrow.send_grant_reminders, DUE - timedelta(days=20), DUE + timedelta(days=3))
        assert mails("access_grant_ending", district.coach) == [
            "Your access to the credentials of North Training ends on May 4, 2027"] * 2
        assert mails("access_grant_ending", district.superintendent) == [
            "Cody Coach's access to the credentials of North Training ends on May 4, 2027"] * 2
        holder = OutboxMessage.objects.filter(template="access_grant_ending", recipient=district.coach).latest("pk")
        assert "ends on May 4, 2027 at 5:00 PM, 3 days from now" in holder.body_text
        office = OutboxMessage.objects.filter(template="access_grant_ending",
                                              recipient=district.superintendent).latest("pk")
        assert reverse("credentials:grants", args=[grant.account_id]) in office.body_text

    def test_r_iii_e_a_second_run_and_the_day_after_send_nothing(self, district):
        lent(district)
        assert escrow.send_grant_reminders(today=DUE - timedelta(days=10)) == 2
        assert escrow.send_grant_reminders(today=DUE - timedelta(days=10)) == 0
        assert escrow.send_grant_reminders(today=DUE - timedelta(days=9)) == 0
        assert escrow.send_grant_reminders(today=DUE) == 2

    def test_r_iii_e_revoked_grants_are_not_reminded(self, district):
        grant = lent(district)
        AccessGrant.objects.filter(pk=grant.pk).update(revoked_at=timezone.now())
        assert escrow.send_grant_reminders(today=DUE - timedelta(days=3)) == 0

    def test_r_iii_e_two_schedulers_at_once_send_each_reminder_once(self, district):
        lent(district)
        lent(district, district.principal, until=DUE + timedelta(days=1))
        race(escrow.grant_reminder_mails, DUE - timedelta(days=2))
        assert_sent_once("access_grant_ending", 4)
        assert escrow.send_grant_reminders(today=DUE - timedelta(days=2)) == 0

    def test_r_iii_e_the_job_costs_the_same_whatever_the_number_of_grants(self, district):
        def grow(count):
            for _ in range(count):
                lent(district, UserFactory(org_unit=district.north))

        assert_constant(escrow.send_grant_reminders, DUE - timedelta(days=3), grow)


# --- two schedulers, each in its own connection (PostgreSQL) ----------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_beat_processes_racing_send_every_kind_of_reminder_once(district, far_designee):
    """Two schedulers run every reminder job at the same moment, each in its own
    connection: both find nothing queued, both insert, and the outbox's unique key keeps
    the second's rows out. Every mail is queued once, and a run afterwards finds nothing
    the race missed."""
    import threading

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL to run two writers at once (CI runs it); on SQLite writers queue, and each "
                    "kind's test_..._two_schedulers_at_once_send_each_reminder_once covers the same guard")
    today = timezone.localdate()
    reviewed_account(district)
    delegation(district)
    lent(district)
    make_course()  # the teacher, site manager since today, never took it
    make_document(versions=(("1", today - timedelta(days=30)),))
    jobs = [(registry.send_review_reminders, DUE - timedelta(days=30)), (training.send_course_reminders, today),
            (training.send_policy_reminders, today), (people.send_delegation_reminders, DUE - timedelta(days=14)),
            (escrow.send_grant_reminders, DUE - timedelta(days=10))]
    start, failures = threading.Barrier(2), []

    def scheduler():
        try:
            start.wait()
            for job, day in jobs:
                job(today=day)
        except Exception as error:  # reported below, in the test's own thread
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures
    templates = ["review_reminder", "course_never_taken", "policy_reminder", "delegation_ending",
                 "access_grant_ending"]
    keys = list(OutboxMessage.objects.filter(template__in=templates).values_list("key", flat=True))
    assert len(keys) == len(set(keys)) == 1 + 1 + 1 + 2 + 2  # the holder and the superintendent: 2 each
    assert [job(today=day) for job, day in jobs] == [0] * 5


# --- the tasks, from beat ------------------------------------------------------------------


def test_every_reminder_job_is_a_task_scheduled_in_beat(district, far_designee):
    from django_celery_beat.models import PeriodicTask

    from accounts import tasks as account_tasks
    from credentials import tasks as credential_tasks
    from people import tasks as people_tasks
    from training import tasks as training_tasks

    names = {"accounts.send_review_reminders", "training.send_course_reminders", "training.send_policy_reminders",
             "people.send_delegation_reminders", "credentials.send_grant_reminders"}
    assert set(PeriodicTask.objects.filter(task__in=names, enabled=True).values_list("task", flat=True)) == names
    manage(district)
    make_course()
    assert training_tasks.send_course_reminders.delay().get() == 1
    assert training_tasks.send_course_reminders.delay().get() == 0
    for task in (account_tasks.send_review_reminders, training_tasks.send_policy_reminders,
                 people_tasks.send_delegation_reminders, credential_tasks.send_grant_reminders):
        assert task.delay().get() == 0


def test_each_reminder_waits_in_the_inbox_with_a_link_to_where_the_person_acts(district, far_designee):
    """R-V-D, R-III-E: a reminder is an inbox entry too (notifications.InboxEntry), and
    its link opens the very page where the person does what it asks."""
    account = reviewed_account(district)
    grant = lent(district)
    delegation(district)
    registry.send_review_reminders(today=DUE - timedelta(days=30))
    escrow.send_grant_reminders(today=DUE - timedelta(days=14))
    people.send_delegation_reminders(today=DUE - timedelta(days=14))
    links = {(entry.recipient_id, entry.message.template): entry.link
             for entry in InboxEntry.objects.select_related("message")}
    assert links[(district.teacher.pk, "review_reminder")] == reverse("accounts:review", args=[account.pk])
    assert links[(district.coach.pk, "access_grant_ending")] == reverse("credentials:access")
    assert links[(district.superintendent.pk, "access_grant_ending")] == reverse(
        "credentials:grants", args=[grant.account.pk])
    assert links[(district.principal.pk, "delegation_ending")] == reverse("people:delegations")
    assert links[(district.superintendent.pk, "delegation_ending")] == reverse("people:grant_delegation")
