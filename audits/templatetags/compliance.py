"""Figures of the compliance pages."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def percent(share: float) -> str:
    """0.9234 → "92%": whole percents, never 100% while anything fails."""
    value = int(share * 100) if share < 1 else 100
    return f"{value}%"


@register.filter
def share(result) -> str:
    """A check's result (``CheckResult``, or ``None`` before any run): the share of
    accounts that comply, as a meter and in words. A filter rather than an included
    template: an include per row was a quarter of the dashboard's rows (issue [performance])."""
    if not result:
        return mark_safe('<span class="muted">Not measured yet</span>')
    return format_html('<span class="share"><meter min="0" max="1" low="0.8" high="0.95" optimum="1" value="{}" '
                       'aria-hidden="true"></meter> <strong>{}</strong> <span class="muted">of {} comply</span></span>',
                       result.share_passing, percent(result.share_passing), result.accounts)


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key)
