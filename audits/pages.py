"""Pages of audit events, newest first, by sequence number instead of page number.

The trail grows by a million events a year at the largest district's scale. "Page 3 of
40,000" costs a COUNT over every event in scope on each view, and shifts under the
reader as new events arrive. A page here is one range query on the chain's own order
(the unique ``sequence``), plus one ``EXISTS`` to know whether the other direction has
more: the same cost at a thousand events or a million.

``?before=N`` shows the events older than sequence N, ``?after=N`` those newer than it;
neither shows the newest. Anything else in the query string (the filters) is kept by the
links, ``templates/includes/pagination.html``.
"""

import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice
from operator import attrgetter

from django.db.models import QuerySet


@dataclass
class EventPage:
    object_list: list
    newer: int | None  # link ?after= this sequence, when newer events match
    older: int | None  # link ?before= this sequence, when older events match

    @property
    def has_other_pages(self) -> bool:
        return self.newer is not None or self.older is not None


def _sequence(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None


def event_page(events: QuerySet | Sequence[QuerySet], params, size: int) -> EventPage:
    """The page of ``events`` that ``params`` (``request.GET``) asks for; the newest
    when it asks for none, or for a page past either end.

    ``events`` may be several querysets, one per verb, read each off the trail's index by
    verb and sequence and merged here: asked for two verbs at once (``verb IN``), SQLite
    sorted every event of both ever written to find the newest page."""
    arms = [events] if isinstance(events, QuerySet) else list(events)
    before, after = _sequence(params.get("before")), _sequence(params.get("after"))
    if after is not None:
        rows = _first([arm.filter(sequence__gt=after) for arm in arms], size + 1, newest=False)
        more_newer = len(rows) > size
        rows = rows[:size][::-1]
        more_older = bool(rows) and _any([arm.filter(sequence__lt=rows[-1].sequence) for arm in arms])
    else:
        rows = _first([arm if before is None else arm.filter(sequence__lt=before) for arm in arms], size + 1,
                      newest=True)
        more_older = len(rows) > size
        rows = rows[:size]
        more_newer = bool(rows) and before is not None and _any(
            [arm.filter(sequence__gt=rows[0].sequence) for arm in arms])
    if not rows and (before is not None or after is not None):
        return event_page(arms, {}, size)
    return EventPage(rows, newer=rows[0].sequence if more_newer else None,
                     older=rows[-1].sequence if more_older else None)


def _first(arms: list[QuerySet], count: int, newest: bool) -> list:
    """The first ``count`` events of ``arms`` together, newest first or oldest first: one
    query per arm."""
    order = "-sequence" if newest else "sequence"
    found = [list(arm.order_by(order)[:count]) for arm in arms]
    return list(islice(heapq.merge(*found, key=attrgetter("sequence"), reverse=newest), count))


def _any(arms: list[QuerySet]) -> bool:
    return any(arm.exists() for arm in arms)
