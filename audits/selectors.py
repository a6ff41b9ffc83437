"""Reads of the audit trail and of the compliance audit, narrowed to what the user may see."""

from django.db import models
from django.db.models import QuerySet

from people import roles
from people.models import Power

from .models import AuditEvent, AuditRun, ChainCheckpoint, CheckResult, Finding

TREND_RUNS = 10


def events_for(target: models.Model) -> QuerySet[AuditEvent]:
    """Everything recorded about ``target``, oldest first, with who did it."""
    return (
        AuditEvent.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk))
        .select_related("actor")
        .order_by("at", "pk")
    )


def findings_for(user) -> QuerySet[Finding]:
    """All findings for the superintendent; within their delegations' scope for a designee
    overseeing compliance; for anyone, those on accounts they keep or whose site manager
    they supervise."""
    from .compliance import findings_of_keepers

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
    supervise: what their home page asks them to fix (R-V-D)."""
    from .compliance import findings_of_keepers

    return list(Finding.objects.filter(findings_of_keepers(user), closed_at__isnull=True)
                .select_related("account__platform").order_by("-opened_at")[:limit])


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
    check has its result (``compliance.execute``), so the trend holds the latest run whole."""
    results = [result for results in trend.values() for result in results]
    if not results:
        return None, {}
    latest = max((result.run for result in results), key=lambda run: (run.finished_at, run.pk))
    return latest, {result.check_slug: result for result in results if result.run_id == latest.pk}


def trail_for(user) -> QuerySet[AuditEvent]:
    """The audit trail as ``user`` may read it, newest first: all of it for the
    superintendent; for a designee overseeing compliance, the events recorded against a
    unit inside that delegation's scope (an event without a unit, such as a roster import
    or an admin edit, is the superintendent's alone); nothing for anyone else."""
    queryset = AuditEvent.objects.select_related("actor", "org_unit").order_by("-sequence")
    if roles.is_superintendent(user):
        return queryset
    scope = roles.in_scope(user, "org_unit__path", Power.OVERSEE_COMPLIANCE)
    return queryset.filter(scope) if scope else queryset.none()


def latest_checkpoint() -> ChainCheckpoint | None:
    return ChainCheckpoint.objects.order_by("-at", "-pk").first()
