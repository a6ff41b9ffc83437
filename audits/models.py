"""The audit trail: one row for every state change, written in the change's transaction,
linked to the one before by a hash chain (``audits.chain``)."""

from django.conf import settings
from django.db import models
from django.utils import timezone



# The hash the first event links to, and the empty chain's head: "no event before".
GENESIS = "0" * 64


class AppendOnly(RuntimeError):
    """The audit trail is only ever added to: an event is never changed or deleted."""


class AuditEventQuerySet(models.QuerySet):
    """Refuses the bulk writes that would change or remove events (``update``,
    ``bulk_update``, ``delete``). On PostgreSQL a trigger refuses them too, for anyone
    going around the ORM (migration 0006)."""

    def update(self, **kwargs):
        raise AppendOnly("Audit events are never changed.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnly("Audit events are never changed.")

    def delete(self):
        raise AppendOnly("Audit events are never deleted.")

    def _raw_delete(self, using):
        raise AppendOnly("Audit events are never deleted.")


class AuditEvent(models.Model):
    """Who did what to which object, when, from where, and what it was before and after.

    Rows are only ever added (``audits.services.record``), each linked to the one before
    by ``hash`` (``audits.chain``); the admin shows them read-only. ``target_type``/
    ``target_id`` name the object without a foreign key, so the trail outlives anything
    it describes; ``target_label`` keeps its name as it was.
    """

    sequence = models.PositiveBigIntegerField(unique=True, editable=False,
                                              help_text="Position in the hash chain: 1, 2, 3, … without a gap.")
    hash = models.CharField(max_length=64, editable=False,
                            help_text="SHA-256 of this event's canonical form and the previous event's hash.")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=254, help_text="The actor's email, or the system job.")
    verb = models.CharField(max_length=80)
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

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        # (verb, sequence): "every reveal, newest first" walks one index whatever the size
        # of the trail (audits/pages.py); it serves lookups by verb alone too.
        indexes = [models.Index(fields=["target_type", "target_id", "at"]),
                   models.Index(fields=["verb", "sequence"], name="audit_event_verb_sequence")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.verb} {self.target_label}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("Audit events are never changed.")
        if self.sequence is None or not self.hash:
            raise AppendOnly("Record audit events with audits.services.record: it links them into the chain.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("Audit events are never deleted.")


class ChainHead(models.Model):
    """The end of the audit trail's hash chain: one row (pk 1), locked by every append so
    two transactions never extend the same event (``audits.chain.append``). It also
    remembers how far the trail went, so deleting the last events is detected."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS)

    def __str__(self):
        return f"Audit trail head #{self.sequence}"


class ChainCheckpoint(models.Model):
    """One verification of the whole chain (the daily task ``audits.verify_trail``): the
    head it found intact, or the first event that did not fit. Intact checkpoints are
    anchors: later verifications require those events still to be there, unchanged."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    sequence = models.PositiveBigIntegerField(help_text="The last event found intact.")
    hash = models.CharField(max_length=64, help_text="Its hash.")
    ok = models.BooleanField()
    first_bad = models.PositiveBigIntegerField(null=True, blank=True,
                                               help_text="The sequence of the first event that does not fit.")
    problem = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"Audit trail {'intact' if self.ok else 'broken'} at {self.at:%Y-%m-%d %H:%M} (#{self.sequence})"
