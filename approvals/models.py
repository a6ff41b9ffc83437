"""Applications for official accounts (Policy 4038 §V.B, R-V-B) and the comments on them.

An application is written by a member of staff, endorsed by their supervisor and decided
by the superintendent or a designee; ``approvals.services`` holds the transition table.
A draft may be incomplete: every field the applicant fills in is optional here, and
``approvals.services.problems`` says what must be there, and right, before it is sent.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from accounts.models import DESCRIPTION_MAX


class Application(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Awaiting endorsement"
        ENDORSED = "endorsed", "Awaiting decision"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Purpose(models.TextChoices):
        DISTRICT_INFO = "district_info", "District or department information"
        SCHOOL_INFO = "school_info", "School information"
        CLASS = "class", "A class or educational use"
        STUDENT_ACTIVITY = "student_activity", "A student activity"
        ATHLETICS = "athletics", "Athletics"
        OTHER = "other", "Other"

    class Audience(models.TextChoices):
        PUBLIC = "public", "The general public"
        PARENTS = "parents", "Parents and guardians"
        STUDENTS = "students", "Students"

    class GradeBand(models.TextChoices):
        ELEMENTARY = "elementary", "Elementary (grades K–5, from age 5)"
        MIDDLE = "middle", "Middle school (grades 6–8, from age 11)"
        HIGH = "high", "High school (grades 9–12, from age 14)"
        ADULT = "adult", "Adult learners (18 and over)"

    # Policy 4038 §III.D: these belong on a district-approved, password-protected platform.
    EDUCATIONAL_PURPOSES = frozenset({Purpose.CLASS, Purpose.STUDENT_ACTIVITY, Purpose.ATHLETICS})
    YOUNGEST_IN_BAND = {GradeBand.ELEMENTARY: 5, GradeBand.MIDDLE: 11, GradeBand.HIGH: 14, GradeBand.ADULT: 18}
    OPEN_STATUSES = frozenset({Status.DRAFT, Status.SUBMITTED, Status.ENDORSED, Status.CHANGES_REQUESTED})
    EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.CHANGES_REQUESTED})

    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)

    # What the account is for and whom it speaks for.
    org_unit = models.ForeignKey("people.OrgUnit", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="applications", verbose_name="speaks for")
    purpose = models.CharField(max_length=20, choices=Purpose.choices, blank=True)
    purpose_other = models.CharField("other purpose", max_length=200, blank=True)

    # The account itself.
    platform = models.ForeignKey("accounts.Platform", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="applications")
    handle = models.CharField("proposed handle", max_length=150, blank=True)
    display_name = models.CharField(max_length=150, blank=True)
    existing_url = models.CharField("address, if the account already exists", max_length=300, blank=True)
    description = models.CharField("what it posts", max_length=DESCRIPTION_MAX, blank=True)

    # Whom it speaks to.
    audience = models.CharField(max_length=20, choices=Audience.choices, blank=True)
    grade_band = models.CharField(max_length=20, choices=GradeBand.choices, blank=True)
    youngest_age = models.PositiveSmallIntegerField("age of the youngest student", null=True, blank=True)

    # How it will be run.
    content_plan = models.TextField(blank=True)
    moderation_plan = models.TextField(blank=True)
    public_justification = models.TextField("why a public platform", blank=True)
    site_manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="proposed_applications", verbose_name="proposed site manager")

    # What the applicant attests (R-III-G, R-III-H).
    attests_network_use = models.BooleanField(default=False)
    attests_platform_rules = models.BooleanField(default=False)
    attests_disclosure = models.BooleanField(default=False)

    # The way through: who endorses (chosen at submission), who decided and how.
    endorser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="endorsements")
    submitted_at = models.DateTimeField(null=True, blank=True)
    endorsed_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="decided_applications")
    decision_reason = models.TextField(blank=True)
    changes_requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                             blank=True, related_name="+")
    changes_requested = models.TextField("changes asked for", blank=True)
    conditions = models.TextField(blank=True)
    public_use_authorized = models.BooleanField(
        default=False, help_text="R-III-C: the decider's explicit authorization of a public account for a class, "
        "activity or team.")
    name_override_reason = models.TextField(blank=True)
    account = models.OneToOneField("accounts.OfficialAccount", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="application")

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "endorser"], name="application_endorse_queue"),
            models.Index(fields=["status", "org_unit"], name="application_decide_queue"),
            # The decision queue's order, oldest endorsement first: its page is read off the
            # index instead of sorting every endorsed application (bench.district).
            models.Index(fields=["status", "endorsed_at", "id"], name="application_decide_order"),
        ]

    def __str__(self):
        name = self.display_name or self.handle or "Untitled"
        return f"Application {self.pk}: {name}"

    def get_absolute_url(self):
        return reverse("approvals:detail", args=[self.pk])

    @property
    def title(self) -> str:
        name = self.display_name or (f"@{self.handle}" if self.handle else "An untitled application")
        return f"{name} on {self.platform.name}" if self.platform_id else name

    @property
    def is_educational(self) -> bool:
        return self.purpose in self.EDUCATIONAL_PURPOSES

    @property
    def needs_public_authorization(self) -> bool:
        """R-III-C/R-III-D: a class, activity or team on a public platform."""
        return self.is_educational and self.platform_id is not None and self.platform.is_public

    @property
    def youngest_audience_age(self) -> int | None:
        """R-III-H: the youngest person the account is meant for, when students are."""
        if self.audience != self.Audience.STUDENTS:
            return None
        if self.youngest_age is not None:
            return self.youngest_age
        return self.YOUNGEST_IN_BAND.get(self.grade_band)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class Comment(models.Model):
    """A word between the applicant and the people reviewing the application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Comment by {self.author} on {self.application}"
