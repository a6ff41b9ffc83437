"""How the audit trail's viewer shows an event's before and after."""

import json

from django import template

register = template.Library()


def _shown(value) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


@register.filter
def changes(event) -> list[tuple[str, str | None, str | None]]:
    """(field, before, after) for every field either side names; ``None`` where a side
    does not name it. A before or after that is not an object shows as one "value" row."""
    before, after = event.before, event.after
    if before is not None and not isinstance(before, dict):
        before = {"value": before}
    if after is not None and not isinstance(after, dict):
        after = {"value": after}
    before, after = before or {}, after or {}
    return [(name, _shown(before[name]) if name in before else None, _shown(after[name]) if name in after else None)
            for name in dict.fromkeys([*before, *after])]
