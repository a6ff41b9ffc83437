"""Writing the audit trail. Services call ``record`` inside their own transaction."""

import ipaddress
from datetime import datetime

from django.db import models, transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from mps_social import request_context

from . import chain
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


def _client_ip(ip: str | None) -> str | None:
    """The address as the database gives it back (so the hash still matches), or nothing
    when a proxy sent something that is not an address."""
    if not ip:
        return None
    try:
        return str(ipaddress.ip_address(ip))
    except ValueError:
        return None


def _actor(actor):
    known = actor is not None and actor.pk
    return (actor if known else None), (actor.email if known else SYSTEM)


def record(
    *,
    actor,
    verb: str,
    target: models.Model,
    before: dict | None = None,
    after: dict | None = None,
    org_unit=None,
    reason: str = "",
    at: datetime | None = None,
) -> AuditEvent:
    """Append one event to the chain. Refuses to run outside a transaction, so no change
    can commit without its event, and no event can survive a change that rolled back.

    The append locks the chain's head until the transaction ends (``audits.chain``): call
    it once the change is made, as late in the transaction as the service allows. ``at``
    dates the event in the past (the demo's history); it is otherwise now."""
    if not transaction.get_connection().in_atomic_block:
        raise NotInTransaction(f"record({verb!r}) must run inside transaction.atomic().")
    context = request_context.current()
    who, label = _actor(actor)
    event = AuditEvent(
        at=at or timezone.now(),
        actor=who,
        actor_label=label,
        verb=verb,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=str(target)[:254],
        org_unit=org_unit,
        before=before,
        after=after,
        reason=reason,
        request_id=context.request_id,
        ip=_client_ip(context.ip),
    )
    chain.append([event])
    return event


def record_many(*, actor, verb: str, items, reason: str = "") -> int:
    """Append one event per (target, before, after) in ``items``, in one insert: for bulk
    changes (a roster import touching thousands of people). Same rules as ``record``; a
    constant number of queries whatever the number of events (the hashes are computed
    here, one insert per 2,000 events)."""
    if not transaction.get_connection().in_atomic_block:
        raise NotInTransaction(f"record_many({verb!r}) must run inside transaction.atomic().")
    context = request_context.current()
    who, label = _actor(actor)
    at, ip = timezone.now(), _client_ip(context.ip)
    events = [
        AuditEvent(
            at=at, actor=who, actor_label=label,
            verb=verb, target_type=target._meta.label_lower, target_id=str(target.pk),
            target_label=str(target)[:254], before=before, after=after, reason=reason,
            request_id=context.request_id, ip=ip,
        )
        for target, before, after in items
    ]
    if events:
        chain.append(events)
    return len(events)
