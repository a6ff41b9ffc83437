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
  credentials until she acknowledges the new version under Training.

Everything goes through ``training.services`` but the old acknowledgment (the service
acknowledges only the version in effect). Idempotent: a course, document or version that
exists is left alone, and a person who already has a completion of a course gets no other.
"""

from datetime import date, timedelta

from django.utils import timezone

from accounts.services import add_months
from people.models import User

from . import selectors, services
from .models import Acknowledgment, Choice, Completion, Course, PolicyDocument, PolicyVersion, Question

SITE_MANAGER_COURSE = "site-manager-training"

MATERIAL = """\
Policy 4038 makes the district's official social media accounts the district's own. As the site manager of one, you answer for it (§V.D). This course goes through what that means in practice.

Names (§III.A). Only an approved account may use the district's name, a school's or department's name, a mascot or a team name. If you see an account pretending to be ours, report it from the portal's "Is this account official?" page.

Credentials (§III.E). Every official account has one site manager, a district employee: you. Its log-in credentials are escrowed in this portal, where your supervisor and the superintendent's office can reveal them; every reveal is logged and you are told. Use the district's recovery email and phone, turn on two-factor sign-in at the platform, and enter new credentials here whenever you change the password.

Audience and conduct (§III.H). Follow the platform's rules for civil discourse and its age limits: most public platforms admit nobody under 13. Moderate comments as your application said you would.

Privacy (§IV.C). You are responsible for what the account discloses, on purpose or by accident: no student's private data, no photos without a media release on file, nothing that violates anyone's privacy. A breach can lead to discipline.

Every year (§V.D). Confirm in the annual review that the account is still needed and its details are right, and keep this training current."""

QUIZ = [
    ("Who may reveal an account's escrowed log-in credentials?", [
        ("Anyone in the school's office", False),
        ("The site manager, their supervisor and the superintendent's office, each reveal logged", True),
        ("Only the platform's support team", False),
    ]),
    ("A parent sends you a photo of students at a game. When may the account post it?", [
        ("Right away: the parent sent it", False),
        ("When each student shown has a media release on file", True),
        ("Only after the season ends", False),
    ]),
    ("You changed the account's password at the platform. What next?", [
        ("Nothing: the portal keeps the old one", False),
        ("Email the new password to your supervisor", False),
        ("Enter the new credentials in the portal, so the escrow stays current", True),
    ]),
    ("A fan account uses your school's mascot in its name. What do you do?", [
        ("Report it from the portal: only approved accounts may use the name (§III.A)", True),
        ("Follow it back", False),
        ("Nothing", False),
    ]),
]

CHECKLIST = """\
Before you apply for an official account, make sure that:

the account speaks for a school, department, program or student activity, not for you;
a district-approved, password-protected platform (MPS Google, Moodle) will not do, if it is for a class, activity or team (§III.D);
a district employee will be its site manager, with a plan for moderation and for when they are away (§III.E);
its audience is old enough for the platform (§III.H)."""

POLICY_4038 = """\
I. Purpose. Social media has become an increasingly important part of our ability to communicate with families, students, staff and the community. The purpose of this policy is to guide both professional, educational and private use of social media for district schools, departments and staff.

III.A. Only those public online social media accounts approved by the District may use the District name, or name of any of its schools or departments, its mascots or team names in its title or style.

III.E. For any established and authorized public online social media account a district employee shall be designated as the site manager. Any security, log-in credentials, or passwords for such accounts must be shared with the site manager's supervisor and the Superintendent, or Superintendent's designee.

III.H. Sites created hereunder, and the district employees or contractors who manage them, must comply with the public online social media's rules for civil discourse and adhere to any age restrictions established by the social media owner.

IV.C. Employees will be held responsible for disclosure, whether purposeful or inadvertent, of confidential or private information, information or data that violates the privacy rights, or other rights, of a third party, or for the content of anything communicated by the employee on any public online social media. An employee who fails to comply with this policy and rules established by the Superintendent may be subject to disciplinary and other consequences, up to and including termination of employment.

V.C. The Superintendent may establish required training for users of public online social media.

(Abridged for the demo: sections I, III.A, III.E, III.H, IV.C and V.C.)"""

REGULATION_6415 = {
    "2019": """\
Demo text standing in for the regulation. Staff use the district's network and devices for educational and district business; they protect student data, never share their passwords, and report any security incident to IT.""",
    "2025": """\
Demo text standing in for the regulation. Staff use the district's network and devices for educational and district business; they protect student data, never share their passwords, and report any security incident to IT.

New in 2025: district social media accounts use the district's recovery email and phone and two-factor sign-in; personal devices that sign in to them must have a screen lock.""",
}

# (slug, title, kind, summary, [(number, effective on, text)])
DOCUMENTS = [
    ("policy-4038", "Policy 4038: Social Media Use", "policy",
     "The district's rules for its official social media accounts and for staff's personal use.",
     [("2014", date(2014, 8, 13), POLICY_4038)]),
    ("regulation-6415", "Regulation 6415: Internet and Educational Network Use", "regulation",
     "How staff use the district's network, devices and accounts; Policy 4038 §III.G applies it to social media.",
     [("2019", date(2019, 7, 1), REGULATION_6415["2019"]), ("2025", date(2025, 8, 1), REGULATION_6415["2025"])]),
]

NOT_ACKNOWLEDGED_NEW_VERSION = "teacher.washburn@example.org"


def _course(slug, defaults, quiz=()) -> Course:
    course, created = Course.objects.get_or_create(slug=slug, defaults=defaults)
    if created:
        for order, (text, choices) in enumerate(quiz, start=1):
            question = Question.objects.create(course=course, text=text, order=order)
            Choice.objects.bulk_create([Choice(question=question, text=choice, is_correct=correct, order=number)
                                        for number, (choice, correct) in enumerate(choices, start=1)])
    return course


def seed_courses() -> Course:
    course = _course(SITE_MANAGER_COURSE, {
        "title": "Social media site manager training",
        "description": "What Policy 4038 asks of the site manager of an official account.",
        "material": MATERIAL, "validity_months": 12, "for_site_managers": True, "pass_mark": 75,
    }, QUIZ)
    _course("before-you-apply", {
        "title": "Before you apply: an official account checklist",
        "description": "Four things to settle before asking for an account.",
        "material": CHECKLIST, "validity_months": 24, "for_applicants": True, "allows_self_attestation": True,
    })
    return course


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
    for slug, title, kind, summary, versions in DOCUMENTS:
        document, _ = PolicyDocument.objects.get_or_create(
            slug=slug, defaults={"title": title, "kind": kind, "summary": summary, "required": True})
        for number, effective_on, text in versions:
            PolicyVersion.objects.get_or_create(document=document, number=number,
                                                defaults={"effective_on": effective_on, "text": text})
    latecomer = User.objects.get(email=NOT_ACKNOWLEDGED_NEW_VERSION)
    old = PolicyVersion.objects.get(document__slug="regulation-6415", number="2019")
    Acknowledgment.objects.get_or_create(user=latecomer, version=old)  # history: before 2025 took effect
    current = list(selectors.current_versions(today))
    for person in User.objects.filter(is_active=True):
        for version in current:
            if person == latecomer and version.document.slug == "regulation-6415":
                continue
            services.acknowledge(actor=person, version=version, today=today)


def seed(stdout):
    today = timezone.localdate()
    course = seed_courses()
    made = seed_completions(course, today)
    seed_documents(today)
    reminded = services.send_reminders(today=today)
    stdout.write(f"  training: {made} completions, 2 policy documents acknowledged, {reminded} reminders sent.")
