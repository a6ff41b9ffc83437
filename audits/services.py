"""Writing the audit trail. Services call ``record`` inside their own transaction."""

from django.db import models, transaction
from django.forms.models import model_to_dict

from mps_social import request_context

from .models import AuditEvent

SYSTEM = "system"


class NotInTransaction(RuntimeError):
    """An audit event must commit or roll back with the change it describes."""


def snapshot(instance: models.Model, fields: list[str]) -> dict:
    """A JSON-safe picture of ``fields`` of ``instance``, for ``before``/``after``."""
    data = model_to_dict(instance, fields=fields)
    return {name: _jsonable(value) for name, value in data.items()}


def _jsonable(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(item) for item in value]
    return str(value)


def record(
    *,
    actor,
    verb: str,
    target: models.Model,
    before: dict | None = None,
    after: dict | None = None,
    org_unit=None,
    reason: str = "",
) -> AuditEvent:
    """Append one event. Refuses to run outside a transaction, so no change can commit
    without its event, and no event can survive a change that rolled back."""
    if not transaction.get_connection().in_atomic_block:
        raise NotInTransaction(f"record({verb!r}) must run inside transaction.atomic().")
    context = request_context.current()
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_label=actor.email if actor is not None and actor.pk else SYSTEM,
        verb=verb,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=str(target)[:254],
        org_unit=org_unit,
        before=before,
        after=after,
        reason=reason,
        request_id=context.request_id,
        ip=context.ip,
    )


def record_many(*, actor, verb: str, items, reason: str = "") -> int:
    """Append one event per (target, before, after) in ``items``, in one insert: for bulk
    changes (a roster import touching thousands of people). Same rules as ``record``."""
    if not transaction.get_connection().in_atomic_block:
        raise NotInTransaction(f"record_many({verb!r}) must run inside transaction.atomic().")
    context = request_context.current()
    events = [
        AuditEvent(
            actor=actor if actor is not None and actor.pk else None,
            actor_label=actor.email if actor is not None and actor.pk else SYSTEM,
            verb=verb, target_type=target._meta.label_lower, target_id=str(target.pk),
            target_label=str(target)[:254], before=before, after=after, reason=reason,
            request_id=context.request_id, ip=context.ip,
        )
        for target, before, after in items
    ]
    AuditEvent.objects.bulk_create(events, batch_size=2000)
    return len(events)
