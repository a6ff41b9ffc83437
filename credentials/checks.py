"""The system check on the escrow's key ring (Policy 4038 §III.E, R-III-E).

The settings already refuse to load with a malformed ``ESCROW_KEYS``; this check reads
the ring the escrow will actually use, so ``manage.py check`` also fails on a ring set by
other settings (a settings module of its own, an override) and on a malformed
development ring in ``ESCROW_KEY_FILE``, instead of the first reveal failing. It parses
with the keyring's own parser and never creates the development ring."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from .keyring import parse


def escrow_key_ring(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if settings.ESCROW_KEYS:
        text, source = settings.ESCROW_KEYS, "ESCROW_KEYS"
    elif settings.ESCROW_KEY_FILE.exists():
        text, source = settings.ESCROW_KEY_FILE.read_text(), str(settings.ESCROW_KEY_FILE)
    else:
        return []  # the development ring is made on first use
    try:
        parse(text, source=source)
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), hint="`python manage.py escrow_key` prints a well-formed new key.",
                             id="credentials.E001")]
    return []
