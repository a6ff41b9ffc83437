"""Concern reports: what the public and staff tell the district about social media
(R-IV-B, Policy 4038 §IV.B), and the notes of the people who triage them.

The district does not monitor; it acts on what it learns. A report names what was seen
(impersonation or unofficial use of a district name, §III.A; inappropriate content on an
official account; disclosure of private data, §IV.C), is routed to the org unit it
concerns, and goes new → in review → resolved with an outcome. Rows change only through
``concerns.services``.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# Crockford's base32: no I, L, O or U, so a reference read aloud or copied by hand survives.
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_LENGTH = 8
_MISREAD = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_reference() -> str:
    """"C-" and 8 random characters (40 bits from ``secrets``): short enough to quote on
    the phone, neither sequential nor guessable, so it reveals nothing about volume."""
    return "C-" + "".join(secrets.choice(CROCKFORD) for _ in range(REFERENCE_LENGTH))


def clean_reference(text: str) -> str:
    """A reference as somebody typed it ("c-7qk3m9tx", "7QK3-M9TX", with O for 0) in
    its canonical form; "" when it cannot be one."""
    body = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    if body.startswith("C") and len(body) == REFERENCE_LENGTH + 1:
        body = body[1:]
    body = body.translate(_MISREAD)
    if len(body) != REFERENCE_LENGTH or any(ch not in CROCKFORD for ch in body):
        return ""
    return "C-" + body


class ConcernReport(models.Model):
    """One report. ``org_unit`` decides who triages it: the matched account's unit, else
    the owner of a protected name found in the link, else the district."""

    class Kind(models.TextChoices):
        # Shown on the public report form, in the visitor's language.
        IMPERSONATION = "impersonation", _("Impersonation or unofficial use of district names")
        INAPPROPRIATE_CONTENT = "inappropriate_content", _("Inappropriate content on an official account")
        PRIVATE_DATA = "private_data", _("Disclosure of private data")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        NEW = "new", "New"
        IN_REVIEW = "in_review", "In review"
        RESOLVED = "resolved", "Resolved"

    class Outcome(models.TextChoices):
        NO_ACTION = "no_action", "No action needed"
        SITE_MANAGER_CONTACTED = "site_manager_contacted", "Site manager contacted"
        TAKEDOWN_REQUESTED = "takedown_requested", "Takedown requested from the platform"
        REFERRED_TO_HR = "referred_to_hr", "Referred to HR"
        ACCOUNT_SUSPENDED = "account_suspended", "Account suspended"
        OTHER = "other", "Other"

    reference = models.CharField(max_length=12, unique=True, editable=False, default=new_reference)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    link = models.CharField(
        max_length=2048, blank=True, help_text="The address or @handle as the reporter gave it."
    )
    link_url = models.URLField(
        "canonical address", max_length=300, blank=True,
        help_text="The profile address the link reads as (accounts.normalize), safe to open.",
    )
    account = models.ForeignKey(
        "accounts.OfficialAccount", null=True, blank=True, on_delete=models.PROTECT, related_name="concerns",
        help_text="The official account the link matched when the report was sent.",
    )
    matched_name = models.ForeignKey(
        "accounts.ProtectedName", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The protected name (§III.A) found in the link, when no official account matched.",
    )
    org_unit = models.ForeignKey(
        "people.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="concerns",
        help_text="Whose triagers see it.",
    )
    description = models.TextField()
    reporter_email = models.EmailField(blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="concerns_reported"
    )
    language = models.CharField(
        max_length=8, choices=settings.LANGUAGES, default="en",
        help_text="The language the report was sent in: mail to the reporter is written in it.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="concerns_assigned"
    )
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    resolution = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Resolved exactly when an outcome, a time and a resolver are recorded.
            models.CheckConstraint(
                condition=(
                    Q(status="resolved", resolved_at__isnull=False, resolved_by__isnull=False) & ~Q(outcome="")
                )
                | (~Q(status="resolved") & Q(resolved_at__isnull=True, outcome="")),
                name="concern_resolved_has_outcome",
            ),
            # Once past "new" somebody owns it.
            models.CheckConstraint(
                condition=Q(status="new") | Q(assignee__isnull=False), name="concern_reviewed_has_assignee"
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"]), models.Index(fields=["kind", "status"])]

    def __str__(self):
        return f"{self.reference} ({self.get_kind_display().lower()})"

    def get_absolute_url(self):
        return reverse("concerns:detail", args=[self.reference])

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.RESOLVED


class ConcernNote(models.Model):
    """A triager's note on a report: what was checked, who was called. Only added."""

    report = models.ForeignKey(ConcernReport, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Note on {self.report.reference} by {self.author}"
