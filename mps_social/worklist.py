"""What a person must do, as their home page lists it ("Needs your attention").

Each app says what waits for a person in its own ``attention.py``, read from the very
selectors its queue pages use, so the home and a queue never disagree; the home
(``mps_social.home``) gathers the items and shows them most urgent first (``ordered``).
An item is plain words: what to do, why, by when, and the page where it is done.
"""

from dataclasses import dataclass
from datetime import date
from enum import IntEnum

from django.utils import timezone

# How many items of one kind the home lists; past it, one more item leads to the queue.
LIMIT = 5


class Urgency(IntEnum):
    """The order of the list: what is overdue, then what waits now, then what has a date
    ahead, then what can wait (a draft)."""

    OVERDUE = 0
    NOW = 1
    DUE = 2
    LATER = 3


@dataclass(frozen=True)
class Item:
    """One thing to do. ``due`` is the deadline (in the past: overdue); ``since`` the day
    it started waiting when it has no deadline. ``action`` labels the link to ``url``, the
    page where it is done."""

    what: str
    why: str
    url: str
    action: str
    due: date | None = None
    since: date | None = None
    later: bool = False  # it can wait (a draft): after everything else

    def urgency(self, today: date) -> Urgency:
        if self.due is not None and self.due < today:
            return Urgency.OVERDUE
        if self.later:
            return Urgency.LATER
        return Urgency.DUE if self.due is not None and self.due > today else Urgency.NOW

    def when(self, today: date) -> str:
        """By when, in words."""
        if self.due is not None:
            if self.due < today:
                return f"Overdue since {_day(self.due)}"
            return "Due today" if self.due == today else f"Due by {_day(self.due)}"
        return f"Waiting since {_day(self.since)}" if self.since is not None else "Due now"


def day_of(moment) -> date:
    """The local day of a moment (a timestamp of the database), for ``due`` and ``since``."""
    return timezone.localdate(moment)


def _day(value: date) -> str:
    return f"{value:%b} {value.day}, {value.year}"


@dataclass(frozen=True)
class Entry:
    """An item as the home shows it: the item, how urgent it is and by when, in words."""

    item: Item
    urgency: Urgency
    when: str

    @property
    def overdue(self) -> bool:
        return self.urgency == Urgency.OVERDUE


def ordered(items, today: date) -> list[Entry]:
    """``items`` most urgent first: overdue before due, then by date (the oldest first),
    then by what they say, so the order is the same on every visit."""
    def key(item: Item):
        return (item.urgency(today), item.due or item.since or today, item.what)

    return [Entry(item, item.urgency(today), item.when(today)) for item in sorted(items, key=key)]


def more(items: list, what: str, url: str, action: str) -> list[Item]:
    """One item leading to the queue when ``items`` (read ``LIMIT`` + 1 at most) holds more
    than the home lists."""
    return [Item(what=what, why="The home lists the first few; the rest are on that page.", url=url,
                 action=action)] if len(items) > LIMIT else []
