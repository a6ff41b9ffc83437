"""The days on which the reminder jobs of the apps write, shared so that each counts them
the same way (annual reviews in accounts, never-taken courses and policy versions in
training, ending delegations in people, ending access grants in credentials).

A reminder is owed in a window, not on one day: a job that missed a day still sends the
reminder of the window it is in, and sends it once, because each reminder's outbox key
names its thing, its person and its window (``notifications.services.notify_new``).
"""

from datetime import date


def before(due: date, today: date, days: tuple[int, ...]) -> str | None:
    """The reminder owed on ``today`` of those sent ``days`` days before ``due`` (e.g.
    (30, 7)): the nearest of ``days`` that ``today`` has reached, as text ("7" from seven
    days before until ``due``, the day itself included). None when ``due`` is further off
    than every one of ``days``, or has passed."""
    days_left = (due - today).days
    if days_left < 0:
        return None
    reached = [number for number in days if days_left <= number]
    return str(min(reached)) if reached else None


def week(since: date, today: date) -> str | None:
    """The weekly reminder owed on ``today`` of something asked from ``since``: "week-0"
    from that day, "week-1" from seven days later, and so on. None before ``since``."""
    if today < since:
        return None
    return f"week-{(today - since).days // 7}"
