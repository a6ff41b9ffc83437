"""Values built from a few tables that change rarely (the public directory, the registry's
counts, the training catalogue), kept in the shared cache until one of those tables changes.

Each ``VersionedCache`` keys its entries by a *version* token, replaced whenever a row of
a watched model is saved or deleted, and again when that transaction commits. The token
lives in the shared cache (Redis in production), so every web process sees the change at
once. Entries also expire after the ``timeout`` their reader gives, in case a change
slips past the signals (a bulk ``update()``). A value too large to fetch on every request
(the whole feed) is also held in each process's memory while the version stands (``held``).

Why: a page read by every visitor or every staff member asked the database the same
question on each request; at the largest district's scale the directory's feed cost as
much as the query behind it, and the training catalogue's queries were most of a home
page's time (bench/RESULTS.md).
"""

import time
import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save


_watching: dict[type, set["VersionedCache"]] = {}  # model → the caches that watch it


class VersionedCache:
    HELD = 32  # at most this many values held in a process (``held``), unless told otherwise

    def __init__(self, name: str, *, follows: "VersionedCache | None" = None, held: int | None = None):
        """``follows``: another cache whose version this one's entries are kept under (the
        public pages follow the directory's), so the same changes replace them; its
        values and its memory are its own. ``held``: how many values a process holds."""
        self.name = name
        self.follows = follows
        self.version_key = f"{name}:version"
        self.HELD = held or self.HELD
        self._held_version, self._held = None, {}

    def version(self) -> str:
        """The current version token (a new one if the cache lost it)."""
        if self.follows is not None:
            return self.follows.version()
        return cache.get_or_set(self.version_key, uuid.uuid4().hex, None)

    def cached(self, part: str, build, timeout: int):
        """``build()``, kept under ``part`` until a watched model changes, or for
        ``timeout`` seconds at most."""
        return self._shared(part, self.version(), build, timeout)

    def _shared(self, part: str, version: str, build, timeout: int):
        key = f"{self.name}:{part}:{version}"
        value = cache.get(key)
        if value is None:
            value = build()
            cache.set(key, value, timeout)
        return value

    def held(self, part: str, build, timeout: int):
        """As ``cached``, and held in this process's memory too while the version stands
        (``timeout`` seconds at most): for a value too large to fetch from the shared cache
        on every request: the whole district's feed is megabytes, and fetching it grew with
        the district. ``build`` returns an immutable value: every request of the process
        gets the same object."""
        version = self.version()
        self._hold_version(version)
        value, until = self._held.get(part, (None, 0))
        if until < time.monotonic():
            value = self._shared(part, version, build, timeout)
            self._hold(part, value, timeout)
        return value

    def peek(self, part: str, version: str, timeout: int):
        """The value kept under ``part`` at ``version`` (held in this process, else in the
        shared cache, then held for ``timeout`` seconds at most), or None. With ``keep``,
        for a value that only its builder can tell is worth keeping (a page's response):
        read ``version`` first, before building, and keep under it."""
        self._hold_version(version)
        value, until = self._held.get(part, (None, 0))
        if until >= time.monotonic():
            return value
        value = cache.get(f"{self.name}:{part}:{version}")
        if value is not None:
            self._hold(part, value, timeout)
        return value

    def keep(self, part: str, version: str, value, timeout: int) -> None:
        """Keep ``value`` under ``part`` at ``version`` (read before it was built): in the
        shared cache and in this process, for ``timeout`` seconds at most. A value built
        while the version changed is kept under the old one, which no reader asks for."""
        cache.set(f"{self.name}:{part}:{version}", value, timeout)
        if version == self._held_version:
            self._hold(part, value, timeout)

    def _hold_version(self, version: str) -> None:
        if version != self._held_version:
            self._held_version, self._held = version, {}

    def _hold(self, part: str, value, timeout: int) -> None:
        if part not in self._held and len(self._held) >= self.HELD:
            self._held.pop(next(iter(self._held)))  # the one held longest
        self._held[part] = (value, time.monotonic() + timeout)

    def _new_version(self) -> None:
        cache.set(self.version_key, uuid.uuid4().hex, None)

    def changed(self, **kwargs) -> None:
        """A signal receiver: what this cache holds may have changed. A new token now, so
        this transaction reads its own change; and again once it commits, so a value
        another request built from the old rows in between is never served."""
        self._new_version()
        transaction.on_commit(self._new_version)

    def watch(self, *models) -> None:
        """Call ``changed`` whenever a row of ``models`` is saved or deleted (and when
        ``changed_in_bulk`` names one of them)."""
        for model in models:
            _watching.setdefault(model, set()).add(self)
            for signal, verb in ((post_save, "save"), (post_delete, "delete")):
                signal.connect(self.changed, sender=model, weak=False,
                               dispatch_uid=f"{self.name}-cache-{verb}-{model.__name__}")


def changed_in_bulk(*models) -> None:
    """Rows of ``models`` were written in bulk (``bulk_create``, ``bulk_update``,
    ``update()``), which sends no signal: every cache watching one of them changes now, as
    a save would have made it (an import of org units must show in the directory at once,
    not when its entries expire)."""
    for watcher in set().union(*(_watching.get(model, set()) for model in models)):
        watcher.changed()
