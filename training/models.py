"""Required training (Policy 4038 §V.C, R-V-C) and policy acknowledgments (§IV.C, §V.A;
R-IV-C, R-V-A).

Courses are kept by administrators in the Django admin: what to read (in the portal, at a
link, or both), how long a completion stays valid, whom the course is required of, and an
optional quiz. Who must take a course is derived from the data, never assigned: a site
manager holds a current site-manager designation on a live account, an applicant has an
open application, and "staff with a role on an account" hold any current designation.

A ``Completion`` is valid from ``completed_on`` until the day before ``expires_on``: on
``expires_on`` it has expired. A person's state in a course is that of their latest
completion (``training.selectors``).

Policy documents (Policy 4038, Regulation 6415, …) have dated versions; the current
version of a document is the latest one in effect. A person acknowledges a version, so a
new version asks everyone again. Documents marked ``required`` gate applying for an
account and acting as a site manager (``training.services.acknowledgment_problem``).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse


class Course(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True, help_text="Used in addresses and in the CSV import.")
    description = models.TextField(blank=True, help_text="One or two sentences: what the course is for.")
    material = models.TextField(
        "material to read", blank=True,
        help_text="Shown in the portal, paragraph by paragraph (a blank line starts a new one).",
    )
    material_url = models.URLField("material at a link", blank=True, help_text="A video, slides or a document.")
    validity_months = models.PositiveSmallIntegerField(
        default=12, validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text="A completion expires this many months after it.",
    )
    for_site_managers = models.BooleanField(
        "required of site managers", default=False,
        help_text="Everyone who is the current site manager of a live account (Policy 4038 §III.E, §V.C).",
    )
    for_applicants = models.BooleanField(
        "required of applicants", default=False, help_text="Everyone with an open application for an account.",
    )
    for_account_staff = models.BooleanField(
        "required of all staff with a role on an account", default=False,
        help_text="Site managers and backups of live accounts.",
    )
    allows_self_attestation = models.BooleanField(
        default=False, help_text="Staff may record their own completion by confirming they have done it.",
    )
    pass_mark = models.PositiveSmallIntegerField(
        "pass mark (%)", default=80, validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="The share of quiz questions to answer correctly, when the course has a quiz.",
    )
    is_active = models.BooleanField(default=True, help_text="Inactive courses are required of nobody.")

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("training:course", args=[self.slug])

    def clean(self):
        super().clean()
        if not (self.material.strip() or self.material_url):
            raise ValidationError("Give the material to read in the portal, a link to it, or both.")

    @property
    def audiences(self) -> list[str]:
        names = []
        if self.for_site_managers:
            names.append("site managers")
        if self.for_applicants:
            names.append("applicants")
        if self.for_account_staff:
            names.append("all staff with a role on an account")
        return names


class Question(models.Model):
    """One question of a course's quiz; exactly one of its choices is correct."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.text


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(max_length=300)
    is_correct = models.BooleanField(default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["question"], condition=Q(is_correct=True),
                                    name="choice_one_correct_per_question"),
        ]

    def __str__(self):
        return self.text


class Completion(models.Model):
    """One person's completion of one course on one day. Rows are added, never edited:
    the latest is the one that counts, the others are history."""

    class Method(models.TextChoices):
        QUIZ = "quiz", "Passed the quiz"
        SELF_ATTESTED = "self_attested", "Self-attested"
        ADMIN = "admin", "Recorded by an administrator"
        IMPORTED = "imported", "Imported"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="completions")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="completions")
    completed_on = models.DateField()
    expires_on = models.DateField(help_text="The first day it no longer counts.")
    method = models.CharField(max_length=20, choices=Method.choices)
    score = models.PositiveSmallIntegerField(null=True, blank=True, help_text="The quiz score in per cent.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-completed_on", "-pk"]
        constraints = [
            # A re-import, or a second pass on the same day, is the same completion.
            models.UniqueConstraint(fields=["user", "course", "completed_on"], name="completion_once_a_day"),
        ]
        indexes = [models.Index(fields=["course", "user", "expires_on"], name="completion_latest")]

    def __str__(self):
        return f"{self.user} completed {self.course} on {self.completed_on}"


class Reminder(models.Model):
    """A reminder sent about a completion that expires (R-V-C). The unique key makes the
    daily job idempotent: whoever inserts the row first sends the mail, and a second run,
    or a second beat process, finds the row and sends nothing.

    ``cycle`` is the ``expires_on`` of the completion reminded about, so a renewed
    completion starts a new cycle; ``threshold`` is "30", "7", "expired" or "week-N"
    (the N-th week after expiry)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training_reminders")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="reminders")
    cycle = models.DateField()
    threshold = models.CharField(max_length=20)
    supervisor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", help_text="Copied on the reminder sent at expiry.")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "course", "cycle", "threshold"], name="reminder_once"),
        ]

    def __str__(self):
        return f"{self.course} reminder ({self.threshold}) to {self.user}"

    @property
    def key(self) -> str:
        return reminder_key(self.user_id, self.course_id, self.cycle, self.threshold)


def reminder_key(user_id, course_id, cycle, threshold) -> str:
    """The outbox key of a reminder: the same four facts as its unique constraint."""
    return f"training-reminder:{user_id}:{course_id}:{cycle:%Y-%m-%d}:{threshold}"


class PolicyDocument(models.Model):
    """A policy or a regulation staff acknowledge (R-V-A, Policy 4038 §V.A)."""

    class Kind(models.TextChoices):
        POLICY = "policy", "Policy"
        REGULATION = "regulation", "Regulation"

    title = models.CharField(max_length=200, help_text="As staff know it, e.g. Policy 4038: Social Media Use.")
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    summary = models.TextField(blank=True, help_text="What staff acknowledge, in a sentence or two.")
    required = models.BooleanField(
        default=False,
        help_text="Staff must acknowledge its current version before applying for an account or acting as a "
                  "site manager (Policy 4038 §IV.C).",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("training:policy", args=[self.slug])


class PolicyVersion(models.Model):
    document = models.ForeignKey(PolicyDocument, on_delete=models.PROTECT, related_name="versions")
    number = models.CharField(max_length=40, help_text="As the district numbers it, e.g. 2 or 2025-08.")
    effective_on = models.DateField(help_text="From this day it is the current version, and everyone is asked "
                                              "to acknowledge it again.")
    text = models.TextField(blank=True, help_text="The text shown in the portal.")
    url = models.URLField("link to the text", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document", "-effective_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="policyversion_unique_number"),
        ]

    def __str__(self):
        return f"{self.document.title}, version {self.number}"

    def clean(self):
        super().clean()
        if not (self.text.strip() or self.url):
            raise ValidationError("Give the text, a link to it, or both.")


class Acknowledgment(models.Model):
    """A person's acknowledgment of one version of a document (R-IV-C)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="acknowledgments")
    version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="acknowledgments")
    acknowledged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-acknowledged_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "version"], name="acknowledgment_once")]

    def __str__(self):
        return f"{self.user} acknowledged {self.version}"
