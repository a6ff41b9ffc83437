"""The audit trail's hash chain: what makes a quiet change to the trail detectable.

Every event carries ``sequence`` (1, 2, 3, … with no gap) and ``hash``: the SHA-256 of the
event's canonical form, which includes the previous event's hash. Change any recorded
field, delete an event or move one, and the walk in ``verify`` stops at the first event
that no longer fits.

The canonical form is sorted-keys compact ASCII JSON of the fields below, ``at`` in UTC
with microseconds, and ``prev`` the previous event's hash (``GENESIS`` for the first).
Numbers in ``before``/``after`` are written as a JSON column gives them back (an integral
float as an integer: PostgreSQL's jsonb returns ``1e16`` as ``10000000000000000``).
**The form is part of the data**: changing it makes every stored hash wrong, so it never
changes; migration 0005 chained the events recorded before the chain existed with it.

Appends are serialised by the one ``ChainHead`` row (the last sequence and hash), locked
with ``SELECT … FOR UPDATE`` until the appending transaction ends: two transactions can
never both extend the same event. On SQLite writers are serialised anyway (the
transaction takes the write lock at BEGIN, ``transaction_mode`` in settings).
"""

import hashlib
import json
import logging
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from notifications.services import notify
from people.models import User

from .models import GENESIS, AuditEvent, ChainCheckpoint, ChainHead

log = logging.getLogger(__name__)

HEAD = 1  # the ChainHead row's primary key
BATCH = 2000

# The stored columns the hash covers, in the order ``verify`` reads them.
COLUMNS = ("sequence", "at", "actor_id", "actor_label", "verb", "target_type", "target_id", "target_label",
           "org_unit_id", "before", "after", "reason", "request_id", "ip")


def _plain(value):
    if isinstance(value, float) and value.is_integer():
        return int(Decimal(repr(value)))  # 1.5e300 as jsonb gives it back: 15 and 299 zeros
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


