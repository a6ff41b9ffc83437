"""Enqueueing and delivering mail through the outbox.

``notify`` writes a rendered message inside the caller's transaction and, once that
transaction commits, nudges a worker to deliver it. If the broker is down the nudge is
lost but the message is not: the ``deliver_outbox`` beat task sweeps every pending row.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from mps_social.celery import queue

from .models import OutboxMessage

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
WIPED = "[removed after delivery: it held a one-time link]"


def render(template: str, context: dict, *, language: str | None = None) -> tuple[str, str, str]:
    """Subject, text and HTML bodies from ``templates/emails/<template>.{subject.txt,txt,html}``,
    in ``language`` (one of ``settings.LANGUAGES``): English unless asked, whatever the page
    that caused the mail speaks. Only mail to the public is written in their language (a
    concern's reporter, issue #23); mail to staff stays English, as staff pages do."""
    context = {
        "portal_name": settings.PORTAL_NAME,
        "district_name": settings.DISTRICT_NAME,
        "base_url": settings.PORTAL_BASE_URL.rstrip("/"),
        **context,
    }
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"emails/{template}.subject.txt", context).split())
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    return subject, text, html


def notify(*, recipient, template: str, context: dict, key: str | None = None, to: str = "",
           language: str | None = None) -> OutboxMessage:
    """Queue one email to ``recipient`` (a user), rendered from ``template`` (in ``language``,
    English unless asked: see ``render``), at their address or at ``to`` (an address they no
    longer have, told of a change). Call it inside the action's transaction. With ``key``, a
    second call with the same key returns the first message unchanged."""
    if key:
        existing = OutboxMessage.objects.filter(key=key).first()
        if existing:
            return existing
    subject, text, html = render(template, {"recipient": recipient, **context}, language=language)
    return enqueue(
        to=to or recipient.email, recipient=recipient, template=template, subject=subject,
        body_text=text, body_html=html, key=key,
    )


def enqueue(
    *,
    to: str,
    recipient=None,
    template: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    key: str | None = None,
    sensitive: bool = False,
) -> OutboxMessage:
    """Write one rendered message to the outbox and nudge a worker after commit."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Queue mail inside the transaction of the change that causes it.")
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                key=key,
                recipient=recipient,
                to=to,
                template=template,
                subject=subject,
                body_text=body_text,
                body_html=body_html,
                sensitive=sensitive,
                next_attempt_at=timezone.now(),
            )
    except IntegrityError:
        if key:  # another process queued the same key first
            return OutboxMessage.objects.get(key=key)
        raise
    transaction.on_commit(_nudge_worker)
    return message


def notify_many(items) -> int:
    """Queue many emails at once: ``items`` yields (recipient, template, context, key).
    One insert for all of them, whatever their number (a nightly job's notices); a key
    already queued is skipped, so a job run twice sends nothing twice. Returns how many
    were queued."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Queue mail inside the transaction of the change that causes it.")
    now = timezone.now()
    messages = []
    for recipient, template, context, key in items:
        subject, text, html = render(template, {"recipient": recipient, **context})
        messages.append(OutboxMessage(key=key, recipient=recipient, to=recipient.email, template=template,
                                      subject=subject, body_text=text, body_html=html, next_attempt_at=now))
    if messages:
        OutboxMessage.objects.bulk_create(messages, ignore_conflicts=True)
        transaction.on_commit(_nudge_worker)
    return len(messages)


def _nudge_worker():
    try:
        queue("notifications.deliver_outbox")
    except Exception:  # broker down: the periodic sweep will deliver it
        log.warning("Could not reach the broker; the outbox sweep will deliver the message.")


def deliver_pending(*, limit: int = 200) -> int:
    """Send due messages one at a time, each under its own row lock. Returns how many sent.

    On PostgreSQL ``SKIP LOCKED`` lets two workers sweep at once without sending a
    message twice; SQLite serialises writers, which gives the same guarantee.
    """
    sent = 0
    for _ in range(limit):
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(status=OutboxMessage.Status.PENDING, next_attempt_at__lte=timezone.now())
                .order_by("next_attempt_at", "pk")
                .first()
            )
            if message is None:
                break
            _send(message)
            sent += message.status == OutboxMessage.Status.SENT
    return sent


def _send(message: OutboxMessage) -> None:
    email = EmailMultiAlternatives(message.subject, message.body_text, to=[message.to])
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    message.attempts += 1
    try:
        email.send()
    except Exception as error:  # SMTP refused or unreachable: back off and try again
        message.last_error = f"{type(error).__name__}: {error}"[:500]
        if message.attempts >= MAX_ATTEMPTS:
            message.status = OutboxMessage.Status.FAILED
        message.next_attempt_at = timezone.now() + timedelta(minutes=2**message.attempts)
        log.warning("Outbox message %s not sent (attempt %s).", message.pk, message.attempts)
    else:
        message.status = OutboxMessage.Status.SENT
        message.sent_at = timezone.now()
        message.last_error = ""
        if message.sensitive:
            message.body_text = message.body_html = WIPED
    message.save(
        update_fields=["status", "attempts", "last_error", "next_attempt_at", "sent_at", "body_text", "body_html"]
    )
