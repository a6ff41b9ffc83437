"""The checks of the compliance audit (R-V-D), each tied to its clause of Policy 4038.

A check answers, for the whole set of accounts it covers at once, which fail, whatever the
size of the registry. Which accounts a check covers is its ``statuses``: what it asks
only means something from activation (credentials escrowed, their age and rotation, the
annual review, the audience and the name as the account speaks) covers active accounts;
who keeps the account (a site manager who is an active employee, their training) covers
every account the district keeps, pending setup and suspended too: a site manager who
left a pending account is a finding there as well, before the account goes live. A
pending account without escrowed credentials is not a finding: escrowing them is what
activates it (R-III-E), so the state says so already; a pending account that stalls is
the registry's to see, not the audit's.

A finding closes only when a check that ran on its account says it passes
(``Tally.open`` counts the findings a run may close): an account outside a check's
``statuses`` is not checked by it, and its finding stays open (a suspended account keeps
its rotation due until it is active again and rotated). A retired account no longer
speaks for the district and is held to nothing: every check covers it as passing, so its
findings close. Most are a query (``Check.query``): the failing accounts annotated
with the finding's ``detail``. The protected-name check folds names in Python, which SQL
cannot say (``Check.search``: a dict of account id to detail, over one pass). "Has none"
is ``NOT EXISTS``, never ``NOT IN (subquery)``: on a PostgreSQL that has not yet analysed
freshly loaded tables, ``NOT IN`` was planned as a subquery per account, and an audit of
5,000 accounts took 80 s instead of a tenth of a second (bench.audit).

A night asks the database one question (``tally``): how many accounts are active, how
many fail each check, how many of those have that finding open already, and how many of
its findings are open. Only a check whose findings change reads its failing accounts
(``failing``). The queries depend on nothing but the run's day and instant
(``RunValue``), so they are compiled once per process and each run binds its own: building
and compiling them took Django longer than a city's nightly audit spends in the database
(bench/RESULTS.md).
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from django.conf import settings
from django.db import connection
from django.db.models import (CharField, Count, DateField, DateTimeField, Exists, Expression, F, OuterRef, Q,
                              QuerySet, Value)
from django.db.models.functions import Concat
from django.utils import timezone

from accounts.models import Designation, OfficialAccount, ProtectedName
from accounts.rules import NameIndex, fold
from credentials.models import CredentialVersion
from training.selectors import lacks_site_manager_training

from .models import Finding


class RunValue(Expression):
    """A value each run sets (``run_values``), in a check's query. It compiles to a
    placeholder whose parameter is the ``RunValue`` itself, which ``_bind`` replaces with
    the run's value, adapted for the database as ``output_field`` adapts it."""

    def __init__(self, name: str, output_field):
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection):
        return "%s", [self]


# The district's day of the run, not UTC's: in Chicago's evening UTC is already tomorrow.
TODAY = RunValue("today", DateField())
# Credentials escrowed before this instant are older than the policy allows.
STALE_BEFORE = RunValue("stale_before", DateTimeField())


def run_values(now) -> dict:
    return {"today": timezone.localdate(now), "stale_before": now - timedelta(days=settings.ESCROW_MAX_AGE_DAYS)}


@dataclass(frozen=True)
class Check:
    slug: str
    requirement: str
    clause: str
    title: str
    # What the policy asks, in words; ``{escrow_max_age_days}`` stands for the setting.
    reason: str
    query: Callable[[QuerySet], QuerySet] | None = None
    search: Callable[[QuerySet], dict[int, str]] | None = None
    # The accounts it covers, by status (the module's docstring says why).
    statuses: tuple[str, ...] = (OfficialAccount.Status.ACTIVE,)

    @property
    def why(self) -> str:
        """``reason`` with the figures the district set (``ESCROW_MAX_AGE_DAYS``), read
        when shown, so the pages state the limit the audit applies."""
        return self.reason.format(escrow_max_age_days=settings.ESCROW_MAX_AGE_DAYS)


def _with_detail(queryset, detail: str) -> QuerySet:
    return queryset.annotate(detail=Value(detail, output_field=CharField()))


def _current_site_managers():
    return Designation.objects.filter(role=Designation.Role.SITE_MANAGER, ended_at__isnull=True)


def site_manager(accounts):
    fit = _current_site_managers().filter(account=OuterRef("pk"), person__is_active=True, person__kind="employee")
    return _with_detail(accounts.exclude(Exists(fit)), "No current site manager who is an active employee.")


def training(accounts):
    # On the designation itself: through the set of people lacking training (two more
    # nested selects) the check took three times as long to build and run (bench.district).
    lacking = _current_site_managers().filter(person__is_active=True).filter(
        lacks_site_manager_training("person", on=TODAY))
    return _with_detail(accounts.filter(pk__in=lacking.values("account_id")),
                        "The site manager's required training is not current.")


