"""Dates and instants for rows still written in Python: the registry's account page
(``accounts.views_registry``) alone. The compliance pages, the audit trail, the escrow's
pages and the home page write theirs with Django's ``date`` and ``time`` filters; this
module goes when the registry's rows move to templates too.

They write what Django's ``date`` filter writes (``M j, Y`` and ``H:i``, the month named
in the active language), in the current time zone. A page's rows take ``moments()`` or
``days()`` once, so the time zone and the language are read once a page.
"""

from collections.abc import Callable
from datetime import date, datetime
from functools import cache
from html import escape

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language


def moments() -> Callable[[datetime], tuple[str, str, str]]:
    """For one page's rows: an instant in the current time zone, escaped, as for
    ``<time datetime>`` (Django's ``c``), the day ("Nov 24, 2026", ``M j, Y``) and the time
    ("18:05", ``H:i``)."""
    zone, day = timezone.get_current_timezone(), days()

    def moment(at: datetime) -> tuple[str, str, str]:
        at = timezone.localtime(at, zone)
        return at.isoformat(), day(at), f"{at.hour:02d}:{at.minute:02d}"

    return moment


def days() -> Callable[[date], str]:
    """For one page's rows: a day as Django's ``M j, Y`` ("Jan 15, 2023"), escaped. Django
    names the month; the day and the year are plain numbers."""
    language = get_language()

    def day(on: date) -> str:
        return f"{_month(on.month, language)} {on.day}, {on.year:04d}"

    return day


@cache
def _month(month: int, language: str) -> str:
    """The month's short name in ``language`` (the active one: the caller's)."""
    return escape(date_format(date(2000, month, 1), "M"))
