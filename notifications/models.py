"""The outbox: mail to send, written in the same transaction as the change that causes it."""

from django.conf import settings
from django.db import models


class OutboxMessage(models.Model):
    """One email waiting to be delivered, already rendered.

    Rendering at enqueue time freezes what the message says at the moment of the change;
    delivery only sends. ``key`` makes enqueueing idempotent: a job that runs twice asks
    for the same key and gets the same row.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to = models.EmailField()
    template = models.CharField(max_length=100)
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    sensitive = models.BooleanField(
        default=False, help_text="Holds a one-time link (a password reset): the body is wiped once sent."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField(db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.template} to {self.to} ({self.status})"