def escrowed(accounts):
    current = CredentialVersion.objects.filter(account=OuterRef("pk"), replaced_at__isnull=True)
    return _with_detail(accounts.exclude(Exists(current)), "No log-in credentials are escrowed.")


def escrow_age(accounts):
    stale = CredentialVersion.objects.filter(replaced_at__isnull=True, created_at__lt=STALE_BEFORE)
    return _with_detail(accounts.filter(pk__in=stale.values("account_id")),
                        f"The escrowed credentials are older than {settings.ESCROW_MAX_AGE_DAYS} days.")


def rotation(accounts):
    return accounts.filter(rotation_due=True).annotate(
        detail=Concat(Value("Rotation due: "), "rotation_due_reason", output_field=CharField()))


def review(accounts):
    overdue = Q(next_review_due__lt=TODAY) | Q(next_review_due__isnull=True)
    return _with_detail(accounts.filter(overdue), "The annual review is overdue.")


def audience_age(accounts):
    return _with_detail(accounts.filter(audience_min_age__lt=F("platform__minimum_age")),
                        "Its audience includes children younger than the platform admits.")


def protected_name(accounts) -> dict[int, str]:
    """One query for the names, one for the accounts (none when nothing is protected);
    the folding and the search (``NameIndex``) run in Python."""
    index = NameIndex(ProtectedName.objects.select_related("owner"))
    if not index:
        return {}
    found = {}
    for pk, handle, display_name, path in accounts.values_list("pk", "handle", "display_name", "unit_path"):
        for name in index.names_in(fold(handle) + " " + fold(display_name)):
            if not path.startswith(name.owner.path):
                found[pk] = f"Uses “{name.name}”, which belongs to {name.owner.name}."
                break
    return found


# Who keeps an account matters from its approval to its retirement.
KEPT = (OfficialAccount.Status.PENDING_SETUP, OfficialAccount.Status.ACTIVE, OfficialAccount.Status.SUSPENDED)
RETIRED = OfficialAccount.Status.RETIRED

CHECKS = [
    Check("site_manager", "R-III-E", "§III.E", "A site manager who is an active employee",
          "Every public account has one site manager, a district employee.", query=site_manager, statuses=KEPT),
    Check("training", "R-V-C", "§V.C", "The site manager's training is current",
          "Site managers complete the required training and keep it current.", query=training, statuses=KEPT),
    Check("escrowed", "R-III-E", "§III.E", "Credentials escrowed",
          "The district holds every account's log-in credentials.", query=escrowed),
    Check("escrow_age", "R-III-E", "§III.E", "Credentials recently rotated",
          "Escrowed credentials are changed at least every {escrow_max_age_days} days.", query=escrow_age),
    Check("rotation", "R-III-E", "§III.E", "No rotation outstanding",
          "A reveal, a new site manager or a new supervisor means new credentials.", query=rotation),
    Check("review", "R-V-D", "§V.D", "Annual review on time",
          "The site manager confirms every year that the account is needed and its details are right.",
          query=review),
    Check("audience_age", "R-III-H", "§III.H", "Audience within the platform's age limit",
          "No account addresses children younger than its platform admits (COPPA).", query=audience_age),
    Check("protected_name", "R-III-A", "§III.A", "Protected names used by their owners",
          "Only a unit's own accounts use its name, mascot or teams.", search=protected_name),
]
BY_SLUG = {check.slug: check for check in CHECKS}


@dataclass(frozen=True)
class Tally:
    failing: int  # covered accounts failing the check
    already: int  # of those, the ones whose finding of the check is open already
    open: int  # the check's open findings a run may close: on accounts it covers, or retired
    accounts: dict[int, str] | None = None  # a search's failing accounts, found on the way
    covered: int = 0  # the accounts it covers


NOTHING = Tally(0, 0, 0)  # a check no account fails and with no finding open: no row in the statement


def covered(check: Check, by_status: dict[str, int]) -> int:
    return sum(by_status.get(status, 0) for status in check.statuses)


