"""The current code of an escrowed authenticator secret (RFC 6238, TOTP), with pyotp.

Policy 4038 §III.E (R-III-E): a reveal shows no more than the need. Someone who must sign
in to the platform needs the six-digit code of the moment, not the secret that makes every
code for ever: the reveal shows the code and how long it stays valid; the secret itself has
a reveal of its own (``services.reveal(..., authenticator_secret=True)``).

Platforms give the secret as base32, often in groups of four, in lower case or without its
padding: ``normalized_secret`` reads all of these and refuses anything else, so a code is
never made from a secret misread.
"""

import binascii
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

import pyotp
from django.utils import timezone

STEP = 30  # seconds a code is valid: what every platform's authenticator setup uses
DIGITS = 6
# Below this many seconds left, the next code is shown too: enough time to type one.
SHOW_NEXT_BELOW = 10


def normalized_secret(seed: str) -> str | None:
    """``seed`` as base32 without spaces, dashes or padding, in upper case; None when it is
    not base32 (the site manager stored something else in the field)."""
    text = re.sub(r"[\s-]", "", seed or "").upper().rstrip("=")
    if not text:
        return None
    try:
        pyotp.TOTP(text).byte_secret()
    except (binascii.Error, ValueError):
        return None
    return text


def code_at(seed: str, at: datetime, *, digits: int = DIGITS, digest=hashlib.sha1, step: int = STEP) -> str:
    """The RFC 6238 code of the base32 ``seed`` at the moment ``at``."""
    return pyotp.TOTP(seed, digits=digits, digest=digest, interval=step).at(at)


@dataclass(frozen=True)
class CurrentCode:
    code: str
    valid_for: int  # whole seconds left in its step, at least 1
    expires_at: datetime  # when its step ends
    next_code: str | None  # the one after, when this one is nearly over


def current_code(seed: str, at: datetime | None = None) -> CurrentCode | None:
    """The code of ``seed`` now (or at ``at``), how many seconds it stays valid, and the
    next one when fewer than ``SHOW_NEXT_BELOW`` seconds are left. None when ``seed`` is no
    authenticator secret."""
    secret = normalized_secret(seed)
    if secret is None:
        return None
    at = at or timezone.now()
    timestamp = at.timestamp()
    valid_for = max(1, int(STEP - timestamp % STEP))
    expires_at = datetime.fromtimestamp((timestamp // STEP + 1) * STEP, tz=at.tzinfo)
    following = code_at(secret, expires_at) if valid_for < SHOW_NEXT_BELOW else None
    return CurrentCode(code_at(secret, at), valid_for, expires_at, following)
