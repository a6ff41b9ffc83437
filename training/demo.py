"""The demo district's training and acknowledgments (R-V-A, R-V-C, R-IV-C).

- "Social media site manager training", required of site managers, valid 12 months,
  with a four-question quiz; and a short checklist for applicants they may self-attest.
- Completions for most site managers, recorded each way (quiz, admin, import): Angela
  Brooks's expires within the month and Jordan Reyes's expired three days ago, so the
  daily job (run here once) has reminded both and copied Jordan's supervisor, David
  Lindqvist. Keisha Walker never took it: the compliance audit flags her accounts.
  Neither may escrow credentials or be named site manager again until their training is
  current (R-V-C): the demo's escrow (``credentials.demo``, seeded after this) leaves
  their accounts without, and the soccer team's application naming Jordan waits for him
  to renew it before the designee can approve it.
- Policy 4038 and Regulation 6415, both required. Everyone has acknowledged the versions
  in effect except Priya Raman, who acknowledged Regulation 6415 before its 2025 version:
  as site manager of Washburn Theatre (pending setup) she is refused escrowing its
  credentials until she acknowledges the new version under Training. Pat Kim, the
  contract photographer, is new and has yet to acknowledge Policy 4038.
- The daily jobs (run here once) have also reminded Keisha Walker and the applicants of the
  courses required of them that they never took, and Priya Raman of Regulation 6415's new
  version (R-V-C, R-IV-C).

Policy 4038 and the site-manager course are the starting catalogue of every district
(``training.catalogue``), loaded the same way with the demo's additions. Everything goes
through ``training.catalogue`` and ``training.services`` but the old acknowledgment (the
service acknowledges only the version in effect). Idempotent: a course, document or
version that exists is left alone, and a person who already has a completion of a course
gets no other.
"""

from datetime import date, timedelta

from django.utils import timezone

from mps_social.months import add_months
from people.models import User

from . import catalogue, selectors, services
from .models import Acknowledgment, Choice, Completion, Course, PolicyDocument, PolicyVersion

CHECKLIST = """\
Before you apply for an official account, make sure that:

the account speaks for a school, department, program or student activity, not for you;
a district-approved, password-protected platform (MPS Google, Moodle) will not do, if it is for a class, activity or team (§III.D);
a district employee will be its site manager, with a plan for moderation and for when they are away (§III.E);
its audience is old enough for the platform (§III.H)."""

REGULATION_6415 = {
    "2019": """\
Demo text standing in for the regulation. Staff use the district's network and devices for educational and district business; they protect student data, never share their passwords, and report any security incident to IT.""",
    "2025": """\
Demo text standing in for the regulation. Staff use the district's network and devices for educational and district business; they protect student data, never share their passwords, and report any security incident to IT.

New in 2025: district social media accounts use the district's recovery email and phone and two-factor sign-in; personal devices that sign in to them must have a screen lock.""",
}

DOCUMENTS = [
    catalogue.POLICY_4038,
    catalogue.DocumentDefinition(
        "regulation-6415", "Regulation 6415: Internet and Educational Network Use", PolicyDocument.Kind.REGULATION,
        "How staff use the district's network, devices and accounts; Policy 4038 §III.G applies it to social media.",
        (("2019", date(2019, 7, 1), REGULATION_6415["2019"]), ("2025", date(2025, 8, 1), REGULATION_6415["2025"]))),
]

COURSES = [
    catalogue.SITE_MANAGER_COURSE,
    catalogue.CourseDefinition("before-you-apply", {
        "title": "Before you apply: an official account checklist",
        "description": "Four things to settle before asking for an account.",
        "material": CHECKLIST, "validity_months": 24, "for_applicants": True, "allows_self_attestation": True,
    }),
]

NOT_ACKNOWLEDGED_NEW_VERSION = "teacher.washburn@example.org"
NEWCOMER = ("contractor@example.org", "policy-4038")  # has not acknowledged it yet


def seed_courses() -> Course:
    catalogue.add_courses(COURSES, actor=None)
    return Course.objects.get(slug=catalogue.SITE_MANAGER_COURSE.slug)


def _passing_answers(course) -> dict[int, int]:
    return dict(Choice.objects.filter(question__course=course, is_correct=True).values_list("question_id", "pk"))


def seed_completions(course: Course, today: date) -> int:
    people = {user.email: user for user in User.objects.all()}
    admin = people["admin@example.org"]
    year_ago = add_months(today, -course.validity_months)
    # email → (how, completed on)
    plan = {
        "webmaster@example.org": ("quiz", today - timedelta(days=60)),
        "teacher@example.org": ("quiz", today - timedelta(days=30)),
        "teacher.washburn@example.org": ("quiz", today - timedelta(days=10)),
        "designee@example.org": ("admin", today - timedelta(days=100)),
        "athletics@example.org": ("import", today - timedelta(days=200)),
        "principal@example.org": ("import", year_ago + timedelta(days=20)),  # expires within the month
        "coach@example.org": ("admin", year_ago - timedelta(days=3)),  # expired three days ago
    }
    done = set(Completion.objects.filter(course=course).values_list("user__email", flat=True))
    plan = {email: step for email, step in plan.items() if email not in done}
    for email, (how, completed_on) in plan.items():
        if how == "quiz":
            services.take_quiz(actor=people[email], course=course, answers=_passing_answers(course), today=completed_on)
        elif how == "admin":
            services.record_completion(actor=admin, person=people[email], course=course, completed_on=completed_on)
    imported = [f"{email},{course.slug},{completed_on}"
                for email, (how, completed_on) in plan.items() if how == "import"]
    if imported:
        services.import_completions(actor=admin, text="\n".join(["email,course,completed_on", *imported]))
    return len(plan)


def seed_documents(today: date) -> None:
    catalogue.add_documents(DOCUMENTS, actor=None)
    latecomer = User.objects.get(email=NOT_ACKNOWLEDGED_NEW_VERSION)
    old = PolicyVersion.objects.get(document__slug="regulation-6415", number="2019")
    Acknowledgment.objects.get_or_create(user=latecomer, version=old)  # history: before 2025 took effect
    current = list(selectors.current_versions(today))
    for person in User.objects.filter(is_active=True):
        for version in current:
            if person == latecomer and version.document.slug == "regulation-6415":
                continue
            if (person.email, version.document.slug) == NEWCOMER:
                continue
            services.acknowledge(actor=person, version=version, today=today)


def seed(stdout):
    today = timezone.localdate()
    course = seed_courses()
    made = seed_completions(course, today)
    seed_documents(today)
    reminded = services.send_reminders(today=today)
    never_taken = services.send_course_reminders(today=today)
    to_acknowledge = services.send_policy_reminders(today=today)
    stdout.write(f"  training: {made} completions, 2 policy documents acknowledged, {reminded} reminders sent, "
                 f"{never_taken} of courses never taken, {to_acknowledge} of versions to acknowledge.")