def tally(now) -> tuple[int, dict[str, Tally]]:
    """How many accounts the checks cover at ``now``, and every check's ``Tally``: one
    statement for the queries (their accounts stay in the database) and each search, with
    the accounts it found. One statement, so the figures are of one moment: the count of
    accounts and the open findings were two more queries, a fifth of a quiet night's time
    at 5,000 accounts on PostgreSQL (bench.audit)."""
    sql, params = _statements()["tally"]
    with connection.cursor() as cursor:
        cursor.execute(sql, _bind(params, now))
        rows = cursor.fetchall()
    sums: dict[str, list[int]] = {}
    by_status: dict[str, int] = {}
    for slug, *figures in rows:
        if slug.startswith(_ACCOUNTS):
            by_status[slug[len(_ACCOUNTS):]] = figures[0]
            continue
        sums[slug] = [total + figure for total, figure in zip(sums.get(slug, [0, 0, 0]), figures)]
    accounts = sum(by_status.get(status, 0) for status in {status for check in CHECKS for status in check.statuses})
    tallies = {check.slug: Tally(*sums.get(check.slug, (0, 0, 0)), covered=covered(check, by_status))
               for check in CHECKS if check.slug in sums or covered(check, by_status)}
    for check in (check for check in CHECKS if check.search):
        found = check.search(population(check.statuses))
        open_ids = set(Finding.objects.filter(check_slug=check.slug, closed_at__isnull=True)
                       .values_list("account_id", flat=True)) if found else set()
        tallies[check.slug] = Tally(len(found), len(open_ids & found.keys()), tallies.get(check.slug, NOTHING).open,
                                    found, covered(check, by_status))
    return accounts, tallies


def failing(check: Check, now) -> dict[int, str]:
    """The accounts failing the query ``check`` at ``now``, with the finding's detail."""
    sql, params = _statements()[check.slug]
    with connection.cursor() as cursor:
        cursor.execute(sql, _bind(params, now))
        return dict(cursor.fetchall())


def population(statuses=(OfficialAccount.Status.ACTIVE,)) -> QuerySet[OfficialAccount]:
    """What a check covers: the accounts in ``statuses`` (``Check.statuses``; the active
    ones unless told), in no order (the checks find sets; the registry's default order
    made every check sort its accounts by name)."""
    return OfficialAccount.objects.filter(status__in=statuses).order_by()


def closable() -> Q:
    """The open findings a run may close, by check: on an account the check covers (it
    ran there and may say the account passes now), or on a retired account, held to
    nothing. The others stay open, whatever the run did not see."""
    scope = Q(account__status=RETIRED)
    for check in CHECKS:
        scope |= Q(check_slug=check.slug, account__status__in=check.statuses)
    return scope


# The compiled statements, by what their text depends on: the database's dialect and the
# age limit named in a finding's detail.
_compiled: dict[tuple, dict[str, tuple[str, list]]] = {}


def _statements() -> dict[str, tuple[str, list]]:
    key = (connection.vendor, settings.ESCROW_MAX_AGE_DAYS)
    if key not in _compiled:
        _compiled[key] = _compile()
    return _compiled[key]


_ACCOUNTS = "#"  # the tally's rows that count the accounts of a status ("#active"), as no check is named


def _compile() -> dict[str, tuple[str, list]]:
    """Each query check's (account id, detail), and "tally": rows of (check, failing,
    already, open), summed by check. The failing accounts are the UNION ALL of the checks
    (as bench.jobs's floor), joined to the open findings; then the open findings a run may
    close (``closable``) counted by check, and the accounts of each status (``_ACCOUNTS``)."""
    statements, parts = {}, []
    for check in CHECKS:
        if check.query is None:
            continue
        queryset = check.query(population(check.statuses))
        statements[check.slug] = queryset.values_list("pk", "detail").query.sql_with_params()
        parts.append(queryset.annotate(audit_check=Value(check.slug, output_field=CharField()),
                                       audit_account=F("pk")).values_list("audit_check", "audit_account"))
    failing_sql, failing_params = parts[0].union(*parts[1:], all=True).query.sql_with_params()
    accounts_sql, accounts_params = (OfficialAccount.objects.order_by().values("status")
                                     .annotate(audit_count=Count("pk")).query.sql_with_params())
    open_sql, open_params = (Finding.objects.filter(closable(), closed_at__isnull=True).order_by()
                             .values("check_slug").annotate(audit_count=Count("pk")).query.sql_with_params())
    findings = Finding._meta.db_table
    # Joined to the open findings, not an EXISTS per failing account: PostgreSQL runs that
    # as one index probe each, 1.7 s for 55,000 failing accounts against 0.2 s for the
    # floor (bench.audit); a join it can hash.
    statements["tally"] = (
        f"SELECT failing.audit_check, COUNT(*), COUNT(already.id), 0 FROM ({failing_sql}) failing "
        f"LEFT JOIN {findings} already ON already.check_slug = failing.audit_check "
        f"AND already.account_id = failing.audit_account AND already.closed_at IS NULL "
        f"GROUP BY failing.audit_check "
        f"UNION ALL SELECT closable.check_slug, 0, 0, closable.audit_count FROM ({open_sql}) closable "
        f"UNION ALL SELECT '{_ACCOUNTS}' || accounts.status, accounts.audit_count, 0, 0 FROM ({accounts_sql}) accounts",
        [*failing_params, *open_params, *accounts_params])
    return statements


def _bind(params: list, now) -> list:
    values = run_values(now)
    return [param.output_field.get_db_prep_value(values[param.name], connection)
            if isinstance(param, RunValue) else param for param in params]
