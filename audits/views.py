"""The compliance pages (R-V-D): the dashboard, runs and their progress, findings, and
the policy coverage page. The audit itself runs in a Celery task; a page only starts it.
And the audit trail's viewer for the superintendent's office."""

import json
from collections.abc import Callable
from html import escape

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from mps_social.access import get_for_user_or_404, permission_required
from mps_social.permissions import has_perm
from people import roles
from people.models import Power
from mps_social.dates import moments
from mps_social.exports import csv_response

from . import compliance, selectors
from .checks import BY_SLUG, CHECKS
from .coverage import CLAUSES
from .forms import TrailFilterForm
from .models import AuditRun
from .pages import event_page
from .templatetags.compliance import percent, share

PAGE_SIZE = 25


@permission_required("audits.view_compliance")
def dashboard(request):
    """Each check's share in the latest finished run, its trend and its open findings,
    and the recent runs (R-V-D), in four queries: the trend's two (``selectors.trend``,
    which holds the latest run and its results too), the open findings' counts and the
    recent runs. The table's rows and the runs' list are written here (``_check_rows``,
    ``_run_items``): by the template, with a ``{% url %}`` per run, they cost 1 ms, a
    tenth of the page; here 0.2 ms (issue [performance])."""
    findings_url = reverse("audits:findings")
    if not has_perm(request.user, "audits.run_audit"):
        # Oversight of part of the district: each check's figures inside its scope, no runs.
        paths = roles.scope_paths(request.user, Power.OVERSEE_COMPLIANCE)
        counts = compliance.open_counts(paths)
        return render(request, "audits/dashboard.html", {
            "latest": selectors.latest_run(), "scoped": True, "findings_url": findings_url,
            "rows": _check_rows(compliance.results_in(paths, counts), None, counts, findings_url)})
    trend = selectors.trend()
    latest, results = selectors.latest_of(trend)
    runs = selectors.recent_runs()
    # One run at a time, and none starts while one runs: a running run is the newest (no query of its own).
    running = bool(runs) and runs[0]["status"] == AuditRun.Status.RUNNING
    run_url = _address_of_each("audits:run")
    return render(request, "audits/dashboard.html", {
        "latest": latest, "latest_url": run_url(latest.pk) if latest else "", "running": running,
        "findings_url": findings_url, "runs": _run_items(runs, run_url),
        "rows": _check_rows(results, _trend_meters(trend), compliance.open_counts(), findings_url)})


def _address_of_each(name: str) -> Callable[[int], str]:
    """``reverse(name, args=[pk])`` for each of many objects, reversing once: the address
    of a stand-in number, that number replaced by each pk. A ``reverse`` (or ``{% url %}``)
    costs 40 to 70 µs, and the dashboard links six runs (issue [performance])."""
    stand_in = "918273645"
    before, _, after = reverse(name, args=[int(stand_in)]).rpartition(stand_in)
    return lambda pk: f"{before}{int(pk)}{after}"


def _check_rows(results: dict, meters: dict | None, counts: dict, findings_url: str) -> str:
    """The dashboard's rows, one per check (``audits/dashboard.html`` holds the table
    around them): its title and why as the row's header, its clause and requirement, its
    share in the latest run (``share``), its trend (``_trend_meters``; no column for
    ``None``) and its open findings, linked to their list. Every value escaped as the template's autoescape does."""
    findings_url = escape(findings_url)
    rows = []
    for check in CHECKS:
        title = escape(check.title)
        if found := counts.get(check.slug, 0):
            found = (f'<a href="{findings_url}?check={escape(check.slug)}">{found}<span class="visually-hidden"> '
                     f"open findings for {escape(check.title.lower())}</span></a>")
        trend = "" if meters is None else f"<td>{meters.get(check.slug) or '—'}</td>"
        rows.append(f'<tr><th scope="row">{title}<br><span class="muted">{escape(check.why)}</span></th>'
                    f'<td>{escape(check.clause)}<br><span class="muted">{escape(check.requirement)}</span></td>'
                    f"<td>{share(results.get(check.slug))}</td>{trend}<td>{found}</td></tr>")
    return mark_safe("\n".join(rows))


def _run_items(runs: list[dict], run_url: Callable[[int], str]) -> str:
    """The recent runs' list items (``selectors.recent_runs``), each linked to its run:
    when it started, its status, who started it and, once finished, the findings it
    opened and closed. Every value escaped as the template's autoescape does."""
    if not runs:
        return mark_safe("<li>No run yet.</li>")
    moment = moments()
    items = []
    for run in runs:
        iso, day, time = moment(run["started_at"])
        status = AuditRun.Status(run["status"])
        done = f"; {run['findings_opened']} opened, {run['findings_closed']} closed" \
            if status == AuditRun.Status.FINISHED else ""
        items.append(f'<li><a href="{escape(run_url(run["pk"]))}"><time datetime="{iso}">{day} {time}</time></a>: '
                     f"{escape(str(status.label).lower())}, started by "
                     f'{escape(run["started_by__full_name"] or "the nightly schedule")}{done}</li>')
    return mark_safe("".join(items))


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
@permission_required("audits.run_audit")
def start(request):
    try:
        run = compliance.start_run(actor=request.user)
    except compliance.AuditAlreadyRunning as running:
        messages.info(request, "An audit is already running: here is its progress.")
        run = running.run
    return redirect("audits:run", run.pk)


@permission_required("audits.run_audit")
def run(request, pk):
    audit_run = get_object_or_404(AuditRun.objects.select_related("started_by"), pk=pk)
    return render(request, "audits/run.html", {"run": audit_run, "results": audit_run.results.all(),
                                               "checks": BY_SLUG})


@permission_required("audits.run_audit")
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
    Written by the template, 25 rows cost 3.4 ms, a third of the page; here about 0.6 ms,
    with ``html.escape`` (``format_html`` escaping each value again through Django's lazy
    wrappers took 1.1 ms), each instant by ``moments()`` (the time zone and language read
    once a page) and the reason's line breaks as Django's ``linebreaksbr`` writes them
    (the filter, through its lazy and safe-string wrappers, cost 14 µs a row): those two
    halved the rows' time again (issue [performance])."""
    moment = moments()
    rows = []
    for event in events:
        iso, day, time = moment(event.at)
        ip = f'<br><span class="muted">{escape(event.ip)}</span>' if event.ip else ""
        who = label = escape(event.actor_label)
        if event.actor:
            who = f'{escape(event.actor.full_name or event.actor_label)}<br><span class="muted">{label}</span>'
        unit = f" · {escape(event.org_unit.name)}" if event.org_unit else ""
        details = f"<p>{_line_breaks(event.reason)}</p>" if event.reason else ""
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


def _line_breaks(text: str) -> str:
    """``text`` escaped, each line break (``\\r\\n``, ``\\r`` or ``\\n``) a ``<br>``: what
    Django's ``linebreaksbr`` filter writes."""
    return escape(text).replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")


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
