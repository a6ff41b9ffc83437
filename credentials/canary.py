"""The key ring's canary: proof that the ring in force opens what the portal sealed
(Policy 4038 §III.E, R-III-E).

A ring can be well formed and still the wrong one: a new random key under the id the old
one had parses, starts and opens nothing, so every escrowed credential "cannot be
decrypted" and every two-factor sign-in fails while the portal looks healthy. So the
migration that made ``KeyRingCanary`` sealed ``PLAINTEXT`` with the ring in force (the same
``keyring()`` the portal uses; on the embedded default, the development ring it makes on
first use), and the canary is opened again by:

- the system check ``credentials.E002`` (``manage.py check``, ``check --deploy`` and every
  command that runs the checks, ``migrate`` included; ``credentials/checks.py``);
- ``/healthz``, which answers 503 with ``"escrow": {"ok": false}`` when it does not open;
- ``rotate_escrow_keys``, which moves it to the newest key with everything else, and its
  ``--verify``, which only opens.

The text is public and the same in every deployment: the canary protects nothing, and
what it tells is the id of the key that sealed it, never a key. ``PLAINTEXT`` and ``AAD``
never change: every canary already sealed must keep opening.
"""

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections

from .keyring import CannotDecrypt, KeyRing

PLAINTEXT = b"MPS Social key ring canary: a public text, no secret."
AAD = b"key-ring-canary"


def seal(ring: KeyRing) -> tuple[str, bytes]:
    """(key id, sealed canary) under the newest key of ``ring``."""
    return ring.seal(PLAINTEXT, aad=AAD)


def _model():
    # Looked up when called: the system check that reads the canary is imported while the
    # app registry is still loading, before any model may be imported.
    return apps.get_model("credentials", "KeyRingCanary")


def table_exists(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the migrations have made the canary's table (raises ``DatabaseError`` when
    the database cannot be reached)."""
    return _model()._meta.db_table in connections[using].introspection.table_names()


def stored(using: str = DEFAULT_DB_ALIAS):
    """The canary's row, or None when there is none."""
    model = _model()
    return model.objects.using(using).filter(pk=model.ONLY).first()


def why_not(ring: KeyRing | None, row, source: str = "ESCROW_KEYS") -> str | None:
    """None when ``ring`` opens the canary ``row``; otherwise why not, naming key ids only.
    ``ring`` is None when the embedded default's ring file (``source``) is missing."""
    if row is None:
        return ("The database has no key ring canary, so nothing proves that the key ring opens what is sealed "
                "in it.")
    if ring is None:
        return (f"The key ring {source} is missing: it cannot open the canary sealed in this database by the key "
                f"'{row.key_id}'.")
    if row.key_id not in ring.ids():
        return (f"{source} has no key '{row.key_id}', which sealed the key ring canary in this database: it is not "
                f"the ring this database was written with (its keys: {', '.join(ring.ids())}).")
    try:
        opened = ring.open(row.key_id, bytes(row.sealed), aad=AAD)
    except CannotDecrypt:
        opened = None
    if opened != PLAINTEXT:
        return (f"The key '{row.key_id}' of {source} does not open the key ring canary it sealed in this database: "
                "it is another key under the same id, not the ring this database was written with.")
    return None
