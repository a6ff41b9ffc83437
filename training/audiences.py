"""Audiences a course can be required of that other apps define (R-V-A, R-V-C).

Training reads the accounts' designations itself (site managers, staff with a role on an
account), but who is applying for an account is the applications' to say: training knows
nothing of applications (README, "Layers"). The approvals app registers the "applicants"
audience in its ``AppConfig.ready``; asking for an audience nobody registered is a
programming error and raises, as an unknown permission does.
"""

from typing import Callable

from django.db.models import QuerySet

APPLICANTS = "applicants"  # people with an open application (``Course.for_applicants``)

Members = Callable[..., QuerySet]
Since = Callable[[], QuerySet]
_registry: dict[str, Members] = {}
_since: dict[str, Since] = {}


def register(name: str, members: Members, *, since: Since) -> None:
    """``members(person=None)`` returns the ids of the people in the audience now, as a
    one-column queryset fit for ``user__in=``; given a person's id, only that id when they
    are in it. ``since()`` returns (person id, datetime) rows: when each member joined the
    audience, the day a course for it became required of them (the reminders of courses
    never taken count their weeks from it). Registering a name again replaces it
    (``ready`` may run twice)."""
    _registry[name] = members
    _since[name] = since


def members(name: str, person: int | None = None) -> QuerySet:
    try:
        return _registry[name](person)
    except KeyError:
        raise LookupError(f"No audience {name!r}: the app that defines it registers it in its ready().") from None


def since(name: str) -> QuerySet:
    try:
        return _since[name]()
    except KeyError:
        raise LookupError(f"No audience {name!r}: the app that defines it registers it in its ready().") from None
