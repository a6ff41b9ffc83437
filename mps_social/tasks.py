"""Celery tasks of the project package. Tasks take ids or nothing and call services."""

from celery import shared_task

from . import digest


@shared_task(name="mps_social.send_digest")
def send_digest() -> int:
    """Weekly, from beat: the digest to the superintendent's office."""
    return digest.send_digest()
