"""The checks of the compliance audit (R-V-D), each tied to its clause of Policy 4038.

A check answers, for the whole set of active accounts at once, which fail, whatever the
size of the registry. Most are a query (``Check.query``): the failing accounts annotated
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
from django.db.models import (CharField, DateField, DateTimeField, Exists, Expression, F, OuterRef, Q, QuerySet,
                              Value)
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


CHECKS = [
    Check("site_manager", "R-III-E", "§III.E", "A site manager who is an active employee",
          "Every public account has one site manager, a district employee.", query=site_manager),
    Check("training", "R-V-C", "§V.C", "The site manager's training is current",
          "Site managers complete the required training and keep it current.", query=training),
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
    failing: int  # active accounts failing the check
    already: int  # of those, the ones whose finding of the check is open already
    open: int  # the check's open findings, on any account: one on an account gone inactive is closed
    accounts: dict[int, str] | None = None  # a search's failing accounts, found on the way


NOTHING = Tally(0, 0, 0)  # a check no account fails and with no finding open: no row in the statement


def tally(now) -> tuple[int, dict[str, Tally]]:
    """How many accounts are active at ``now``, and every check's ``Tally``: one statement
    for the queries (their accounts stay in the database) and each search, with the
    accounts it found. One statement, so the figures are of one moment: the count of
    accounts and the open findings were two more queries, a fifth of a quiet night's time
    at 5,000 accounts on PostgreSQL (bench.audit)."""
    sql, params = _statements()["tally"]
    with connection.cursor() as cursor:
        cursor.execute(sql, _bind(params, now))
        rows = cursor.fetchall()
    sums: dict[str, list[int]] = {}
    for slug, *figures in rows:
        sums[slug] = [total + figure for total, figure in zip(sums.get(slug, [0, 0, 0]), figures)]
    accounts = sums.pop(_ACCOUNTS, [0])[0]
    tallies = {slug: Tally(*figures) for slug, figures in sums.items()}
    for check in (check for check in CHECKS if check.search):
        found = check.search(population())
        open_ids = set(Finding.objects.filter(check_slug=check.slug, closed_at__isnull=True)
                       .values_list("account_id", flat=True)) if found else set()
        tallies[check.slug] = Tally(len(found), len(open_ids & found.keys()), tallies.get(check.slug, NOTHING).open,
                                    found)
    return accounts, tallies


def failing(check: Check, now) -> dict[int, str]:
    """The accounts failing the query ``check`` at ``now``, with the finding's detail."""
    sql, params = _statements()[check.slug]
    with connection.cursor() as cursor:
        cursor.execute(sql, _bind(params, now))
        return dict(cursor.fetchall())


def population() -> QuerySet[OfficialAccount]:
    """What the audit checks: every active account, in no order (the checks find sets;
    the registry's default order made every check sort its accounts by name)."""
    return OfficialAccount.objects.active().order_by()


# The compiled statements, by what their text depends on: the database's dialect and the
# age limit named in a finding's detail.
_compiled: dict[tuple, dict[str, tuple[str, list]]] = {}


def _statements() -> dict[str, tuple[str, list]]:
    key = (connection.vendor, settings.ESCROW_MAX_AGE_DAYS)
    if key not in _compiled:
        _compiled[key] = _compile()
    return _compiled[key]


_ACCOUNTS = ""  # the tally's row that counts the active accounts, as no check is named


def _compile() -> dict[str, tuple[str, list]]:
    """Each query check's (account id, detail), and "tally": rows of (check, failing,
    already, open), summed by check. The failing accounts are the UNION ALL of the checks
    (as bench.jobs's floor), joined to the open findings; then the open findings counted
    by check, and the active accounts (``_ACCOUNTS``)."""
    statements, parts = {}, []
    for check in CHECKS:
        if check.query is None:
            continue
        queryset = check.query(population())
        statements[check.slug] = queryset.values_list("pk", "detail").query.sql_with_params()
        parts.append(queryset.annotate(audit_check=Value(check.slug, output_field=CharField()),
                                       audit_account=F("pk")).values_list("audit_check", "audit_account"))
    failing_sql, failing_params = parts[0].union(*parts[1:], all=True).query.sql_with_params()
    accounts_sql, accounts_params = population().values("pk").query.sql_with_params()
    findings = Finding._meta.db_table
    # Joined to the open findings, not an EXISTS per failing account: PostgreSQL runs that
    # as one index probe each, 1.7 s for 55,000 failing accounts against 0.2 s for the
    # floor (bench.audit); a join it can hash.
    statements["tally"] = (
        f"SELECT failing.audit_check, COUNT(*), COUNT(already.id), 0 FROM ({failing_sql}) failing "
        f"LEFT JOIN {findings} already ON already.check_slug = failing.audit_check "
        f"AND already.account_id = failing.audit_account AND already.closed_at IS NULL "
        f"GROUP BY failing.audit_check "
        f"UNION ALL SELECT check_slug, 0, 0, COUNT(*) FROM {findings} WHERE closed_at IS NULL GROUP BY check_slug "
        f"UNION ALL SELECT '{_ACCOUNTS}', COUNT(*), 0, 0 FROM ({accounts_sql}) accounts",
        [*failing_params, *accounts_params])
    return statements


def _bind(params: list, now) -> list:
    values = run_values(now)
    return [param.output_field.get_db_prep_value(values[param.name], connection)
            if isinstance(param, RunValue) else param for param in params]
