"""The compliance pages (R-V-D): the dashboard, runs and their progress, findings, and
the policy coverage page. The audit itself runs in a Celery task; a page only starts it.
And the audit trail's viewer for the superintendent's office."""

import json
from html import escape

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import linebreaksbr
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from mps_social.access import get_for_user_or_404, permission_required
from mps_social.exports import csv_response

from . import compliance, selectors
from .checks import BY_SLUG, CHECKS
from .coverage import CLAUSES
from .forms import TrailFilterForm
from .models import AuditRun
from .pages import event_page, moment
from .templatetags.compliance import percent

PAGE_SIZE = 25


@permission_required("audits.view_compliance")
def dashboard(request):
    trend = selectors.trend()
    latest, results = selectors.latest_of(trend)
    counts = compliance.open_counts()
    meters = _trend_meters(trend)
    rows = [{"check": check, "result": results.get(check.slug), "trend": meters.get(check.slug, ""),
             "open": counts.get(check.slug, 0)} for check in CHECKS]
    runs = list(AuditRun.objects.select_related("started_by")[:5])
    # One run at a time, and none starts while one runs: a running run is the newest (no query of its own).
    running = runs[0] if runs and runs[0].status == AuditRun.Status.RUNNING else None
    return render(request, "audits/dashboard.html", {"latest": latest, "rows": rows, "running": running,
                                                     "runs": runs})


def _trend_meters(trend: dict) -> dict[str, str]:
    """Each check's share passing in the recent runs (``selectors.trend``), oldest first: a
    list of meters, each labelled with its run's day, every value escaped. Written here,
    each run's day named once: by the template, a run's two ``date`` and two ``percent``
    filters cost 90 µs a check: 0.7 ms of the dashboard after one run, about 7 ms after
    ten (issue [performance])."""
    days = {}
    meters = {}
    for slug, results in trend.items():
        items = []
        for result in results:
            if result.run_id not in days:
                days[result.run_id] = escape(date_format(timezone.localtime(result.run.finished_at), "M j"))
            label = f"{days[result.run_id]}: {percent(result.share_passing)}"
            items.append(f'<li><meter min="0" max="1" low="0.8" high="0.95" optimum="1" value="{result.share_passing}" '
                         f'title="{label}"></meter><span class="visually-hidden">{label}</span></li>')
        meters[slug] = mark_safe(f'<ol class="trend" aria-label="Oldest to newest">{"".join(items)}</ol>')
    return meters


@require_POST
@permission_required("audits.view_compliance")
def start(request):
    try:
        run = compliance.start_run(actor=request.user)
    except compliance.AuditAlreadyRunning as running:
        messages.info(request, "An audit is already running: here is its progress.")
        run = running.run
    return redirect("audits:run", run.pk)


@permission_required("audits.view_compliance")
def run(request, pk):
    audit_run = get_object_or_404(AuditRun.objects.select_related("started_by"), pk=pk)
    return render(request, "audits/run.html", {"run": audit_run, "results": audit_run.results.all(),
                                               "checks": BY_SLUG})


@permission_required("audits.view_compliance")
def progress(request, pk):
    audit_run = get_object_or_404(AuditRun, pk=pk)
    return JsonResponse({"status": audit_run.status, "progress": audit_run.progress,
                         "message": f"Running: {audit_run.checks_done} of {audit_run.checks_total} checks done.",
                         "checks_done": audit_run.checks_done, "checks_total": audit_run.checks_total,
                         "findings_opened": audit_run.findings_opened, "findings_closed": audit_run.findings_closed})


@permission_required("audits.view_findings")
def findings(request):
    """Open findings (``?state=closed`` or ``all``), by check; ``?format=csv`` downloads them."""
    queryset = selectors.findings_for(request.user)
    state = request.GET.get("state", "open")
    if state == "open":
        queryset = queryset.filter(closed_at__isnull=True)
    elif state == "closed":
        queryset = queryset.filter(closed_at__isnull=False)
    check = BY_SLUG.get(request.GET.get("check", ""))
    if check:
        queryset = queryset.filter(check_slug=check.slug)
    if request.GET.get("format") == "csv":
        rows = ((f.account.display_name, f.account.platform.name, f.account.handle, f.account.org_unit.name,
                 BY_SLUG[f.check_slug].requirement if f.check_slug in BY_SLUG else "", f.check_slug, f.detail,
                 f.opened_at.isoformat(), f.closed_at.isoformat() if f.closed_at else "")
                for f in queryset.iterator(chunk_size=2000))
        return csv_response("findings.csv", ["account", "platform", "handle", "unit", "requirement", "check",
                                             "detail", "opened", "closed"], rows)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audits/findings.html", {"page": page, "state": state, "check": check, "checks": CHECKS,
                                                    "query": query.urlencode(), "by_slug": BY_SLUG})


