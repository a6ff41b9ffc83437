"""Every change to training and acknowledgments (R-V-A, R-V-C, R-IV-C), and the reminders.

Completions are recorded four ways (``Completion.Method``): a passed quiz
(``take_quiz``), a self-attestation where the course allows it (``self_attest``), an
administrator's record in the admin (``record_completion``) and a CSV import
(``import_completions``: every line checked first, then all written in one transaction,
or nothing and the problems by line number). A completion of the same course on the same
day is the same completion, so recording it again, or importing the same file twice,
changes nothing.

Each function is one transaction that writes its audit event, or changes nothing and
raises ``TrainingError`` (``CompletionImportError`` for an import) with a message fit to
show beside the form.

``acknowledgment_problem`` is the gate other apps call before someone applies for an
account (``approvals.services.submit``) or acts as its site manager
(``credentials.services.escrow``, ``accounts.services.record_review``): it names the
required documents whose current version they have not acknowledged (Policy 4038 §IV.C).
``site_manager_training_problem`` is the other half of a site manager's eligibility
(``accounts.services.check_site_manager``): it names, and links to, the required courses
they hold no current completion of (Policy 4038 §V.C).

Reminders (``send_reminders``, daily from beat): 30 and 7 days before a required
completion expires, on expiry (copying the person's supervisor), then weekly while it
stays expired. Each is sent once per person, course, threshold and cycle: a ``Reminder``
row with a unique key is inserted in the reminder's own transaction before its mail is
queued with the same key, so a job run twice, or by two beat processes at once, sends
nothing twice. Reminders are not audit events (nothing changes state); the ``Reminder``
rows and the outbox are their record.

Two more daily jobs remind what no completion expires for: a required course someone never
took (``send_course_reminders``: weekly from the day it became required, the supervisor
copied once from day 14) and the current version of a required document someone must
acknowledge and has not (``send_policy_reminders``: weekly from its publication). Their
outbox keys alone make them once-only (``notifications.services.notify_new``).
``publish_version`` publishes a new version of a document: its audit event, and mail to
everyone who must acknowledge it (R-V-A, R-IV-C).
"""

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from audits.services import record
from mps_social import csvfiles
from mps_social.errors import ServiceError
from mps_social.months import add_months
from mps_social.permissions import has_perm
from notifications.services import notify, notify_many, notify_new
from people.models import User

from . import selectors
from .models import (Acknowledgment, Choice, Completion, Course, PolicyDocument, PolicyVersion, Reminder,
                     reminder_key)

Method = Completion.Method

MAX_IMPORT_LINES = 20_000
IMPORT_COLUMNS = ("email", "course", "completed_on")


class TrainingError(ServiceError):
    """A change the rules refuse; ``field`` names the form field it belongs beside."""


class CompletionImportError(TrainingError):
    """A CSV import refused as a whole; ``problems`` lists (line number, message)."""

    def __init__(self, problems: list[tuple[int, str]]):
        self.problems = problems
        count = len(problems)
        lines = "1 line needs" if count == 1 else f"{count} lines need"
        super().__init__(f"Nothing was imported: {lines} fixing.", field="file")

    @property
    def lines(self) -> list[str]:
        return [f"Line {line}: {message}" for line, message in self.problems]


# --- the gate ------------------------------------------------------------------------


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def acknowledgment_problem(person: User, *, today: date | None = None) -> str:
    """Empty when ``person`` has acknowledged the current version of every required
    document; otherwise why they may not apply for an account or act as a site manager
    (Policy 4038 §IV.C, R-IV-C). Callers raise their own error with it. Nothing is
    required while no document is marked required. One query."""
    missing = list(selectors.unacknowledged(person, today))
    if not missing:
        return ""
    names = _join([f"{version.document.title} (version {version.number})" for version in missing])
    return (f"First acknowledge {names}, under Training. Policy 4038 §IV.C holds staff responsible for what "
            "district accounts disclose: applying for an account and acting as its site manager need a current "
            "acknowledgment.")


def site_manager_training_problem(person: User, *, actor: User | None = None, today: date | None = None) -> str:
    """Empty when ``person`` holds a current completion of every active course required
    of a site manager; otherwise why they may not be named site manager or act as one
    (R-V-C, Policy 4038 §V.C): each course to complete, linked to its page, and whether it
    expired or was never taken. Addressed to ``actor``, who reads it ("your training" when
    it is their own). Callers raise their own error with it. One query.

    The message is HTML, from ``training/_site_manager_training_needed.html`` (its values
    escaped there), so the course's link shows beside the form field it is raised on."""
    lacking = selectors.site_manager_courses_lacking(person, on=today or timezone.localdate())
    if not lacking:
        return ""
    yours = actor is not None and actor.pk == person.pk
    return render_to_string("training/_site_manager_training_needed.html",
                            {"person": person, "yours": yours, "courses": lacking})


