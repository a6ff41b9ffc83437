"""Celery tasks of the roster. Tasks take ids and call services."""

from celery import shared_task

from . import services


@shared_task(name="roster.apply")
def apply(import_id: int) -> str:
    """Apply a previewed roster in the background: a large file takes a while."""
    return services.apply_roster_import(import_id)