@permission_required("audits.view_findings")
def finding(request, pk):
    item = get_for_user_or_404(request.user, "audits.view_finding", selectors.findings_for(request.user), pk=pk)
    return render(request, "audits/finding.html", {"finding": item, "check": BY_SLUG.get(item.check_slug)})


@permission_required("audits.view_coverage")
def coverage(request):
    latest = selectors.latest_run()
    results = {result.check_slug: result for result in latest.results.all()} if latest else {}
    clauses = [{"clause": clause, "results": [(BY_SLUG[slug], results.get(slug)) for slug in clause.checks]}
               for clause in CLAUSES]
    return render(request, "audits/coverage.html", {"clauses": clauses, "latest": latest})


TRAIL_HEADER = ["sequence", "at", "actor", "verb", "target_type", "target_id", "target", "unit", "reason", "before",
                "after", "request_id", "ip", "hash"]


def _json(value) -> str:
    return "" if value is None else json.dumps(value, sort_keys=True, ensure_ascii=False)


def _trail_row(event) -> tuple:
    return (event.sequence, event.at.isoformat(), event.actor_label, event.verb, event.target_type, event.target_id,
            event.target_label, event.org_unit.name if event.org_unit else "", event.reason, _json(event.before),
            _json(event.after), event.request_id, event.ip or "", event.hash)


def _trail_rows(events) -> str:
    """The trail's table rows (``audits/trail.html`` holds the table around them), every
    value escaped as the template's autoescape does; the reason keeps its line breaks.
    Written by the template, 25 rows cost 3.4 ms, a third of the page; here 0.45 ms, with
    ``html.escape`` (``format_html`` escaping each value again through Django's lazy
    wrappers took 1.1 ms)."""
    rows = []
    for event in events:
        iso, day, time = moment(event.at)
        ip = f'<br><span class="muted">{escape(event.ip)}</span>' if event.ip else ""
        who = label = escape(event.actor_label)
        if event.actor:
            who = f'{escape(event.actor.full_name or event.actor_label)}<br><span class="muted">{label}</span>'
        unit = f" · {escape(event.org_unit.name)}" if event.org_unit else ""
        details = f"<p>{linebreaksbr(event.reason)}</p>" if event.reason else ""
        if changes := _changes(event):
            items = []
            for name, before, after in changes:
                was = "" if before is None else f"{escape(before)} → "
                now = "(removed)" if after is None else escape(after)
                items.append(f"<li><code>{escape(name)}</code>: {was}{now}</li>")
            details += f'<ul class="changes">{"".join(items)}</ul>'
        rows.append(f'<tr><td>{event.sequence}</td>'
                    f'<td><time datetime="{iso}"><span class="reference">{day}</span> {time}</time>{ip}</td>'
                    f'<td>{who}</td><td><code>{escape(event.verb)}</code></td>'
                    f'<td>{escape(event.target_label)}<br><span class="muted">{escape(event.target_type)} '
                    f'{escape(event.target_id)}{unit}</span></td><td>{details or "—"}</td></tr>')
    return mark_safe("\n".join(rows))


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
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


@permission_required("audits.view_trail")
def trail(request):
    """The audit trail within the user's scope, newest first, filtered by who, what, which
    object and when; ``?format=csv`` downloads the same rows (every cell guarded against
    spreadsheet formulas). Filters that do not make sense show nothing, never everything."""
    form = TrailFilterForm(request.GET or None)
    events = selectors.trail_for(request.user)
    if form.is_bound:
        events = form.filter(events) if form.is_valid() else events.none()
    if request.GET.get("format") == "csv":
        return csv_response("audit-trail.csv", TRAIL_HEADER,
                            (_trail_row(event) for event in events.iterator(chunk_size=2000)))
    page = event_page(events, request.GET, PAGE_SIZE)
    return render(request, "audits/trail.html", {"form": form, "page": page, "rows": _trail_rows(page.object_list),
                                                 "checkpoint": selectors.latest_checkpoint()})
