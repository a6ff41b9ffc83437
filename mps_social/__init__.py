"""MPS Social: the portal that governs the district's official social media accounts."""

from .celery import app as celery_app

__all__ = ("celery_app",)
