"""Figures of the compliance pages."""

from django import template
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
    template: an include per row was a quarter of the dashboard's rows (issue [performance]).
    Also written into the dashboard's rows (``audits.views._check_rows``). Only numbers go
    in, so nothing needs escaping (``format_html`` cost 15 µs a result)."""
    if not result:
        return mark_safe('<span class="muted">Not measured yet</span>')
    share_passing = float(result.share_passing)
    return mark_safe(f'<span class="share"><meter min="0" max="1" low="0.8" high="0.95" optimum="1" '
                     f'value="{share_passing}" aria-hidden="true"></meter> <strong>{percent(share_passing)}</strong> '
                     f'<span class="muted">of {int(result.accounts)} comply</span></span>')


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key)
