"""The compliance pages (R-V-D): the dashboard, runs and their progress, findings, and
the policy coverage page. The audit itself runs in a Celery task; a page only starts it.
And the audit trail's viewer for the superintendent's office."""

import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from mps_social.access import get_for_user_or_404, permission_required
from mps_social.exports import csv_response
from mps_social.permissions import has_perm
from people import roles
from people.models import Power

from . import compliance, selectors, verbs
from .checks import BY_SLUG, CHECKS
from .coverage import CLAUSES
from .filters import FindingFilter, TrailFilter
from .models import AuditRun
from .pages import event_page

PAGE_SIZE = 25


@permission_required("audits.view_compliance")
def dashboard(request):
    """Each check's share in the latest finished run, its trend and its open findings,
    and the recent runs (R-V-D), in four queries whatever the number of runs and
    accounts: the trend's two (``selectors.trend``, which holds the latest run and its
    results too), the open findings' counts and the recent runs. A designee overseeing
    part of the district sees each check's figures inside that part, and no runs."""
    if not has_perm(request.user, "audits.run_audit"):
        paths = roles.scope_paths(request.user, Power.OVERSEE_COMPLIANCE)
        counts = compliance.open_counts(paths)
        return render(request, "audits/dashboard.html", {
            "latest": selectors.latest_run(), "scoped": True,
            "rows": _check_rows(compliance.results_in(paths, counts), None, counts)})
    trend = selectors.trend()
    latest, results = selectors.latest_of(trend)
    runs = [{**run, "status": AuditRun.Status(run["status"])} for run in selectors.recent_runs()]
    # One run at a time, and none starts while one runs: a running run is the newest (no query of its own).
    running = bool(runs) and runs[0]["status"] == AuditRun.Status.RUNNING
    return render(request, "audits/dashboard.html", {
        "latest": latest, "running": running, "runs": runs,
        "rows": _check_rows(results, trend, compliance.open_counts())})


def _check_rows(results: dict, trend: dict | None, counts: dict) -> list[dict]:
    """The dashboard's rows, one per check in the policy's order: the check, its result
    in the latest run (``None`` before any), its results in the recent runs, oldest first
    (``None`` where the page shows no trend), and how many of its findings are open."""
    return [{"check": check, "result": results.get(check.slug),
             "trend": None if trend is None else trend.get(check.slug, []), "open": counts.get(check.slug, 0)}
            for check in CHECKS]


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
    """Findings by check and state (open unless asked otherwise: ``FindingFilter``);
    ``?format=csv`` downloads them. A filter that does not make sense shows nothing."""
    filters = FindingFilter(request.GET, queryset=selectors.findings_for(request.user))
    queryset = filters.qs if filters.is_valid() else filters.queryset.none()
    if request.GET.get("format") == "csv":
        rows = ((f.account.display_name, f.account.platform.name, f.account.handle, f.account.org_unit.name,
                 BY_SLUG[f.check_slug].requirement if f.check_slug in BY_SLUG else "", f.check_slug, f.detail,
                 f.opened_at.isoformat(), f.closed_at.isoformat() if f.closed_at else "")
                for f in queryset.iterator(chunk_size=2000))
        return csv_response("findings.csv", ["account", "platform", "handle", "unit", "requirement", "check",
                                             "detail", "opened", "closed"], rows)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    chosen = filters.form.cleaned_data if filters.is_valid() else {}
    return render(request, "audits/findings.html", {"page": page, "form": filters.form, "by_slug": BY_SLUG,
                                                    "check": BY_SLUG.get(chosen.get("check")),
                                                    "state": chosen.get("state", "")})


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
