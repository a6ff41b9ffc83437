"""Celery tasks of the outbox. Tasks take ids or nothing and call services."""

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services

log = logging.getLogger(__name__)


@shared_task(name="notifications.deliver_outbox")
def deliver_outbox() -> int:
    """Deliver every due message. Runs after each commit that queues mail and every minute
    from beat, so a message waits at most a minute after the broker comes back.

    When the database cannot be reached the sweep stops with one warning and delivers
    nothing: the messages wait in their rows, and beat's next sweep, a minute later, is the
    retry. Retrying here as well would pile up a task per minute of the outage."""
    try:
        return services.deliver_pending()
    except (OperationalError, InterfaceError) as error:
        log.warning("Outbox not swept: the database is unreachable (%s); the next sweep retries.",
                    type(error).__name__)
        return 0


@shared_task(name="notifications.send_daily_digests")
def send_daily_digests() -> int:
    """Daily from beat: each person's held messages, in one digest mail. Once a day per
    person however often it runs, and safe from two beat processes (``services``)."""
    return services.send_daily_digests()
