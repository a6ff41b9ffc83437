"""The audit trail's viewer for the superintendent's office (R-V-D): the events within
the reader's scope, filtered, a page at a time or as CSV."""

import json

from django.shortcuts import render

from mps_social.access import permission_required
from mps_social.exports import csv_response

from . import selectors, verbs
from .filters import TrailFilter
from .pages import event_page

PAGE_SIZE = 25


TRAIL_HEADER = ["sequence", "at", "actor", "verb", "target_type", "target_id", "target", "unit", "reason", "before",
                "after", "request_id", "ip", "hash", "action"]


def _json(value) -> str:
    return "" if value is None else json.dumps(value, sort_keys=True, ensure_ascii=False)


def _trail_row(event) -> tuple:
    """An event as the CSV export writes it: the verb as recorded, for the machines that
    read the file, and its words last (``action``)."""
    return (event.sequence, event.at.isoformat(), event.actor_label, event.verb, event.target_type, event.target_id,
            event.target_label, event.org_unit.name if event.org_unit else "", event.reason, _json(event.before),
            _json(event.after), event.request_id, event.ip or "", event.hash, verbs.label(event.verb))


def _changes(event) -> list[tuple[str, str | None, str | None]]:
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


def _shown(value) -> str:
    """A value as a reader says it: yes or no for a flag, the text itself for text."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


@permission_required("audits.view_trail")
def trail(request):
    """The audit trail within the user's scope (R-V-D), newest first, filtered by who,
    what happened, to which object and when (``TrailFilter``); ``?format=csv`` downloads
    the same rows (every cell guarded against spreadsheet formulas). Filters that do not
    make sense show nothing, never everything. A page is one range query on the chain's
    order, whatever the trail's length (``audits.pages``)."""
    filters = TrailFilter(request.GET or None, queryset=selectors.trail_for(request.user))
    events = filters.qs if not filters.is_bound or filters.is_valid() else filters.queryset.none()
    if request.GET.get("format") == "csv":
        return csv_response("audit-trail.csv", TRAIL_HEADER,
                            (_trail_row(event) for event in events.iterator(chunk_size=2000)))
    page = event_page(events, request.GET, PAGE_SIZE)
    return render(request, "audits/trail.html", {
        "form": filters.form, "page": page, "rows": [(event, _changes(event)) for event in page.object_list],
        "checkpoint": selectors.latest_checkpoint()})
