"""Celery tasks of people and delegations. Tasks take ids or nothing and call services;
beat runs them on the schedule of migration 0006 (editable in the admin)."""

from celery import shared_task

from . import services


@shared_task(name="people.send_delegation_reminders")
def send_delegation_reminders() -> int:
    """Daily: reminders of delegations ending within 14 and 3 days."""
    return services.send_delegation_reminders()
