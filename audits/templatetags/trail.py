"""Words for the audit trail's codes, for every page that shows its events."""

from django import template
from django.apps import apps

from audits import verbs

register = template.Library()


@register.filter
def verb_label(verb: str) -> str:
    """What an event's verb means ("application.submitted" → "Application sent"): ``audits.verbs``."""
    return verbs.label(verb)


@register.filter
def field_label(name: str) -> str:
    """What a field an event changed means ("rotation_due" → "Password change due")."""
    return verbs.field_label(name)


@register.filter
def object_kind(target_type: str) -> str:
    """What kind of object an event names ("accounts.officialaccount" → "Official
    account"); a type the portal no longer has keeps its code."""
    try:
        return str(apps.get_model(target_type)._meta.verbose_name).capitalize()
    except (LookupError, ValueError):
        return target_type
