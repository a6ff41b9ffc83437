"""Enqueueing and delivering mail through the outbox, and the inbox it fills.

``notify`` writes a rendered message inside the caller's transaction and, once that
transaction commits, nudges a worker to deliver it. If the broker is down the nudge is
lost but the message is not: the ``deliver_outbox`` beat task sweeps every pending row.

Every message to a person (``recipient``, at their own address) is also an entry in their
inbox (``InboxEntry``), written with it: the same subject and words, and a link to what it
is about. How it is mailed follows the person's choice for its kind (``kinds``,
``Preference``): at once (pending), in tomorrow morning's daily digest (held, then
``send_daily_digests``), or not at all (portal only). The outbox row is written in every
case, so the outbox stays the one record of what was mailed and what was not. The
policy's mandatory kinds, and every message with a one-time link, always mail at once.
"""

import logging
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.template.loader import render_to_string
from django.utils import timezone, translation

from mps_social.celery import queue

from . import kinds
from .models import InboxEntry, OutboxMessage, Preference

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
WIPED = "[removed after delivery: it held a one-time link]"
# What the inbox keeps of a message with a one-time link (a password reset): not its words.
SENSITIVE_ENTRY = ("We emailed you about your sign-in. The email may hold a one-time link, so its words are "
                   "kept only in your email, not here. If you did not ask for it, tell the superintendent's office.")
Status = OutboxMessage.Status
Delivery = Preference.Delivery
STATUS_FOR = {Delivery.AT_ONCE: Status.PENDING, Delivery.DIGEST: Status.HELD, Delivery.PORTAL: Status.NOT_MAILED}


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
           link: str = "", language: str | None = None) -> OutboxMessage:
    """Queue one email to ``recipient`` (a user), rendered from ``template`` (in ``language``,
    English unless asked: see ``render``), at their address or at ``to`` (an address they no
    longer have, told of a change). Call it inside the action's transaction. With ``key``, a
    second call with the same key returns the first message unchanged. ``link`` is the page
    (a path) of what the message is about, kept with its inbox entry."""
    if key:
        existing = OutboxMessage.objects.filter(key=key).first()
        if existing:
            return existing
    subject, text, html = render(template, {"recipient": recipient, **context}, language=language)
    return enqueue(
        to=to or recipient.email, recipient=recipient, template=template, subject=subject,
        body_text=text, body_html=html, key=key, link=link,
    )


def in_inbox(recipient, to: str) -> bool:
    """A message belongs to a person's inbox when it goes to their own address: one sent
    to an address they no longer have is for whoever reads that address (the roster's
    notice of a changed email), and a member of the public has no inbox."""
    return recipient is not None and bool(recipient.email) and to.lower() == recipient.email.lower()


def _status(kind: kinds.Kind, *, sensitive: bool, for_inbox: bool, choice: str | None) -> str:
    """Pending (mail at once), held (daily digest) or not mailed (portal only). The policy's
    mandatory kinds, a one-time link, and mail that reaches no inbox always go at once."""
    if sensitive or kind.mandatory or not for_inbox:
        return Status.PENDING
    return STATUS_FOR[choice or Delivery.AT_ONCE]


def _entry(message: OutboxMessage, kind: kinds.Kind, link: str) -> InboxEntry:
    return InboxEntry(
        recipient=message.recipient, message=message, kind=kind.slug, subject=message.subject,
        body_text=SENSITIVE_ENTRY if message.sensitive else message.body_text,
        link="" if message.sensitive else link, created_at=message.created_at,
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
    link: str = "",
) -> OutboxMessage:
    """Write one rendered message to the outbox, and to its person's inbox, and nudge a
    worker after commit (unless the person's choice holds it or keeps it in the portal)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Queue mail inside the transaction of the change that causes it.")
    kind = kinds.kind_of(template)
    for_inbox = in_inbox(recipient, to)
    choice = None
    if for_inbox and not (sensitive or kind.mandatory):
        choice = Preference.objects.filter(person=recipient, kind=kind.slug).values_list("delivery", flat=True).first()
    status = _status(kind, sensitive=sensitive, for_inbox=for_inbox, choice=choice)
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
                status=status,
                next_attempt_at=timezone.now(),
            )
            if for_inbox:
                _entry(message, kind, link).save()
    except IntegrityError:
        if key:  # another process queued the same key first
            return OutboxMessage.objects.get(key=key)
        raise
    if status == Status.PENDING:
        transaction.on_commit(_nudge_worker)
    return message


def notify_many(items) -> int:
    """Queue many emails at once: ``items`` yields (recipient, template, context, key) or
    (recipient, template, context, key, link). A constant number of queries for all of
    them, whatever their number (a nightly job's notices); a key already queued is
    skipped, so a job run twice sends nothing twice. Each message goes to its person's
    inbox too, and follows their choice for its kind. Returns how many were queued."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Queue mail inside the transaction of the change that causes it.")
    now = timezone.now()
    rendered = []
    for recipient, template, context, key, *rest in items:
        subject, text, html = render(template, {"recipient": recipient, **context})
        rendered.append((recipient, template, key, rest[0] if rest else "", subject, text, html))
    if not rendered:
        return 0
    choices = dict(((person, kind), delivery) for person, kind, delivery in Preference.objects.filter(
        person__in={recipient.pk for recipient, *_ in rendered}).values_list("person_id", "kind", "delivery"))
    for _attempt in range(2):  # a second try when another process queued one of the keys meanwhile
        keys = [key for _, _, key, *_ in rendered if key]
        taken = set(OutboxMessage.objects.filter(key__in=keys).values_list("key", flat=True)) if keys else set()
        messages, entries = [], []
        for recipient, template, key, link, subject, text, html in rendered:
            if key in taken:
                continue
            kind = kinds.kind_of(template)
            status = _status(kind, sensitive=False, for_inbox=in_inbox(recipient, recipient.email),
                             choice=choices.get((recipient.pk, kind.slug)))
            message = OutboxMessage(key=key, recipient=recipient, to=recipient.email, template=template,
                                    subject=subject, body_text=text, body_html=html, status=status,
                                    next_attempt_at=now)
            messages.append(message)
            entries.append((message, kind, link))
        try:
            with transaction.atomic():
                OutboxMessage.objects.bulk_create(messages)
                InboxEntry.objects.bulk_create(_entry(message, kind, link) for message, kind, link in entries
                                               if in_inbox(message.recipient, message.to))
        except IntegrityError:
            continue
        break
    else:
        raise IntegrityError("The same messages were queued by another process twice over.")
    if any(message.status == Status.PENDING for message in messages):
        transaction.on_commit(_nudge_worker)
    return len(messages)