# --- completions ---------------------------------------------------------------------


def expiry_for(course: Course, completed_on: date) -> date:
    return add_months(completed_on, course.validity_months)


def _complete(*, person: User, course: Course, completed_on: date, method: str, actor: User | None,
              score: int | None = None, verb: str = "training.completed") -> tuple[Completion, bool]:
    completion, created = Completion.objects.get_or_create(
        user=person, course=course, completed_on=completed_on,
        defaults={"expires_on": expiry_for(course, completed_on), "method": method, "score": score,
                  "recorded_by": actor if actor is not None and actor.pk != person.pk else None},
    )
    if created:
        record(actor=actor, verb=verb, target=completion, org_unit=person.org_unit,
               after={"person": person.email, "course": course.slug, "completed_on": str(completed_on),
                      "expires_on": str(completion.expires_on), "method": method, "score": score})
    return completion, created


@dataclass(frozen=True)
class QuizResult:
    correct: int
    total: int
    score: int
    passed: bool
    wrong: frozenset[int]  # the questions answered wrongly
    completion: Completion | None = None


@transaction.atomic
def take_quiz(*, actor: User, course: Course, answers: dict[int, int], today: date | None = None) -> QuizResult:
    """Grade ``answers`` (question id → choice id). A pass at the course's pass mark
    records a completion today; a fail records nothing and says how far off it was."""
    if not has_perm(actor, "training.take_course", course):
        raise TrainingError("This course is not open.")
    questions = list(course.questions.values_list("pk", flat=True))
    if not questions:
        raise TrainingError("This course has no quiz.")
    if set(answers) != set(questions):
        raise TrainingError("Answer every question.")
    correct_choice = dict(Choice.objects.filter(question__course=course, is_correct=True)
                          .values_list("question_id", "pk"))
    wrong = frozenset(question for question in questions if correct_choice.get(question) != answers[question])
    correct = len(questions) - len(wrong)
    score = correct * 100 // len(questions)
    passed = score >= course.pass_mark
    completion = None
    if passed:
        completion, _ = _complete(person=actor, course=course, completed_on=today or timezone.localdate(),
                                  method=Method.QUIZ, actor=actor, score=score)
    return QuizResult(correct, len(questions), score, passed, wrong, completion)


@transaction.atomic
def self_attest(*, actor: User, course: Course, today: date | None = None) -> Completion:
    """The person confirms they completed the course, where the course allows it."""
    if not has_perm(actor, "training.attest", course):
        raise TrainingError("This course is completed by passing its quiz or by an administrator's record, "
                            "not by attesting it.")
    completion, _ = _complete(person=actor, course=course, completed_on=today or timezone.localdate(),
                              method=Method.SELF_ATTESTED, actor=actor)
    return completion


@transaction.atomic
def record_completion(*, actor: User, person: User, course: Course, completed_on: date,
                      today: date | None = None) -> Completion:
    """An administrator records a completion (an in-person session, say)."""
    if not has_perm(actor, "training.record_completions"):
        raise TrainingError("Only an administrator records completions for others.")
    if completed_on > (today or timezone.localdate()):
        raise TrainingError("A completion cannot be in the future.", field="completed_on")
    completion, _ = _complete(person=person, course=course, completed_on=completed_on, method=Method.ADMIN,
                              actor=actor)
    return completion


@dataclass(frozen=True)
class ImportResult:
    created: int
    unchanged: int


def _read_rows(text: str) -> tuple[list[tuple[int, dict]], list[tuple[int, str]]]:
    rows, problems = [], []
    found = csvfiles.records(text.lstrip("\ufeff"), lambda line, problem: problems.append((line, problem)))
    _, header = next(found, (1, []))
    names = [name.strip().lower() for name in header]
    if names[:3] != list(IMPORT_COLUMNS):
        return [], [(1, "the first line must name the columns: " + ",".join(IMPORT_COLUMNS) + ".")]
    for line, values in found:
        if not any(value.strip() for value in values):
            continue  # a blank line
        if len(rows) + len(problems) >= MAX_IMPORT_LINES:
            problems.append((line, f"a file holds at most {MAX_IMPORT_LINES} lines; split it."))
            break
        if len(values) != len(names):
            problems.append((line, f"expected {len(names)} values, found {len(values)}."))
            continue
        rows.append((line, {name: value.strip() for name, value in zip(names, values)}))
    return rows, problems


