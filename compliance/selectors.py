"""Reads of the compliance audit: its findings, narrowed to what the user may see, and
its runs and their results."""

from django.db.models import QuerySet

from people import roles
from people.models import Power

from .models import AuditRun, CheckResult, Finding
from .runs import findings_of_keepers

TREND_RUNS = 10


def findings_for(user) -> QuerySet[Finding]:
    """All findings for the superintendent; within their delegations' scope for a designee
    overseeing compliance; for anyone, those on accounts they keep or whose site manager
    they supervise."""
    queryset = Finding.objects.select_related("account__platform", "account__org_unit", "opened_by_run",
                                              "closed_by_run")
    if roles.is_superintendent(user):
        return queryset
    who = findings_of_keepers(user)
    if scope := roles.in_scope(user, "account__unit_path", Power.OVERSEE_COMPLIANCE):
        who |= scope
    return queryset.filter(who)


def findings_to_fix(user, limit: int = 5) -> list[Finding]:
    """The open findings on the accounts ``user`` keeps or whose site manager they
    supervise: what their home page asks them to fix (R-V-D); only the columns it shows."""
    return list(Finding.objects.filter(findings_of_keepers(user), closed_at__isnull=True)
                .select_related("account").only("check_slug", "detail", "opened_at", "account__display_name")
                .order_by("-opened_at")[:limit])


def latest_run() -> AuditRun | None:
    return AuditRun.objects.filter(status=AuditRun.Status.FINISHED).order_by("-finished_at", "-pk").first()


def trend() -> dict[str, list[CheckResult]]:
    """Each check's results over the last finished runs, oldest first (one query)."""
    runs = list(AuditRun.objects.filter(status=AuditRun.Status.FINISHED).order_by("-finished_at", "-pk")
                .values_list("pk", flat=True)[:TREND_RUNS])
    by_check: dict[str, list[CheckResult]] = {}
    for result in CheckResult.objects.filter(run_id__in=runs).select_related("run").order_by("run__finished_at"):
        by_check.setdefault(result.check_slug, []).append(result)
    return by_check


def recent_runs(limit: int = 5) -> list[dict]:
    """The newest runs, whatever their status (a failed night shows), newest first: each
    run's ``pk``, ``started_at``, ``status``, ``findings_opened``, ``findings_closed`` and
    ``started_by__full_name`` (None for the nightly schedule): only the columns the
    dashboard shows, not the starter's whole row."""
    return list(AuditRun.objects.values("pk", "started_at", "status", "findings_opened", "findings_closed",
                                        "started_by__full_name")[:limit])


def latest_of(trend: dict[str, list[CheckResult]]) -> tuple[AuditRun | None, dict[str, CheckResult]]:
    """The latest finished run and its result for each check, read off ``trend()`` instead
    of two more queries (``latest_run()`` and its results): a run finishes only once every
    check has its result (``compliance.runs.execute``), so the trend holds the latest run whole."""
    results = [result for results in trend.values() for result in results]
    if not results:
        return None, {}
    latest = max((result.run for result in results), key=lambda run: (run.finished_at, run.pk))
    return latest, {result.check_slug: result for result in results if result.run_id == latest.pk}
