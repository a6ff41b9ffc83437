"""Whole months on the calendar: a course's validity (training), an account's review
interval (accounts). Shared by both, so neither reaches into the other for it."""

from datetime import date


def add_months(day: date, months: int) -> date:
    """``day`` plus whole months, clamped to the month's end (Feb 29 → Feb 28)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise ValueError(day)
