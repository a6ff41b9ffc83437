"""Reads of training and acknowledgments (R-V-A, R-V-C, R-IV-C).

Who must take a course is derived from the data (see ``training.models``); everything
here is set-based, so a page or a job costs the same few queries whatever the number of
courses, documents, people or completions:

- ``overview(user)``: a person's courses with their state and deadline, and the policy
  documents they are asked to acknowledge (three queries; the catalogue of courses and
  documents comes from the cache);
- ``unacknowledged(user)``: the required documents whose current version they have not
  acknowledged (one query; the gate of ``training.services.acknowledgment_problem``);
- ``due_reminders(today)``: the reminders the daily job owes (two queries);
- ``never_taken(today)`` and ``acknowledgments_owed(today)``: the weekly reminders of
  required courses never taken and of versions to acknowledge (five and three queries);
  ``must_acknowledge()``: who must acknowledge a required document's current version;
- ``site_managers_lacking_training()`` and ``lacks_site_manager_training(person)``: for
  the training page's figures and the compliance audit (one query);
- ``site_manager_courses_lacking(person)``: the same test for one person, naming the
  courses, for the gate on naming a site manager (``training.services``, one query).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import Designation, OfficialAccount
from accounts.selectors import keeps, staff_site_managers
from mps_social import reminders
from mps_social.versioned_cache import VersionedCache
from people.models import User
from people.roles import per_request

from . import audiences
from .models import Acknowledgment, Completion, Course, PolicyVersion, Reminder

EXPIRING_DAYS = 30  # "expiring soon" on the pages, and the first reminder
REMINDER_DAYS = (30, 7)  # before expiry; then at expiry, then every week while expired

STATES = {
    "current": ("Current", "badge-active"),
    "expiring": ("Expiring soon", "badge-warn"),
    "expired": ("Expired", "badge-danger"),
    "never": ("Not taken", "badge-danger"),
}


# --- who must take what ----------------------------------------------------------------


def _designations():
    # A join on the account, not ``account__in=<live accounts>``: asked about one person
    # (``roles_of``), SQLite built the whole list of live accounts first.
    return Designation.objects.filter(ended_at__isnull=True).exclude(account__status=OfficialAccount.Status.RETIRED)


def site_manager_ids() -> QuerySet:
    """People who hold a current site-manager designation on a live account."""
    return _designations().filter(role=Designation.Role.SITE_MANAGER).values("person_id")


def account_staff_ids() -> QuerySet:
    """People with any current role (site manager or backup) on a live account."""
    return _designations().values("person_id")


def applicant_ids() -> QuerySet:
    """People with an open application (the applications app's audience, ``audiences``)."""
    return audiences.members(audiences.APPLICANTS)


def required_of_user() -> Q:
    """A filter on rows with a ``user`` and a ``course`` (completions): the course is
    required of that person now."""
    return (
        Q(course__for_site_managers=True, user__in=site_manager_ids())
        | Q(course__for_applicants=True, user__in=applicant_ids())
        | Q(course__for_account_staff=True, user__in=account_staff_ids())
    )


@dataclass(frozen=True)
class Roles:
    site_manager: bool = False
    applicant: bool = False
    account_staff: bool = False

    def requires(self, course: Course) -> bool:
        return bool(
            (course.for_site_managers and self.site_manager)
            or (course.for_applicants and self.applicant)
            or (course.for_account_staff and self.account_staff)
        )

    @property
    def names(self) -> list[str]:
        return [name for name, held in (("site manager", self.site_manager), ("applicant", self.applicant),
                                        ("staff with a role on an account", self.account_staff)) if held]


def roles_of(user) -> Roles:
    """What ``user`` is, for training (cached on the user for the request): the roles of
    their current designations on live accounts (``accounts.selectors.keeps``, the
    request's fact the home shares), and "applicant" when they have an open application
    (one indexed lookup)."""
    def held() -> Roles:
        kept = {kept.role for kept in keeps(user) if kept.live}
        return Roles(site_manager=Designation.Role.SITE_MANAGER in kept,
                     applicant=audiences.members(audiences.APPLICANTS, person=user.pk).exists(),
                     account_staff=bool(kept))

    return per_request(user, "training_roles", held)


# --- a person's courses ----------------------------------------------------------------


def state_of(expires_on: date | None, today: date) -> str:
    """current / expiring (within ``EXPIRING_DAYS``) / expired (on or after
    ``expires_on``) / never."""
    if expires_on is None:
        return "never"
    if expires_on <= today:
        return "expired"
    if (expires_on - today).days <= EXPIRING_DAYS:
        return "expiring"
    return "current"


@dataclass
class CourseState:
    course: Course
    required: bool
    state: str
    completed_on: date | None = None
    expires_on: date | None = None
    method: str = ""

    @property
    def label(self) -> str:
        return STATES[self.state][0]

    @property
    def badge(self) -> str:
        return STATES[self.state][1]

    @property
    def needs_action(self) -> bool:
        return self.state != "current"

    @property
    def method_label(self) -> str:
        return Completion.Method(self.method).label if self.method else ""

    @property
    def deadline(self) -> str:
        """When it must be (re)taken, in words."""
        if self.state == "never":
            return "Due now"
        if self.state == "expired":
            return f"Overdue since {self.expires_on:%b} {self.expires_on.day}, {self.expires_on.year}"
        last = self.expires_on - timedelta(days=1)
        return f"Valid through {last:%b} {last.day}, {last.year}"


@dataclass
class PolicyState:
    version: PolicyVersion
    acknowledged: bool
    acknowledged_earlier: bool

    @property
    def document(self):
        return self.version.document


@dataclass
class Overview:
    roles: Roles
    courses: list[CourseState] = field(default_factory=list)
    policies: list[PolicyState] = field(default_factory=list)

    @property
    def required(self) -> list[CourseState]:
        return [entry for entry in self.courses if entry.required]

    @property
    def optional(self) -> list[CourseState]:
        return [entry for entry in self.courses if not entry.required]

    @property
    def to_do(self) -> list[CourseState]:
        return [entry for entry in self.required if entry.needs_action]

    @property
    def to_acknowledge(self) -> list[PolicyState]:
        return [entry for entry in self.policies if not entry.acknowledged]

    @property
    def all_done(self) -> bool:
        return not self.to_do and not any(entry.document.required for entry in self.to_acknowledge)


def courses_with_latest(user) -> QuerySet[Course]:
    """Active courses, each with ``user``'s latest completion annotated (one query)."""
    latest = Completion.objects.filter(user=user, course=OuterRef("pk")).order_by("-expires_on", "-pk")
    return Course.objects.filter(is_active=True).annotate(
        last_completed_on=Subquery(latest.values("completed_on")[:1]),
        last_expires_on=Subquery(latest.values("expires_on")[:1]),
        last_method=Subquery(latest.values("method")[:1]),
    )


def _state(course: Course, roles: Roles, today: date, completed_on, expires_on, method) -> CourseState:
    return CourseState(course=course, required=roles.requires(course), state=state_of(expires_on, today),
                       completed_on=completed_on, expires_on=expires_on, method=method or "")


def course_state(course: Course, roles: Roles, today: date) -> CourseState:
    """``course`` must come from ``courses_with_latest``."""
    return _state(course, roles, today, course.last_completed_on, course.last_expires_on, course.last_method)


def latest_completions(user) -> dict[int, tuple]:
    """``user``'s latest completion of each course, as (completed_on, expires_on, method)
    by course id: one query on the person's own few rows (completion_latest's order)."""
    latest = {}
    rows = (Completion.objects.filter(user=user).order_by("-expires_on", "-pk")
            .values_list("course_id", "completed_on", "expires_on", "method"))
    for course_id, *completion in rows:
        latest.setdefault(course_id, tuple(completion))
    return latest


def overview(user, today: date | None = None) -> Overview:
    """What ``user`` must take and acknowledge, and where each stands: required courses
    first (most urgent first), then the others. Three queries about the person (their
    roles, completions and acknowledgments); the courses and policy versions come from
    the catalogue's cache (``catalogue``) rather than from the database on every staff
    member's home page, with each person's latest completion as subqueries."""
    today = today or timezone.localdate()
    roles = roles_of(user)
    latest = latest_completions(user)
    courses = [_state(course, roles, today, *latest.get(course.pk, (None, None, ""))) for course in active_courses()]
    urgency = {"never": 0, "expired": 1, "expiring": 2, "current": 3}
    courses.sort(key=lambda entry: (not entry.required, urgency[entry.state], entry.course.title))
    return Overview(roles=roles, courses=courses, policies=policies_for(user, today))


# --- policy documents ------------------------------------------------------------------


def current_versions(today: date | None = None) -> QuerySet[PolicyVersion]:
    """The version in effect of every active document: the latest effective on ``today``."""
    today = today or timezone.localdate()
    latest = (
        PolicyVersion.objects.filter(document=OuterRef("document"), effective_on__lte=today)
        .order_by("-effective_on", "-pk").values("pk")[:1]
    )
    return (
        PolicyVersion.objects.filter(document__is_active=True, effective_on__lte=today, pk=Subquery(latest))
        .select_related("document")
        .order_by("-document__required", "document__title")
    )


def policies_for(user, today: date | None = None) -> list[PolicyState]:
    """Every current version (from the catalogue's cache), and whether ``user``
    acknowledged it or an earlier one: one query, on the person's acknowledgments."""
    acknowledged = list(Acknowledgment.objects.filter(user=user).values_list("version_id", "version__document_id"))
    versions = {version_id for version_id, _ in acknowledged}
    documents = {document_id for _, document_id in acknowledged}
    return [PolicyState(version, version.pk in versions,
                        version.pk not in versions and version.document_id in documents)
            for version in versions_in_effect(today or timezone.localdate())]


# --- the catalogue -----------------------------------------------------------------------

# The active courses and the policy versions in effect: read by every staff member's home
# and training pages, changed only by an administrator (R-V-A, R-V-C). Kept in the shared
# cache until a course, a document or a version is saved or deleted (``TrainingConfig``),
# and for an hour at most.
catalogue = VersionedCache("training")
CATALOGUE_MAX_AGE = 60 * 60


def active_courses() -> list[Course]:
    return catalogue.cached("courses", lambda: list(Course.objects.filter(is_active=True)), CATALOGUE_MAX_AGE)


def versions_in_effect(today: date) -> list[PolicyVersion]:
    """``current_versions(today)`` as a list; the day is part of its key, so a version
    takes effect on its day without anyone saving anything."""
    return catalogue.cached(f"versions:{today.isoformat()}", lambda: list(current_versions(today)),
                            CATALOGUE_MAX_AGE)


def unacknowledged(user, today: date | None = None) -> QuerySet[PolicyVersion]:
    """The current versions of required documents ``user`` has not acknowledged."""
    return current_versions(today).filter(document__required=True).exclude(
        Exists(Acknowledgment.objects.filter(user=user, version=OuterRef("pk")))
    )


def acknowledgments_of(user) -> QuerySet[Acknowledgment]:
    return Acknowledgment.objects.filter(user=user).select_related("version__document")


# --- a site manager's training: the gate and the compliance audit -------------------------

# The courses a site manager must hold current (R-V-C, §V.C): those required of site
# managers, and those required of all staff with a role on an account.
SITE_MANAGER_COURSES = Q(for_site_managers=True) | Q(for_account_staff=True)


def lacks_site_manager_training(person: str, *, on: date) -> Exists:
    """A condition on rows whose field ``person`` is a user: that user lacks a current
    completion of at least one active course required of them as site manager
    (``SITE_MANAGER_COURSES``). "Current" means not expired on ``on``: ``expires_on``
    later than that day (R-V-C, §V.C)."""
    current = Completion.objects.filter(user=OuterRef(OuterRef(person)), course=OuterRef("pk"), expires_on__gt=on)
    return Exists(Course.objects.filter(SITE_MANAGER_COURSES, is_active=True).exclude(Exists(current)))


def site_manager_courses_lacking(person, *, on: date) -> list[CourseState]:
    """The active courses of ``SITE_MANAGER_COURSES`` that ``person`` holds no current
    completion of on ``on``, each with its state ("never" or "expired") and the latest
    completion's dates: ``lacks_site_manager_training`` for one person, with the courses
    named (R-V-C). One query."""
    as_site_manager = Roles(site_manager=True, account_staff=True)
    states = [course_state(course, as_site_manager, on)
              for course in courses_with_latest(person).filter(SITE_MANAGER_COURSES).order_by("title", "pk")]
    return [state for state in states if state.state in ("never", "expired")]


def site_managers_lacking_training(*, on: date | None = None, supervised_by: User | None = None) -> QuerySet[User]:
    """Active users who currently hold a site-manager designation (role site_manager,
    ``ended_at`` null) on a live (not retired) account and lack their training
    (``lacks_site_manager_training``) on ``on``, today by default; only those reporting
    to ``supervised_by`` when given (a supervisor's home).

    One query, whatever the number of people, courses or completions (R-V-C, Policy 4038
    §V.C). For a supervisor, their staff who manage an account are the request's fact
    (``accounts.selectors.staff_site_managers``): none, and no query, when none does."""
    on = on or timezone.localdate()
    managers = site_manager_ids() if supervised_by is None else staff_site_managers(supervised_by)
    return User.objects.filter(is_active=True, pk__in=managers).filter(lacks_site_manager_training("pk", on=on))


# --- reminders and the weekly figures ---------------------------------------------------


def threshold_for(expires_on: date, today: date) -> str | None:
    """Which reminder a completion expiring on ``expires_on`` is owed on ``today``: "30"
    within 30 days, "7" within 7, "expired" on expiry and in the week after, then
    "week-N" in the N-th week after. None when it is further off. A job that missed a
    day still sends the reminder of the window it is in, once."""
    days_left = (expires_on - today).days
    if days_left > REMINDER_DAYS[0]:
        return None
    if days_left > REMINDER_DAYS[1]:
        return str(REMINDER_DAYS[0])
    if days_left > 0:
        return str(REMINDER_DAYS[1])
    weeks = -days_left // 7
    return "expired" if weeks == 0 else f"week-{weeks}"


@dataclass(frozen=True)
class Due:
    """A reminder the daily job owes: ``completion`` is the person's latest in the course."""

    completion: Completion
    threshold: str

    @property
    def escalates(self) -> bool:
        """On expiry the supervisor is copied (R-V-C)."""
        return self.threshold == "expired"


def latest_required_completions(today: date) -> QuerySet[Completion]:
    """Each person's latest completion of each active course required of them, for
    active people, that expires within ``EXPIRING_DAYS`` or has expired."""
    latest = (
        Completion.objects.filter(user=OuterRef("user"), course=OuterRef("course"))
        .order_by("-expires_on", "-pk").values("pk")[:1]
    )
    return (
        Completion.objects.filter(course__is_active=True, user__is_active=True,
                                  expires_on__lte=today + timedelta(days=EXPIRING_DAYS))
        .filter(required_of_user())
        .filter(pk=Subquery(latest))
    )


def due_reminders(today: date | None = None) -> list[Due]:
    """The reminders owed on ``today`` and not yet sent (two queries). Computing this
    list twice at once (two beat processes) is harmless: ``services.send_reminder``
    sends each at most once."""
    today = today or timezone.localdate()
    completions = list(latest_required_completions(today).select_related("user__supervisor", "course"))
    owed = [(completion, threshold_for(completion.expires_on, today)) for completion in completions]
    owed = [(completion, threshold) for completion, threshold in owed if threshold]
    if not owed:
        return []
    oldest = min(completion.expires_on for completion, _ in owed)
    sent = set(Reminder.objects.filter(cycle__gte=oldest).values_list("user_id", "course_id", "cycle", "threshold"))
    return [Due(completion, threshold) for completion, threshold in owed
            if (completion.user_id, completion.course_id, completion.expires_on, threshold) not in sent]


# --- reminders of courses never taken and of versions to acknowledge ------------------------

NEVER_TAKEN_COPY_DAYS = 14  # the supervisor is copied from this many days after the course became required


@dataclass(frozen=True)
class NeverTaken:
    """A weekly reminder the daily job owes: ``course`` is required of ``person`` since
    ``since`` and they never completed it; ``threshold`` is "week-N", counted from
    ``since``."""

    person: User
    course: Course
    since: date
    threshold: str

    def escalates(self, today: date) -> bool:
        """From 14 days on, the supervisor is copied (once per ``since``)."""
        return (today - self.since).days >= NEVER_TAKEN_COPY_DAYS


def _earliest(found: dict, person: int, day: date) -> None:
    found[person] = min(found.get(person, day), day)


def never_taken(today: date | None = None) -> list[NeverTaken]:
    """The reminders owed on ``today`` of required courses never completed (R-V-C),
    whether sent already or not (``services.send_course_reminders`` leaves out those
    sent): one per active person and active course required of them that they never
    completed. A course is required of someone since they took the role it is asked of
    (their earliest current designation as site manager, or on an account; their
    earliest open application): the day the weeks are counted from. At most five
    queries, whatever the number of people, courses or completions."""
    today = today or timezone.localdate()
    courses = list(Course.objects.filter(Q(for_site_managers=True) | Q(for_applicants=True)
                                         | Q(for_account_staff=True), is_active=True).order_by("pk"))
    if not courses:
        return []
    site_manager, staff, applicant = {}, {}, {}
    for person, role, started_at in (_designations().filter(person__is_active=True)
                                     .values_list("person_id", "role", "started_at").order_by()):
        day = timezone.localdate(started_at)
        _earliest(staff, person, day)
        if role == Designation.Role.SITE_MANAGER:
            _earliest(site_manager, person, day)
    for person, started_at in audiences.since(audiences.APPLICANTS):
        _earliest(applicant, person, timezone.localdate(started_at))
    completed = set(Completion.objects.filter(course__in=courses)
                    .filter(Q(user__in=account_staff_ids()) | Q(user__in=applicant_ids()))
                    .values_list("user_id", "course_id").distinct().order_by())
    owed = []
    for course in courses:
        audiences_of = [found for found, asked in ((site_manager, course.for_site_managers),
                                                   (staff, course.for_account_staff),
                                                   (applicant, course.for_applicants)) if asked]
        for person in set().union(*audiences_of):
            if (person, course.pk) not in completed:
                owed.append((person, course, min(found[person] for found in audiences_of if person in found)))
    if not owed:
        return []
    people = people_asked().select_related("supervisor").in_bulk()
    return [NeverTaken(people[person], course, since, reminders.week(since, today))
            for person, course, since in sorted(owed, key=lambda owe: (owe[0], owe[1].pk))
            if person in people and since <= today]


def people_asked() -> QuerySet[User]:
    """The active people training asks something of: those with a role on a live account
    and those with an open application (a subquery each, never a list of ids)."""
    return User.objects.filter(Q(pk__in=account_staff_ids()) | Q(pk__in=applicant_ids()), is_active=True)


def must_acknowledge() -> QuerySet[User]:
    """Who must acknowledge the current version of every required document (R-IV-C,
    Policy 4038 §IV.C): the people it gates (``people_asked``), those acting for a live
    account (its site manager escrowing its credentials or reviewing it, its backup who
    may become one) and those applying for one."""
    return people_asked()


def asked_from(version: PolicyVersion) -> date:
    """The day everyone is first asked to acknowledge ``version``: the later of the day it
    takes effect and the day it was published."""
    return max(version.effective_on, timezone.localdate(version.created_at))


@dataclass(frozen=True)
class ToAcknowledge:
    """A weekly reminder the daily job owes: ``person`` has not acknowledged ``version``,
    the current version of a required document; ``threshold`` is "week-N", counted from
    ``asked_from(version)``."""

    person: User
    version: PolicyVersion
    threshold: str


def acknowledgments_owed(today: date | None = None) -> list[ToAcknowledge]:
    """The reminders owed on ``today`` of current versions of required documents not
    acknowledged by those who must (``must_acknowledge``), whether sent already or not
    (``services.send_policy_reminders`` leaves out those sent). Three queries, whatever
    the number of people, documents or acknowledgments."""
    today = today or timezone.localdate()
    versions = list(current_versions(today).filter(document__required=True))
    if not versions:
        return []
    people = list(must_acknowledge().order_by("pk"))
    done = set(Acknowledgment.objects.filter(version__in=versions, user__in=must_acknowledge())
               .values_list("user_id", "version_id").order_by())
    return [ToAcknowledge(person, version, reminders.week(asked_from(version), today))
            for version in versions if asked_from(version) <= today
            for person in people if (person.pk, version.pk) not in done]


@dataclass(frozen=True)
class TrainingFigures:
    expiring: int
    expired: int
    site_managers_lacking: int


def training_figures(today: date | None = None) -> TrainingFigures:
    """District-wide: required completions expiring within 30 days, expired ones, and
    site managers without current training, for the weekly digest (``mps_social.digest``)."""
    today = today or timezone.localdate()
    states = [state_of(expires_on, today) for expires_on in
              latest_required_completions(today).values_list("expires_on", flat=True)]
    return TrainingFigures(expiring=states.count("expiring"), expired=states.count("expired"),
                           site_managers_lacking=site_managers_lacking_training(on=today).count())


def reminders_for(user, limit: int = 5) -> QuerySet[Reminder]:
    return Reminder.objects.filter(user=user).select_related("course")[:limit]
