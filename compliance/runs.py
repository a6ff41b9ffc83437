"""The compliance audit (R-V-D): start a run, run every check over the accounts it covers
(``Check.statuses``: pending setup too for the site-manager checks), keep one finding open
per (check, account) while it fails, close it only when a check that ran on the account
says it passes (or the account is retired): an account the run did not check keeps its
findings open.

Set-based: each check is a query or two over the whole registry, findings are opened and
closed in bulk, and their notices go to the outbox in one insert, so a run costs the same
number of queries for 10 accounts as for 50,000. A check that opens or closes findings
commits them with its result (the progress bar moves, and a crash loses one check's work,
not the run's); the checks that change nothing commit with the next one that does. A run
whose worker was killed is finished by the redelivered task, which skips the checks that
already have their ``CheckResult``. One run at a time: ``AuditRun``'s partial unique
index refuses a second, whoever starts it (beat twice, or a person while beat runs); a
run stuck with no task left to finish it is failed after an hour.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import Designation, OfficialAccount
from accounts.selectors import kept_by_staff, kept_ids
from audits.services import record
from mps_social.celery import queue
from notifications.services import notify_many
from people import roles
from people.models import User

from .checks import BY_SLUG, CHECKS, NOTHING, RETIRED, covered, failing, tally
from .models import AuditRun, CheckResult, Finding

STUCK_AFTER = timedelta(hours=1)
CHUNK = 5000  # ids per UPDATE: under every database's limit on query parameters


class AuditAlreadyRunning(Exception):
    def __init__(self, run: AuditRun):
        super().__init__("An audit is already running.")
        self.run = run


class _InTheWay(Exception):
    """Another run is running (``start_run``)."""


def start_run(*, actor: User | None) -> AuditRun:
    """Record a new run (status running); ``execute`` does the work, usually in a task.
    One transaction, no savepoint: when a run is in the way, the database refuses the new
    one (``AuditRun``'s partial unique index) and the transaction rolls back whole, which
    loses nothing (a stuck run failed by it was not the one in the way). The nightly run
    of a city's district is a few statements around one query, so each round trip shows
    in its time against its raw SQL floor (bench.jobs)."""
    try:
        with transaction.atomic():
            AuditRun.objects.filter(status=AuditRun.Status.RUNNING, started_at__lt=timezone.now() - STUCK_AFTER).update(
                status=AuditRun.Status.FAILED, finished_at=timezone.now(), error="Stopped: no progress for an hour.")
            try:
                run = AuditRun.objects.create(started_by=actor, checks_total=len(CHECKS))
            except IntegrityError:
                raise _InTheWay from None  # out of the block: the transaction rolls back
            record(actor=actor, verb="audit.started", target=run)
            if actor is not None:
                transaction.on_commit(lambda: queue("compliance.run_audit", run.pk))
    except _InTheWay:
        raise AuditAlreadyRunning(AuditRun.objects.get(status=AuditRun.Status.RUNNING)) from None
    return run


def execute(run: AuditRun, *, now=None) -> AuditRun:
    """Run every check of ``run`` not yet done, in as few transactions as its changes allow.

    A check that finds what the open findings already say (most checks, most nights) has
    nothing to write but its ``CheckResult``: it waits for the next check that opens or
    closes findings and commits with it, or with the run's end. One commit per check made
    a quiet night nearly all round trips and commits (bench.district). Whether a check
    changes anything is counted in the database (``checks.tally``: its failing accounts, how
    many of them have the finding open, against the open findings), rather than reading
    both sets of accounts to compare them. Every check is tallied again on a
    redelivery (one statement for all); the ones already recorded are skipped when
    committing.

    Safe to call again on a run a killed worker left half done, even while another worker
    still runs it (a redelivered task): each transaction locks the run's row and skips the
    checks whose ``CheckResult`` exists, so no check runs twice and no finding opens twice
    (R-V-D); only the first to finish the run records ``audit.finished``."""
    now = now or timezone.now()
    quiet = []  # (check, its Tally) of checks that change nothing, not yet committed
    try:
        total, tallies = tally(now)  # the accounts once per run, not once per check
        for check in CHECKS:
            counted = tallies.get(check.slug, NOTHING)
            if counted.failing == counted.already == counted.open:
                quiet.append((check, counted))
                continue
            found = counted.accounts if counted.accounts is not None else failing(check, now)
            with transaction.atomic():
                if not _locked(run):
                    break  # finished, or failed as stuck, meanwhile: nothing left to do here
                _commit(run, quiet, total, now, changed=(check, counted, found))
            quiet = []
    except Exception as error:
        with transaction.atomic():
            AuditRun.objects.filter(pk=run.pk).update(status=AuditRun.Status.FAILED, finished_at=timezone.now(),
                                                      error=f"{type(error).__name__} in the audit."[:300])
            record(actor=None, verb="audit.failed", target=run, reason=type(error).__name__)
        raise
    with transaction.atomic():
        if _locked(run):  # else another worker finished it, or it failed as stuck
            _commit(run, quiet, total, now, finish=True)
            record(actor=None, verb="audit.finished", target=run,
                   after={"accounts": run.accounts_checked, "opened": run.findings_opened,
                          "closed": run.findings_closed})
    return run


def _locked(run: AuditRun) -> bool:
    """Read ``run`` again and lock it until the caller's transaction ends: a second worker
    on the same run waits, then sees what the first committed. Whether it still runs."""
    run.refresh_from_db(from_queryset=AuditRun.objects.select_for_update())
    return run.status == AuditRun.Status.RUNNING


def _commit(run: AuditRun, quiet: list, total: int, now, changed: tuple | None = None, finish=False) -> None:
    """On ``run``, locked by the caller's transaction: the results of the ``quiet`` checks,
    (check, its ``Tally``), and, when given, the findings the ``changed`` check, (check,
    its Tally, its failing accounts), opens and closes, with its result; with ``finish``,
    the run's end. Checks with a result already (a worker before this one) are skipped.
    The run's counters are written once, from the locked row."""
    checks = quiet + ([(changed[0], changed[1])] if changed else [])
    # Results are written with the counter, under this lock: none yet, none to read.
    done = set(CheckResult.objects.filter(run=run, check_slug__in=[check.slug for check, _ in checks])
               .values_list("check_slug", flat=True)) if checks and run.checks_done else set()
    todo = [(check, counted) for check, counted in checks if check.slug not in done]
    if changed and changed[0].slug not in done:
        opened, closed = _apply(run, changed[0], changed[2], now)
        run.findings_opened += opened
        run.findings_closed += closed
    CheckResult.objects.bulk_create([CheckResult(run=run, check_slug=check.slug, accounts=counted.covered,
                                                 failing=counted.failing) for check, counted in todo])
    fields = []
    if todo:
        run.checks_done += len(todo)
        run.accounts_checked = total
        fields = ["checks_done", "accounts_checked", "findings_opened", "findings_closed"]
    if finish:
        run.status, run.finished_at = AuditRun.Status.FINISHED, timezone.now()
        fields += ["status", "finished_at"]
    if fields:
        run.save(update_fields=fields)


def _apply(run: AuditRun, check, failing: dict[int, str], now) -> tuple[int, int]:
    """Close ``check``'s open findings on accounts it covers that no longer fail it (and
    on retired accounts), open one on each failing account without one, and tell their
    keepers. A finding on an account the check does not cover stays open: the run did not
    look (R-V-D). (opened, closed)"""
    open_findings = Finding.objects.filter(check_slug=check.slug, closed_at__isnull=True)
    statuses = {*check.statuses, RETIRED}
    rows = list(open_findings.values_list("account_id", "account__status"))
    already = {pk for pk, _ in rows}
    cleared = sorted({pk for pk, status in rows if status in statuses} - failing.keys())
    closed = 0
    for start in range(0, len(cleared), CHUNK):
        closed += open_findings.filter(account_id__in=cleared[start:start + CHUNK]).update(
            closed_at=now, closed_by_run=run)
    new = [Finding(check_slug=check.slug, account_id=pk, detail=detail[:300], opened_at=now, opened_by_run=run)
           for pk, detail in failing.items() if pk not in already]
    Finding.objects.bulk_create(new, ignore_conflicts=True)
    if new:
        _notify_opened(run, check)
    return len(new), closed


def _notify_opened(run: AuditRun, check) -> None:
    """Tell each new finding's site manager and that person's supervisor, in one insert."""
    managers = (
        Designation.objects.filter(role=Designation.Role.SITE_MANAGER, ended_at__isnull=True,
                                   account__findings__opened_by_run=run,
                                   account__findings__check_slug=check.slug)
        .select_related("person__supervisor", "account__platform", "account__org_unit")
    )
    findings = {f.account_id: f for f in Finding.objects.filter(opened_by_run=run, check_slug=check.slug)}
    items = []
    for designation in managers:
        finding = findings.get(designation.account_id)
        if finding is None:
            continue
        context = {"finding": finding, "account": designation.account, "check": check,
                   "site_manager": designation.person}
        for person in (designation.person, designation.person.supervisor):
            if person is not None and person.is_active:
                items.append((person, "finding_opened", context, f"finding:{finding.pk}:{person.pk}",
                              finding.get_absolute_url()))
    notify_many(items)


def open_counts(paths: tuple[str, ...] | None = None) -> dict[str, int]:
    """Open findings per check, in one query; with unit ``paths``, only on accounts inside them."""
    findings = Finding.objects.filter(closed_at__isnull=True)
    if paths is not None:
        findings = findings.filter(roles.within("account__unit_path", paths))
    rows = findings.values("check_slug").annotate(n=Count("pk"))
    return {row["check_slug"]: row["n"] for row in rows}


def results_in(paths: tuple[str, ...], counts: dict[str, int]) -> dict[str, CheckResult]:
    """Each check's result now inside unit ``paths``, for a designee who oversees part of
    the district: the accounts there each check covers (``Check.statuses``) and, failing,
    the findings open there (``counts``, from ``open_counts(paths)``). Findings open and
    close only when a run or the roster changes them, so these are the latest run's figures
    narrowed to the scope; the runs' own figures are the whole district's
    (``compliance.run_audit``). Unsaved rows, shown as a run's are. One query."""
    by_status = dict(OfficialAccount.objects.filter(roles.within("unit_path", paths)).order_by()
                     .values("status").annotate(n=Count("pk")).values_list("status", "n"))
    results = {}
    for check in CHECKS:
        total = covered(check, by_status)
        results[check.slug] = CheckResult(check_slug=check.slug, accounts=total,
                                          failing=min(counts.get(check.slug, 0), total))
    return results


def check_of(finding: Finding):
    return BY_SLUG.get(finding.check_slug)


def findings_of_keepers(user) -> Q:
    """Findings on accounts ``user`` keeps or whose keeper reports to ``user`` (departed
    ones included). Both lists are the request's facts (``keeps``, ``kept_by_staff``), so
    the filter is a list of ids, and matches nothing, without a query, when both are empty:
    as subqueries, PostgreSQL walked every open finding to test each against them."""
    return Q(account__in=kept_ids(user) + [kept.account_id for kept in kept_by_staff(user)])


@transaction.atomic
def open_now(*, accounts, check_slug: str, detail: str, actor: User | None, reason: str = "") -> list[Finding]:
    """Open a finding on each of ``accounts`` at once, between runs, when an event makes
    the failure certain (a site manager leaving the roster). The next run keeps it open
    while it fails, and closes it like any other. Accounts already holding an open
    finding of that check keep theirs. Returns the findings opened."""
    now = timezone.now()
    already = Finding.objects.filter(check_slug=check_slug, closed_at__isnull=True)
    targets = list(accounts.exclude(pk__in=already.values("account_id")).select_related("org_unit", "platform"))
    Finding.objects.bulk_create([Finding(check_slug=check_slug, account=account, detail=detail[:300], opened_at=now)
                                 for account in targets], ignore_conflicts=True)
    opened = list(Finding.objects.filter(check_slug=check_slug, closed_at__isnull=True, opened_at=now,
                                         account__in=[account.pk for account in targets]))
    by_pk = {account.pk: account for account in targets}
    for finding in opened:
        account = finding.account = by_pk[finding.account_id]
        record(actor=actor, verb="finding.opened", target=account, after={"check": check_slug},
               org_unit=account.org_unit, reason=reason or detail)
    return opened
