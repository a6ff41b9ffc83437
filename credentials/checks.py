"""The system check on the escrow's key ring (Policy 4038 §III.E, R-III-E).

The settings already refuse to load with a malformed ``ESCROW_KEYS``; this check reads
the ring the escrow will actually use, so ``manage.py check`` also fails on a ring set by
other settings (a settings module of its own, an override) and on a malformed
development ring in ``ESCROW_KEY_FILE`` (``credentials.E001``), instead of the first
reveal failing. It parses with the keyring's own parser and never creates the
development ring.

A well-formed ring can still be the wrong one (a new key under an old key's id), so the
check then opens the key ring canary the migrations sealed (``credentials.canary``) and
fails when the ring does not open it (``credentials.E002``). That reads the database, yet
the check is not tagged ``database``: Django runs those only under ``check --database``,
and a wrong ring must fail plain ``check``, ``check --deploy`` and every command that runs
the checks (``migrate`` included, so a deployment with the wrong ring stops before it
starts). It is guarded instead: with no database to reach, or before ``migrate`` has made
the canary's table, nothing has been sealed to prove, and the check says nothing (an
unreachable database is ``/healthz``'s to report)."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError

from . import canary
from .keyring import parse, ring_source

CANARY_HINT = ("Put back in ESCROW_KEYS the ring this database was written with (kept apart from the database "
               "backups). `python manage.py rotate_escrow_keys --verify` names every value the ring in force does "
               "not open; `rotate_escrow_keys` seals a missing canary again once every value opens.")


def escrow_key_ring(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    source = ring_source()
    if settings.ESCROW_KEYS:
        text = settings.ESCROW_KEYS
    elif settings.ESCROW_KEY_FILE.exists():
        text = settings.ESCROW_KEY_FILE.read_text()
    else:
        text = None  # the development ring is made on first use
    try:
        ring = parse(text, source=source) if text is not None else None
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), hint="`python manage.py escrow_key` prints a well-formed new key.",
                             id="credentials.E001")]
    try:
        if not canary.table_exists():
            return []
        row = canary.stored()
    except DatabaseError:
        return []
    reason = canary.why_not(ring, row, source)
    return [checks.Error(reason, hint=CANARY_HINT, id="credentials.E002")] if reason else []
