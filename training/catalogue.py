"""The training catalogue a district starts with (R-V-A, R-V-C): Policy 4038 to
acknowledge, and the site-manager training the compliance audit and site-manager
eligibility look for (a course ``for_site_managers``, ``training.selectors``).

``manage.py load_catalogue`` loads them on a new server and ``manage.py seed_demo`` loads
them, with the demo's own additions, into the demo district: both through ``add_courses``
and ``add_documents``. Each adds only what is missing (a course or document by its slug,
a version by its number), so running them again adds nothing and never overwrites what an
administrator has since edited in the admin; each addition is audited, and the catalogue's
cache (``training.selectors.catalogue``) changes at once, as a save would change it.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import transaction

from audits.services import record_many
from mps_social.versioned_cache import changed_in_bulk

from .models import Choice, Course, PolicyDocument, PolicyVersion, Question


@dataclass(frozen=True)
class CourseDefinition:
    slug: str
    fields: dict  # the ``Course`` fields but the slug
    quiz: tuple = ()  # (question, ((choice, is correct), …)), …


@dataclass(frozen=True)
class DocumentDefinition:
    slug: str
    title: str
    kind: str
    summary: str
    versions: tuple  # (number, effective on, text), …
    required: bool = True


SITE_MANAGER_MATERIAL = """\
Policy 4038 makes the district's official social media accounts the district's own. As the site manager of one, you answer for it (§V.D). This course goes through what that means in practice.

Names (§III.A). Only an approved account may use the district's name, a school's or department's name, a mascot or a team name. If you see an account pretending to be ours, report it from the portal's "Is this account official?" page.

Credentials (§III.E). Every official account has one site manager, a district employee: you. Its log-in credentials are escrowed in this portal, where your supervisor and the superintendent's office can reveal them; every reveal is logged and you are told. Use the district's recovery email and phone, turn on two-factor sign-in at the platform, and enter new credentials here whenever you change the password.

Audience and conduct (§III.H). Follow the platform's rules for civil discourse and its age limits: most public platforms admit nobody under 13. Moderate comments as your application said you would.

Privacy (§IV.C). You are responsible for what the account discloses, on purpose or by accident: no student's private data, no photos without a media release on file, nothing that violates anyone's privacy. A breach can lead to discipline.

Every year (§V.D). Confirm in the annual review that the account is still needed and its details are right, and keep this training current."""

SITE_MANAGER_QUIZ = (
    ("Who may reveal an account's escrowed log-in credentials?", (
        ("Anyone in the school's office", False),
        ("The site manager, their supervisor and the superintendent's office, each reveal logged", True),
        ("Only the platform's support team", False),
    )),
    ("A parent sends you a photo of students at a game. When may the account post it?", (
        ("Right away: the parent sent it", False),
        ("When each student shown has a media release on file", True),
        ("Only after the season ends", False),
    )),
    ("You changed the account's password at the platform. What next?", (
        ("Nothing: the portal keeps the old one", False),
        ("Email the new password to your supervisor", False),
        ("Enter the new credentials in the portal, so the escrow stays current", True),
    )),
    ("A fan account uses your school's mascot in its name. What do you do?", (
        ("Report it from the portal: only approved accounts may use the name (§III.A)", True),
        ("Follow it back", False),
        ("Nothing", False),
    )),
)

# Required of everyone who is the site manager of a live account (Policy 4038 §V.C, §V.D).
SITE_MANAGER_COURSE = CourseDefinition("site-manager-training", {
    "title": "Social media site manager training",
    "description": "What Policy 4038 asks of the site manager of an official account.",
    "material": SITE_MANAGER_MATERIAL, "validity_months": 12, "for_site_managers": True, "pass_mark": 75,
}, SITE_MANAGER_QUIZ)

# The policy as the board adopted it (08/12/2014, in effect from 08/13/2014).
POLICY_4038 = DocumentDefinition(
    "policy-4038", "Policy 4038: Social Media Use", PolicyDocument.Kind.POLICY,
    "The district's rules for its official social media accounts and for staff's personal use.",
    (("2014", date(2014, 8, 13),
      (Path(__file__).parent / "texts" / "policy-4038-social-media-use.txt").read_text(encoding="utf-8")),),
)

STARTING_COURSES = [SITE_MANAGER_COURSE]
STARTING_DOCUMENTS = [POLICY_4038]


@transaction.atomic
def add_courses(definitions: list[CourseDefinition], *, actor) -> list[Course]:
    """Add each course whose slug no course has, with its quiz; returns those added. A
    constant number of statements whatever the number of courses and questions."""
    existing = set(Course.objects.filter(slug__in=[d.slug for d in definitions]).values_list("slug", flat=True))
    wanted = [d for d in definitions if d.slug not in existing]
    courses = Course.objects.bulk_create([Course(slug=d.slug, **d.fields) for d in wanted])
    questions = Question.objects.bulk_create([
        Question(course=course, text=text, order=order)
        for course, definition in zip(courses, wanted)
        for order, (text, _choices) in enumerate(definition.quiz, start=1)])
    choices = iter(choices for definition in wanted for _text, choices in definition.quiz)
    Choice.objects.bulk_create([Choice(question=question, text=text, is_correct=correct, order=number)
                                for question in questions
                                for number, (text, correct) in enumerate(next(choices), start=1)])
    if courses:
        changed_in_bulk(Course)
    record_many(actor=actor, verb="course.added_from_catalogue",
                items=[(course, None, {"slug": course.slug, "title": course.title, "audiences": course.audiences,
                                       "questions": len(definition.quiz)})
                       for course, definition in zip(courses, wanted)])
    return courses


@transaction.atomic
def add_documents(definitions: list[DocumentDefinition], *, actor) -> list[PolicyVersion]:
    """Add each document whose slug no document has, and each of its versions whose number
    the document lacks; returns the versions added. A constant number of statements."""
    documents = {document.slug: document
                 for document in PolicyDocument.objects.filter(slug__in=[d.slug for d in definitions])}
    added = PolicyDocument.objects.bulk_create([
        PolicyDocument(slug=d.slug, title=d.title, kind=d.kind, summary=d.summary, required=d.required)
        for d in definitions if d.slug not in documents])
    documents.update((document.slug, document) for document in added)
    have = set(PolicyVersion.objects.filter(document__in=documents.values()).values_list("document__slug", "number"))
    versions = PolicyVersion.objects.bulk_create([
        PolicyVersion(document=documents[d.slug], number=number, effective_on=effective_on, text=text)
        for d in definitions for number, effective_on, text in d.versions if (d.slug, number) not in have])
    if added or versions:
        changed_in_bulk(PolicyDocument, PolicyVersion)
    record_many(actor=actor, verb="policydocument.added_from_catalogue",
                items=[(document, None, {"slug": document.slug, "title": document.title,
                                         "required": document.required}) for document in added])
    record_many(actor=actor, verb="policyversion.added_from_catalogue",
                items=[(version, None, {"document": version.document.slug, "number": version.number,
                                        "effective_on": version.effective_on.isoformat()}) for version in versions])
    return versions
