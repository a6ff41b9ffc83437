"""Celery tasks of the outbox. Tasks take ids or nothing and call services."""

from celery import shared_task

from . import services


@shared_task(name="notifications.deliver_outbox")
def deliver_outbox() -> int:
    """Deliver every due message. Runs after each commit that queues mail and every minute
    from beat, so a message waits at most a minute after the broker comes back."""
    return services.deliver_pending()
