"""Reads of the audit trail, narrowed to what the user may see."""

from django.db import models
from django.db.models import QuerySet

from people import roles
from people.models import Power

from .models import AuditEvent, ChainCheckpoint


def events_for(target: models.Model) -> QuerySet[AuditEvent]:
    """Everything recorded about ``target``, oldest first, with who did it."""
    return (
        AuditEvent.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk))
        .select_related("actor")
        .order_by("at", "pk")
    )


def trail_for(user) -> QuerySet[AuditEvent]:
    """The audit trail as ``user`` may read it, newest first: all of it for the
    superintendent; for a designee overseeing compliance, the events recorded against a
    unit inside that delegation's scope (an event without a unit, such as a roster import
    or an admin edit, is the superintendent's alone); nothing for anyone else."""
    queryset = AuditEvent.objects.select_related("actor", "org_unit").order_by("-sequence")
    if roles.is_superintendent(user):
        return queryset
    scope = roles.in_scope(user, "org_unit__path", Power.OVERSEE_COMPLIANCE)
    return queryset.filter(scope) if scope else queryset.none()


def latest_checkpoint() -> ChainCheckpoint | None:
    return ChainCheckpoint.objects.order_by("-at", "-pk").first()
