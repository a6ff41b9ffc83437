"""Celery tasks of the registry. Tasks take ids or nothing and call services; beat runs
them on the schedule of migration 0005 (editable in the admin)."""

from celery import shared_task

from . import services


@shared_task(name="accounts.send_review_reminders")
def send_review_reminders() -> int:
    """Daily: reminders of annual reviews falling due or overdue (R-V-D)."""
    return services.send_review_reminders()
