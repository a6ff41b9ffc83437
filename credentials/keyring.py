"""The escrow's key ring: authenticated encryption (AES-256-GCM) under named keys.

Policy 4038 §III.E: credentials are encrypted at rest. Every sealed value records the id
of the key that sealed it; the newest key seals, any key of the ring opens. Rotating keys
is adding a new one first in ``ESCROW_KEYS`` and running ``rotate_escrow_keys``.

Each value is bound to where it is stored (``aad``, e.g. "credentials:17:3"): a sealed
value copied onto another row does not open there. A tampered or foreign value raises
``CannotDecrypt``, never returns wrong plaintext. Nothing here logs or formats secrets.

``ESCROW_KEYS`` is "id:base64,id:base64" (32-byte keys), newest first. Without it (the
embedded default only; production refuses to start) the ring lives in
``ESCROW_KEY_FILE``, created with one key on first use, with a warning.
"""

import base64
import binascii
import logging
import os
import re
import secrets
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed

logger = logging.getLogger(__name__)

NONCE_BYTES = 12
KEY_ID = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")
_URL_SAFE = str.maketrans("-_", "+/")  # the URL-safe base64 alphabet read as the standard one


class CannotDecrypt(Exception):
    """The value was sealed by a key the ring lacks, or it was altered."""


@dataclass(frozen=True)
class KeyRing:
    keys: tuple[tuple[str, bytes], ...]  # (id, 32-byte key), newest first

    @property
    def newest_id(self) -> str:
        return self.keys[0][0]

    def ids(self) -> list[str]:
        return [key_id for key_id, _ in self.keys]

    def seal(self, plaintext: bytes, *, aad: bytes) -> tuple[str, bytes]:
        """Encrypt under the newest key: (key id, nonce + ciphertext and tag)."""
        key_id, key = self.keys[0]
        nonce = os.urandom(NONCE_BYTES)
        return key_id, nonce + AESGCM(key).encrypt(nonce, plaintext, aad)

    def open(self, key_id: str, sealed: bytes, *, aad: bytes) -> bytes:
        key = dict(self.keys).get(key_id)
        if key is None or len(sealed) <= NONCE_BYTES:
            raise CannotDecrypt(f"No key {key_id!r} in the ring, or nothing sealed.")
        try:
            return AESGCM(key).decrypt(bytes(sealed[:NONCE_BYTES]), bytes(sealed[NONCE_BYTES:]), aad)
        except InvalidTag:
            raise CannotDecrypt("The sealed value does not open: altered, or bound elsewhere.") from None


def new_key_line(key_id: str | None = None) -> str:
    """One ``id:base64`` entry with a fresh random key."""
    key_id = key_id or f"k{secrets.token_hex(4)}"
    return f"{key_id}:{base64.urlsafe_b64encode(os.urandom(32)).decode()}"


def parse(text: str, source: str = "ESCROW_KEYS") -> KeyRing:
    """The ring written in ``text`` ("id:base64,id:base64", newest first), or
    ImproperlyConfigured saying what is wrong: an entry not shaped "key-id:base64", a key id
    with other characters, a key that is not base64 or not 32 bytes, a key id given twice,
    no key at all. The settings call it as they load (a malformed ring refuses to start),
    the system check ``credentials.checks`` on the ring in use, ``keyring()`` on first use.

    Keys may be written in either base64 alphabet (``escrow_key`` prints the URL-safe
    one, ``openssl rand -base64 32`` the standard one), padding optional. The reasons name
    an entry by its position and its key id, never by its key."""
    keys = []
    entries = [entry for entry in re.split(r"[,\s]+", text.strip()) if entry]
    for position, entry in enumerate(entries, start=1):
        key_id, colon, encoded = entry.partition(":")
        if not (key_id and colon and encoded):
            raise ImproperlyConfigured(f"{source}: entry {position} is not 'key-id:base64 of 32 random bytes'.")
        if not KEY_ID.match(key_id):
            raise ImproperlyConfigured(
                f"{source}: the key id of entry {position} may hold only letters, digits, '.', '_' and '-', "
                "at most 32 of them.")
        try:
            key = base64.b64decode(encoded.translate(_URL_SAFE) + "=" * (-len(encoded) % 4), validate=True)
        except binascii.Error:
            raise ImproperlyConfigured(f"{source}: the key {key_id!r} is not valid base64.") from None
        if len(key) != 32:
            raise ImproperlyConfigured(
                f"{source}: the key {key_id!r} is {len(key)} bytes long; each key must be 32 random bytes.")
        if key_id in dict(keys):
            raise ImproperlyConfigured(f"{source}: the key id {key_id!r} appears twice.")
        keys.append((key_id, key))
    if not keys:
        raise ImproperlyConfigured(f"{source} holds no key.")
    return KeyRing(tuple(keys))


def _development_ring() -> KeyRing:
    path = settings.ESCROW_KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as handle:
            handle.write(new_key_line("dev1") + "\n")
    logger.warning("Credential escrow uses the development key ring in %s: set ESCROW_KEYS for real use.", path)
    return parse(path.read_text(), source=str(path))


def ring_source() -> str:
    """Where the ring in force is written, for messages: "ESCROW_KEYS" or the development
    ring's file."""
    return "ESCROW_KEYS" if settings.ESCROW_KEYS else str(settings.ESCROW_KEY_FILE)


@lru_cache(maxsize=1)
def keyring() -> KeyRing:
    """The ring from the settings (cached; a settings change in tests clears it)."""
    return parse(settings.ESCROW_KEYS) if settings.ESCROW_KEYS else _development_ring()


def _reset(setting, **kwargs):
    if setting in ("ESCROW_KEYS", "ESCROW_KEY_FILE"):
        keyring.cache_clear()


setting_changed.connect(_reset)