@lru_cache(maxsize=1024)  # a bulk append shares one instant; so do the events it wrote
def _instant(at: datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("An audit event's time must be timezone-aware.")
    if at.tzinfo is not UTC:
        at = at.astimezone(UTC)
    return at.isoformat(timespec="microseconds")  # 2026-11-24T18:45:16.525000+00:00


_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def canonical(values: tuple, previous: str) -> bytes:
    """The bytes hashed for one event: ``values`` in ``COLUMNS`` order."""
    fields = dict(zip(COLUMNS, values))
    fields["at"] = _instant(fields["at"])
    fields["before"] = _plain(fields["before"])
    fields["after"] = _plain(fields["after"])
    fields["prev"] = previous
    return _ENCODER.encode(fields).encode("ascii")


def digest(values: tuple, previous: str) -> str:
    return hashlib.sha256(canonical(values, previous)).hexdigest()


_FLAT = {str, int, bool, type(None)}


def _as_stored(value):
    """A JSON column's value as the database will give it back (tuples as lists, keys
    as strings), so the hash computed now matches the one recomputed from the row. The
    usual flat object of text and integers comes back as it is: no round trip."""
    if value is None or (type(value) is dict and all(type(key) is str and type(item) in _FLAT
                                                     for key, item in value.items())):
        return value
    return json.loads(json.dumps(value))


def values_of(event) -> tuple:
    """An unsaved ``AuditEvent``'s fields in ``COLUMNS`` order."""
    return tuple(getattr(event, name) for name in COLUMNS)


# --- appending ------------------------------------------------------------------------


def _head_sql():
    quote = connection.ops.quote_name
    table, sequence, hash_ = quote(ChainHead._meta.db_table), quote("sequence"), quote("hash")
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    return (f"SELECT {sequence}, {hash_} FROM {table} WHERE {quote('id')} = %s{lock}",
            f"UPDATE {table} SET {sequence} = %s, {hash_} = %s WHERE {quote('id')} = %s")


def _locked_head(cursor, select: str) -> tuple[int, str]:
    """The chain head, locked until the caller's transaction ends. Created on first use
    (a database emptied by a test's flush): from the last event, or the genesis."""
    cursor.execute(select, [HEAD])
    row = cursor.fetchone()
    if row is None:
        last = AuditEvent.objects.order_by("-sequence").values_list("sequence", "hash").first() or (0, GENESIS)
        ChainHead.objects.bulk_create([ChainHead(pk=HEAD, sequence=last[0], hash=last[1])], ignore_conflicts=True)
        cursor.execute(select, [HEAD])
        row = cursor.fetchone()
    return row


def append(events: list) -> None:
    """Number, hash and insert ``events`` (unsaved ``AuditEvent`` rows) at the end of the
    chain, then move the head: three queries (one insert per ``BATCH`` events). Runs
    inside the caller's transaction, whose end releases the head. The head is read and
    moved in plain SQL: the ORM's query building cost more than the queries themselves."""
    for event in events:
        event.before, event.after = _as_stored(event.before), _as_stored(event.after)
    select, update = _head_sql()
    with connection.cursor() as cursor:
        sequence, previous = _locked_head(cursor, select)  # held from here to the end of the transaction
        for event in events:
            sequence += 1
            event.sequence = sequence
            event.hash = previous = digest(values_of(event), previous)
        if len(events) == 1:
            events[0].save(force_insert=True)
        else:
            _insert(cursor, events)
        cursor.execute(update, [sequence, previous, HEAD])


def _insert(cursor, events: list) -> None:
    """Insert ``events`` in plain SQL, as many rows a statement as the database takes
    parameters for (``BATCH`` at most), each value adapted by its field as the ORM adapts
    it. ``bulk_create`` spent far longer building its statements than the database took to
    write them (bench/RESULTS.md: bench.trail, bench.seed)."""
    db = cursor.db  # the connection itself: through ``django.db.connection`` each value cost a lookup
    fields = [field for field in AuditEvent._meta.concrete_fields if not field.primary_key]
    quote = db.ops.quote_name
    into = f"INSERT INTO {quote(AuditEvent._meta.db_table)} ({', '.join(quote(field.column) for field in fields)}) "
    placeholders = ["%s"] * len(fields)
    size = min(BATCH, db.ops.bulk_batch_size(fields, events))
    for start in range(0, len(events), size):
        batch = events[start:start + size]
        cursor.execute(into + db.ops.bulk_insert_sql(fields, [placeholders] * len(batch)),
                       [field.get_db_prep_save(getattr(event, field.attname), db) for event in batch for field in fields])


# --- verifying ------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    ok: bool
    count: int  # events walked
    sequence: int  # the chain head: the last event's sequence …
    hash: str  # … and hash
    first_bad: int | None = None  # the sequence of the first event that does not fit
    problem: str = ""

    def __str__(self):
        if self.ok:
            return f"Audit trail intact: {self.count:,} events, head #{self.sequence} sha256:{self.hash}"
        return f"Audit trail BROKEN: {self.problem}"


def _describe(row) -> str:
    values = dict(zip(COLUMNS + ("hash", "pk"), row))
    return (f"event #{values['sequence']} (id {values['pk']}, {values['verb']} on {values['target_type']} "
            f"{values['target_id']} at {_instant(values['at'])})")


@contextmanager
def _snapshot():
    """One consistent picture of the trail while it is walked: on PostgreSQL a read-only
    repeatable-read transaction (streamed by a server-side cursor); on SQLite the walk's
    single statement already reads one snapshot, and a transaction would take the write
    lock (IMMEDIATE) and stop every writer for the walk's length."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield
    else:
        yield


def verify(*, chunk_size: int = 5000) -> Verdict:
    """Walk the whole chain in order, in constant memory, and say whether it is intact:
    every sequence from 1 without a gap, every hash recomputed from the event's fields
    and its predecessor's hash, the last event equal to the chain head, and every
    checkpoint that found the chain intact still on it."""
    with _snapshot():
        head = ChainHead.objects.filter(pk=HEAD).values_list("sequence", "hash").first()
        anchors = dict(ChainCheckpoint.objects.filter(ok=True).values_list("sequence", "hash"))
        rows = AuditEvent.objects.order_by("sequence").values_list(*COLUMNS, "hash", "pk")
        if head is not None:
            rows = rows.filter(sequence__lte=head[0])
        previous, expected = GENESIS, 1

        def broken(first_bad, problem):
            return Verdict(False, expected - 1, expected - 1, previous, first_bad, problem)

        for row in rows.iterator(chunk_size=chunk_size):
            sequence, stored = row[0], row[-2]
            if sequence != expected:
                return broken(expected, f"event #{expected} is missing: the trail goes from #{expected - 1} to "
                                        f"{_describe(row)} (deleted, or renumbered).")
            if digest(row[:len(COLUMNS)], previous) != stored:
                return broken(sequence, f"{_describe(row)} does not match its hash: it was changed, or moved "
                                        f"from elsewhere in the trail, after it was recorded.")
            if sequence in anchors and anchors[sequence] != stored:
                return broken(sequence, f"{_describe(row)} is not the event a checkpoint found intact: the trail "
                                        f"was rewritten from here.")
            previous, expected = stored, expected + 1
        last = expected - 1
        if head is None and last:
            return broken(None, "the chain head is missing.")
        if head is not None and head[0] != last:
            return broken(last + 1, f"events #{last + 1} to #{head[0]} are missing (deleted from the end of the "
                                    f"trail): the chain head says #{head[0]}.")
        if head is not None and head[1] != previous:
            return broken(last, f"event #{last} is not the one the chain head names.")
        beyond = [sequence for sequence in anchors if sequence > last]
        if beyond:
            return broken(last + 1, f"events after #{last} are missing: a checkpoint found #{max(beyond)} intact.")
        return Verdict(True, last, last, previous)


def checkpoint():
    """Verify the chain and keep the result (the daily task): an intact head becomes an
    anchor later walks check against. A broken chain is logged and mailed to the
    superintendent (once a day, however often this runs)."""
    verdict = verify()
    with transaction.atomic():
        point = ChainCheckpoint.objects.create(sequence=verdict.sequence, hash=verdict.hash, ok=verdict.ok,
                                               first_bad=verdict.first_bad, problem=verdict.problem[:500])
        if not verdict.ok:
            log.error("%s", verdict)
            superintendent = User.objects.filter(is_superintendent=True, is_active=True).first()
            if superintendent is not None:
                notify(recipient=superintendent, template="audit_trail_broken", link=reverse("audits:trail"),
                       context={"verdict": verdict, "checkpoint": point},
                       key=f"audit-trail-broken:{timezone.localdate().isoformat()}")
        else:
            log.info("%s", verdict)
    return point