def check_import(text: str, *, today: date | None = None) -> tuple[list[tuple[int, User, Course, date]], list]:
    """Read a CSV of completions (``email,course,completed_on``; the course by its slug,
    the date as YYYY-MM-DD): the rows to record and the problems, by line number. Two
    queries, whatever the length of the file."""
    today = today or timezone.localdate()
    rows, problems = _read_rows(text)
    emails = {row["email"].lower() for _, row in rows}
    people = {user.email.lower(): user for user in User.objects.filter(email__in=emails).select_related("org_unit")}
    courses = {course.slug: course for course in Course.objects.filter(slug__in={row["course"] for _, row in rows})}
    good = []
    for line, row in rows:
        person, course = people.get(row["email"].lower()), courses.get(row["course"])
        if not row["email"]:
            problems.append((line, "the email is missing."))
        elif person is None:
            problems.append((line, f"nobody on the roster has the email {row['email']}."))
        elif not person.is_active:
            problems.append((line, f"{row['email']} has left the district (inactive)."))
        if course is None:
            problems.append((line, f"there is no course “{row['course']}” (give the course's slug)."))
        try:
            completed_on = date.fromisoformat(row["completed_on"])
        except ValueError:
            problems.append((line, f"“{row['completed_on']}” is not a date as YYYY-MM-DD."))
            continue
        if completed_on > today:
            problems.append((line, f"{completed_on} is in the future."))
            continue
        if person is not None and person.is_active and course is not None:
            good.append((line, person, course, completed_on))
    problems.sort(key=lambda problem: problem[0])
    return good, problems


@transaction.atomic
def import_completions(*, actor: User | None, text: str, today: date | None = None) -> ImportResult:
    """Import a CSV of completions, all or nothing: any bad line and nothing is written
    (``CompletionImportError`` lists every problem by line number). Lines already
    recorded (same person, course and day), in the database or earlier in the file, are
    left alone, so importing a file twice changes nothing. ``actor`` None is the
    ``import_completions`` command."""
    if actor is not None and not has_perm(actor, "training.record_completions"):
        raise TrainingError("Only an administrator imports completions.")
    good, problems = check_import(text, today=today)
    if problems:
        raise CompletionImportError(problems)
    created = unchanged = 0
    for _, person, course, completed_on in good:
        _, made = _complete(person=person, course=course, completed_on=completed_on, method=Method.IMPORTED,
                            actor=actor, verb="training.completion_imported")
        created += made
        unchanged += not made
    return ImportResult(created, unchanged)


# --- acknowledgments -----------------------------------------------------------------


@transaction.atomic
def acknowledge(*, actor: User, version: PolicyVersion, today: date | None = None) -> Acknowledgment:
    """``actor`` acknowledges ``version``, which must be the one in effect (R-IV-C).
    Acknowledging it again changes nothing."""
    if not has_perm(actor, "training.acknowledge", version):
        raise TrainingError("You cannot acknowledge this document.")
    current = selectors.current_versions(today).filter(document=version.document_id).first()
    if current is None or current.pk != version.pk:
        raise TrainingError(f"Version {version.number} of {version.document.title} is not the one in effect. "
                            "Read the current version and acknowledge that.")
    acknowledgment, created = Acknowledgment.objects.get_or_create(user=actor, version=version)
    if created:
        record(actor=actor, verb="policy.acknowledged", target=acknowledgment, org_unit=actor.org_unit,
               after={"document": version.document.slug, "version": version.number})
    return acknowledgment


@transaction.atomic
def publish_version(*, actor: User, document: PolicyDocument, number: str, effective_on: date, text: str = "",
                    url: str = "", today: date | None = None) -> PolicyVersion:
    """Publish a new version of ``document`` (R-V-A): one audit event, and, when the
    document is required and active, a mail to everyone who must acknowledge it
    (``selectors.must_acknowledge``, R-IV-C) telling them from when. Where it is in effect
    at once, that mail is the first of the weekly reminders
    (``send_policy_reminders``), under the same key; otherwise the reminders start on the
    day it takes effect. Administrators publish in the admin (``PolicyDocumentAdmin``)."""
    if not has_perm(actor, "training.publish_version", document):
        raise TrainingError("Only an administrator publishes a new version of a policy document.")
    today = today or timezone.localdate()
    number, text, url = number.strip(), text.strip(), url.strip()
    if not number:
        raise TrainingError("Give the version's number.", field="number")
    if not (text or url):
        raise TrainingError("Give the text, a link to it, or both.", field="text")
    if PolicyVersion.objects.filter(document=document, number=number).exists():
        raise TrainingError(f"{document.title} already has a version {number}.", field="number")
    version = PolicyVersion.objects.create(document=document, number=number, effective_on=effective_on, text=text,
                                           url=url)
    record(actor=actor, verb="policy.version_published", target=version,
           after={"document": document.slug, "number": number, "effective_on": effective_on.isoformat(),
                  "required": document.required})
    if document.required and document.is_active:
        in_effect = effective_on <= today
        key = f"policy-reminder:{version.pk}:{{}}:week-0" if in_effect else f"policy-published:{version.pk}:{{}}"
        context = {"version": version, "document": document, "in_effect": in_effect}
        notify_many((person, "policy_version_published", context, key.format(person.pk), document.get_absolute_url())
                    for person in selectors.must_acknowledge().order_by("pk"))
    return version