KEYS_PER_QUERY = 5000  # under SQLite's limit on a statement's parameters (32,766)


def unqueued(items) -> list:
    """The ``items`` of ``notify_many`` whose key is not in the outbox yet: what a reminder
    job has left to send. Every item has a key. One query per ``KEYS_PER_QUERY`` items, as
    the insert is one statement per batch."""
    items = list(items)
    keys = [item[3] for item in items]
    queued = set()
    for start in range(0, len(keys), KEYS_PER_QUERY):
        queued.update(OutboxMessage.objects.filter(key__in=keys[start:start + KEYS_PER_QUERY])
                      .values_list("key", flat=True))
    return [item for item in items if item[3] not in queued]


def notify_new(items) -> int:
    """``notify_many`` for a reminder job: every item has a key, and those already in the
    outbox (an earlier run's) are left out before anything is rendered (``unqueued``). A
    second run, or a second scheduler, queues nothing twice: what it finds queued is
    skipped here, what a concurrent run queues between that look and its own insert is
    skipped by the insert (the outbox's unique key). Returns how many were left to queue."""
    return notify_many(unqueued(items))


def send_daily_digests(*, now=None) -> int:
    """Combine each person's held messages into one mail (R-V-C reminders, R-V-D findings
    and the rest, for whoever chose a daily digest), and mark them sent in it. Returns how
    many digests were queued.

    Set-based: a constant number of queries whatever the number of people and messages,
    but for the rendering of each digest. Idempotent: a person gets one digest a day (its
    key is the person and the day); what is held after today's digest waits for
    tomorrow's. Safe from two schedulers: the held rows are locked (``SKIP LOCKED`` on
    PostgreSQL; SQLite serialises writers), so a second run finds none of them."""
    now = now or timezone.now()
    day = timezone.localdate(now).isoformat()
    with transaction.atomic():
        held = list(OutboxMessage.objects.select_for_update(skip_locked=True)
                    .filter(status=Status.HELD, recipient__isnull=False, created_at__lte=now)
                    .order_by("recipient_id", "created_at", "pk"))
        by_person = defaultdict(list)
        for message in held:
            by_person[message.recipient_id].append(message)
        keys = {person: f"daily-digest:{person}:{day}" for person in by_person}
        sent_today = set(OutboxMessage.objects.filter(key__in=keys.values()).values_list("key", flat=True))
        people = get_user_model().objects.in_bulk([person for person, key in keys.items() if key not in sent_today])
        digests = []
        for person in people.values():
            subject, text, html = render(kinds.DIGEST_TEMPLATE, {
                "recipient": person, "messages": by_person[person.pk], "day": timezone.localdate(now)})
            digests.append(OutboxMessage(key=keys[person.pk], recipient=person, to=person.email,
                                         template=kinds.DIGEST_TEMPLATE, subject=subject, body_text=text,
                                         body_html=html, next_attempt_at=now))
        if not digests:
            return 0
        OutboxMessage.objects.bulk_create(digests)
        # Each held message points at its person's digest of the day, in one statement.
        digest_of_the_day = OutboxMessage.objects.filter(
            key=Concat(Value("daily-digest:"), Cast(OuterRef("recipient_id"), CharField()), Value(f":{day}")))
        OutboxMessage.objects.filter(
            pk__in=[message.pk for message in held if message.recipient_id in people],
        ).update(status=Status.DIGESTED, digest=Subquery(digest_of_the_day.values("pk")[:1]))
        transaction.on_commit(_nudge_worker)
    return len(digests)


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
