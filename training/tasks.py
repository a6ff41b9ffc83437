"""Celery tasks of training. Tasks take ids or nothing and call services; beat runs them
on the schedule of migration 0002 (editable in the admin)."""

from celery import shared_task

from . import services


@shared_task(name="training.send_reminders")
def send_reminders() -> int:
    """Daily: reminders of required training about to expire or expired (R-V-C)."""
    return services.send_reminders()



@shared_task(name="training.send_course_reminders")
def send_course_reminders() -> int:
    """Daily: weekly reminders of required courses never taken (R-V-C)."""
    return services.send_course_reminders()


@shared_task(name="training.send_policy_reminders")
def send_policy_reminders() -> int:
    """Daily: weekly reminders of policy versions to acknowledge (R-IV-C)."""
    return services.send_policy_reminders()
