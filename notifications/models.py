"""The outbox: mail to send, written in the same transaction as the change that causes it;
the inbox: each person's copy of what the outbox sends them, in the portal; and how each
person wants each kind of message (``notifications.kinds``) mailed."""

from django.conf import settings
from django.db import models

from . import kinds


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
        # The person chose a daily digest for its kind: sent inside ``digest``, not alone.
        HELD = "held", "Held for the daily digest"
        DIGESTED = "digested", "Sent in a daily digest"
        # The person chose the portal only for its kind: in their inbox, never mailed.
        NOT_MAILED = "not_mailed", "Not mailed (portal only)"

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
    digest = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="combined",
        help_text="The daily digest that carried this message, when its kind is held for one.",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.template} to {self.to} ({self.status})"


class InboxEntry(models.Model):
    """One message the outbox sent, or holds, for a person: what they were told, in the
    portal. Written with its outbox row, in the same transaction (``services.enqueue``),
    with the same subject and words; ``link`` is the page of the object it is about.

    A message that holds a one-time link (``OutboxMessage.sensitive``) keeps neither its
    words nor a link here: the entry says only that the mail was sent."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    message = models.OneToOneField(OutboxMessage, on_delete=models.CASCADE, related_name="entry")
    kind = models.CharField(max_length=40)
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    link = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "inbox message"
        indexes = [models.Index(fields=["recipient", "read_at"]), models.Index(fields=["recipient", "-created_at"])]

    def __str__(self):
        return self.subject

    # What became of the mail, in the words of the person it was for.
    MAILED = {
        OutboxMessage.Status.PENDING: "Being emailed to you",
        OutboxMessage.Status.SENT: "Emailed to you",
        OutboxMessage.Status.FAILED: "The email could not be delivered",
        OutboxMessage.Status.HELD: "Waiting for your daily email",
        OutboxMessage.Status.DIGESTED: "Emailed to you in a daily email",
        OutboxMessage.Status.NOT_MAILED: "Not emailed: you chose to see these here only",
    }

    @property
    def kind_label(self) -> str:
        return kinds.BY_SLUG.get(self.kind, kinds.SIGNIN).label

    @property
    def mailed(self) -> str:
        return self.MAILED.get(self.message.status, "")


class Preference(models.Model):
    """How one person wants one kind of message: a kind without a row is mailed at once."""

    class Delivery(models.TextChoices):
        AT_ONCE = "at_once", "Email me at once"
        DIGEST = "digest", "One email a day with all of them (a daily digest)"
        PORTAL = "portal", "No email: only here in the portal"

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.AT_ONCE)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "kind"], name="one_preference_per_kind")]

    def __str__(self):
        return f"{self.kind}: {self.get_delivery_display()}"
