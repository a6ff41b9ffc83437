"""An uploaded roster, kept from its preview until it applies (``roster.services``)."""

from django.conf import settings
from django.db import models


class RosterImport(models.Model):
    """One uploaded roster: previewed, then applied (or not). The file is kept so what is
    applied is exactly what was previewed, re-checked against the portal at that moment."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "Previewed"
        AWAITING = "awaiting", "Waiting for the superintendent's confirmation"
        APPLYING = "applying", "Applying"
        APPLIED = "applied", "Applied"
        DECLINED = "declined", "Declined by the superintendent"
        FAILED = "failed", "Failed"

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(max_length=200)
    data = models.BinaryField(editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEWED)
    preview = models.JSONField(default=dict, help_text="Counts of each kind of change, as previewed.")
    summary = models.JSONField(default=dict, help_text="Counts of each kind of change and effect, as applied.")
    authority = models.JSONField(
        default=list, help_text="The lines that move power, as previewed: they apply only once the superintendent "
                                "confirms them (roster.effects.authority_lines).")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return f"Roster {self.filename} ({self.get_status_display().lower()})"
