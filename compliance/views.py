"""The compliance pages (R-V-D): the dashboard, runs and their progress, findings, and
the policy coverage page. The audit itself runs in a Celery task; a page only starts it."""

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

from . import runs, selectors
from .checks import BY_SLUG, CHECKS
from .coverage import CLAUSES
from .filters import FindingFilter
from .models import AuditRun

PAGE_SIZE = 25


@permission_required("compliance.view_compliance")
def dashboard(request):
    """Each check's share in the latest finished run, its trend and its open findings,
    and the recent runs (R-V-D), in four queries whatever the number of runs and
    accounts: the trend's two (``selectors.trend``, which holds the latest run and its
    results too), the open findings' counts and the recent runs. A designee overseeing
    part of the district sees each check's figures inside that part, and no runs."""
    if not has_perm(request.user, "compliance.run_audit"):
        paths = roles.scope_paths(request.user, Power.OVERSEE_COMPLIANCE)
        counts = runs.open_counts(paths)
        return render(request, "compliance/dashboard.html", {
            "latest": selectors.latest_run(), "scoped": True,
            "rows": _check_rows(runs.results_in(paths, counts), None, counts)})
    trend = selectors.trend()
    latest, results = selectors.latest_of(trend)
    recent = [{**run, "status": AuditRun.Status(run["status"])} for run in selectors.recent_runs()]
    # One run at a time, and none starts while one runs: a running run is the newest (no query of its own).
    running = bool(recent) and recent[0]["status"] == AuditRun.Status.RUNNING
    return render(request, "compliance/dashboard.html", {
        "latest": latest, "running": running, "runs": recent,
        "rows": _check_rows(results, trend, runs.open_counts())})


def _check_rows(results: dict, trend: dict | None, counts: dict) -> list[dict]:
    """The dashboard's rows, one per check in the policy's order: the check, its result
    in the latest run (``None`` before any), its results in the recent runs, oldest first
    (``None`` where the page shows no trend), and how many of its findings are open."""
    return [{"check": check, "result": results.get(check.slug),
             "trend": None if trend is None else trend.get(check.slug, []), "open": counts.get(check.slug, 0)}
            for check in CHECKS]


@require_POST
@permission_required("compliance.run_audit")
def start(request):
    try:
        run = runs.start_run(actor=request.user)
    except runs.AuditAlreadyRunning as running:
        messages.info(request, "An audit is already running: here is its progress.")
        run = running.run
    return redirect("compliance:run", run.pk)


@permission_required("compliance.run_audit")
def run(request, pk):
    audit_run = get_object_or_404(AuditRun.objects.select_related("started_by"), pk=pk)
    return render(request, "compliance/run.html", {"run": audit_run, "results": audit_run.results.all(),
                                               "checks": BY_SLUG})


@permission_required("compliance.run_audit")
def progress(request, pk):
    audit_run = get_object_or_404(AuditRun, pk=pk)
    return JsonResponse({"status": audit_run.status, "progress": audit_run.progress,
                         "message": f"Running: {audit_run.checks_done} of {audit_run.checks_total} checks done.",
                         "checks_done": audit_run.checks_done, "checks_total": audit_run.checks_total,
                         "findings_opened": audit_run.findings_opened, "findings_closed": audit_run.findings_closed})


@permission_required("compliance.view_findings")
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
    return render(request, "compliance/findings.html", {"page": page, "form": filters.form, "by_slug": BY_SLUG,
                                                    "check": BY_SLUG.get(chosen.get("check")),
                                                    "state": chosen.get("state", "")})


@permission_required("compliance.view_findings")
def finding(request, pk):
    item = get_for_user_or_404(request.user, "compliance.view_finding", selectors.findings_for(request.user), pk=pk)
    return render(request, "compliance/finding.html", {"finding": item, "check": BY_SLUG.get(item.check_slug)})


@permission_required("compliance.view_coverage")
def coverage(request):
    latest = selectors.latest_run()
    results = {result.check_slug: result for result in latest.results.all()} if latest else {}
    clauses = [{"clause": clause, "results": [(BY_SLUG[slug], results.get(slug)) for slug in clause.checks]}
               for clause in CLAUSES]
    return render(request, "compliance/coverage.html", {"clauses": clauses, "latest": latest})