# --- reminders ----------------------------------------------------------------------


def send_reminder(due: selectors.Due, *, today: date | None = None) -> bool:
    """Send one owed reminder, in its own transaction; False when it was already sent
    (by an earlier run or a concurrent one: the unique ``Reminder`` key refuses it)."""
    today = today or timezone.localdate()
    completion = due.completion
    person, course = completion.user, completion.course
    supervisor = person.active_supervisor if due.escalates else None
    context = {"course": course, "completion": completion, "threshold": due.threshold, "person": person,
               "days_left": (completion.expires_on - today).days,
               "days_expired": (today - completion.expires_on).days}
    key = reminder_key(person.pk, course.pk, completion.expires_on, due.threshold)
    try:
        with transaction.atomic():
            Reminder.objects.create(user=person, course=course, cycle=completion.expires_on,
                                    threshold=due.threshold, supervisor=supervisor)
            notify(recipient=person, template="training_reminder", context={**context, "copy": False}, key=key,
                   link=course.get_absolute_url())
            if supervisor is not None:
                notify(recipient=supervisor, template="training_reminder", context={**context, "copy": True},
                       key=f"{key}:supervisor")
    except IntegrityError:
        return False
    return True


def send_reminders(*, today: date | None = None) -> int:
    """The daily job: every reminder owed today, each once. Returns how many were sent."""
    today = today or timezone.localdate()
    return sum(send_reminder(due, today=today) for due in selectors.due_reminders(today))


@transaction.atomic
def send_course_reminders(*, today: date | None = None) -> int:
    """The daily job (``training.tasks``): every week from the day a course became
    required of someone who never completed it, remind them; from day 14, copy their
    supervisor, once (R-V-C, Policy 4038 §V.C). Each reminder has its outbox key (person,
    course, the day it became required, week), so a second run, or a second scheduler at
    once, sends nothing twice. The ``Reminder`` rows are about completions that expire;
    these, like every reminder that changes no state, are recorded by the outbox alone.
    A fixed number of queries whatever the number of people. Returns how many mails were
    queued."""
    return notify_new(course_reminder_mails(today or timezone.localdate()))


def course_reminder_mails(today: date) -> list:
    """The mails ``send_course_reminders`` owes on ``today``, sent already or not, as
    ``notify_new``'s items."""
    items = []
    for due in selectors.never_taken(today):
        person, course = due.person, due.course
        cycle = f"course-never-taken:{person.pk}:{course.pk}:{due.since:%Y-%m-%d}"
        supervisor = person.active_supervisor if due.escalates(today) else None
        context = {"course": course, "person": person, "since": due.since, "supervisor": supervisor}
        items.append((person, "course_never_taken", {**context, "copy": False}, f"{cycle}:{due.threshold}",
                      course.get_absolute_url()))
        if supervisor is not None:
            items.append((supervisor, "course_never_taken", {**context, "copy": True},
                          f"{cycle}:supervisor:{supervisor.pk}", reverse("training:mine")))
    return items


@transaction.atomic
def send_policy_reminders(*, today: date | None = None) -> int:
    """The daily job (``training.tasks``): every week from the day a version of a required
    document was first asked of them (``selectors.asked_from``), remind each person who
    must acknowledge it and has not (R-IV-C, Policy 4038 §IV.C). The mail at publication
    is week 0's (``publish_version``). Each reminder has its outbox key (version, person,
    week), so a second run, or a second scheduler at once, sends nothing twice. A fixed
    number of queries whatever the number of people. Returns how many mails were
    queued."""
    return notify_new(policy_reminder_mails(today or timezone.localdate()))


def policy_reminder_mails(today: date) -> list:
    """The mails ``send_policy_reminders`` owes on ``today``, sent already or not, as
    ``notify_new``'s items."""
    return [(due.person, "policy_reminder", {"version": due.version, "document": due.version.document,
                                             "threshold": due.threshold},
             f"policy-reminder:{due.version.pk}:{due.person.pk}:{due.threshold}", due.version.document.get_absolute_url())
            for due in selectors.acknowledgments_owed(today)]
