"""Figures of the compliance pages."""

from django import template

register = template.Library()


@register.filter
def percent(share: float) -> str:
    """0.9234 → "92%": whole percents, never 100% while anything fails."""
    value = int(share * 100) if share < 1 else 100
    return f"{value}%"


@register.inclusion_tag("compliance/_share.html")
def share(result) -> dict:
    """A check's result (``CheckResult``, or ``None`` before any run): the share of
    accounts that comply, as a meter and in words (``compliance/_share.html``)."""
    return {"result": result}


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key)
