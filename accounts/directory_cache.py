"""The public directory's cache: its feed, and the schools and platforms its filters list
(with their rendered options, ``views_directory.DirectoryChoiceField``), are rebuilt only
when the registry changes.

The feed (R-III-F) is what every school website's embed fetches, so it is the portal's
busiest address, and at the largest district's scale its body is twenty thousand rows.
Built on each request it cost as much as the query behind it; served from the cache it
costs a cache read (issue [performance]: the feed under load against a hello-world view).

A cached entry is keyed by a *version* token, replaced whenever an account, a platform or
an org unit is saved or deleted, and again when that transaction commits. The token
lives in the shared cache (Redis in production), so every web process sees the change at
once. Entries also expire after ``FEED_MAX_AGE``, the staleness browsers and proxies are
already allowed by the feed's Cache-Control, in case a change slips past the signals
(a bulk ``update()``).
"""

import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

VERSION_KEY = "directory:version"


def version() -> str:
    """The registry's current version token (a new one if the cache lost it)."""
    return cache.get_or_set(VERSION_KEY, uuid.uuid4().hex, None)


def _new_version() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def cached(name: str, build, timeout: int):
    """``build()``, kept in the cache under ``name`` until the directory changes, or for
    ``timeout`` seconds at most."""
    key = f"directory:{name}:{version()}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout)
    return value


def changed(**kwargs) -> None:
    """A signal receiver: the directory's content may have changed. A new token now, so
    this transaction reads its own change; and again once it commits, so a body another
    request built from the old rows in between is never served."""
    _new_version()
    transaction.on_commit(_new_version)


def connect() -> None:
    from people.models import OrgUnit

    from .models import OfficialAccount, Platform

    for model in (OfficialAccount, Platform, OrgUnit):
        post_save.connect(changed, sender=model, dispatch_uid=f"directory-cache-save-{model.__name__}")
        post_delete.connect(changed, sender=model, dispatch_uid=f"directory-cache-delete-{model.__name__}")
