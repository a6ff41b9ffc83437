"""Celery tasks of the people app. Tasks take ids and call services."""

from celery import shared_task

from . import services


@shared_task(name="people.apply_roster")
def apply_roster(import_id: int) -> str:
    """Apply a previewed roster in the background: a large file takes a while."""
    return services.apply_roster_import(import_id)
