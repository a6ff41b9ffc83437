"""Celery tasks of training. Tasks take ids or nothing and call services; beat runs them
on the schedule of migration 0002 (editable in the admin)."""

from celery import shared_task

from . import services


@shared_task(name="training.send_reminders")
def send_reminders() -> int:
    """Daily: reminders of required training about to expire or expired (R-V-C)."""
    return services.send_reminders()

