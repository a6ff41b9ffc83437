"""The audit trail: one row for every state change, written in the change's transaction."""

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """Who did what to which object, when, from where, and what it was before and after.

    Rows are only ever added (``audits.services.record``); the admin shows them read-only.
    ``target_type``/``target_id`` name the object without a foreign key, so the trail
    outlives anything it describes; ``target_label`` keeps its name as it was.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=254, help_text="The actor's email, or the system job.")
    verb = models.CharField(max_length=80, db_index=True)
    target_type = models.CharField(max_length=80, db_index=True)
    target_id = models.CharField(max_length=64)
    target_label = models.CharField(max_length=254)
    org_unit = models.ForeignKey(
        "people.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["target_type", "target_id", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.verb} {self.target_label}"
