"""Reads of the audit trail."""

from django.db import models
from django.db.models import QuerySet

from .models import AuditEvent


def events_for(target: models.Model) -> QuerySet[AuditEvent]:
    """Everything recorded about ``target``, oldest first, with who did it."""
    return (
        AuditEvent.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk))
        .select_related("actor")
        .order_by("at", "pk")
    )
