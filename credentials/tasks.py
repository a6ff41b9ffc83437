"""Celery tasks of the escrow. Tasks take ids or nothing and call services."""

from celery import shared_task

from . import services


@shared_task(name="credentials.mark_stale")
def mark_stale() -> int:
    """Daily from beat: credentials past their age fall due for rotation (R-III-E)."""
    return services.mark_stale()
