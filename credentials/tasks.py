"""Celery tasks of the escrow. Tasks take ids or nothing and call services."""

from celery import shared_task

from . import services


@shared_task(name="credentials.mark_stale")
def mark_stale() -> int:
    """Daily from beat: credentials past their age fall due for rotation (R-III-E)."""
    return services.mark_stale()


@shared_task(name="credentials.send_grant_reminders")
def send_grant_reminders() -> int:
    """Daily: reminders of access lent that ends within 14 and 3 days (R-III-E)."""
    return services.send_grant_reminders()
