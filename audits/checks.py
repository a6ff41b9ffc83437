"""The checks of the compliance audit (R-V-D), each tied to its clause of Policy 4038.

A check answers, for the whole set of active accounts at once, which fail, whatever the
size of the registry: ``check.failing(accounts, now)`` is a query of the failing accounts
annotated with the finding's ``detail`` or, for protected names, whose folding is done in
Python over one pass, a dict of account id to detail. ``failing(checks, accounts, now)``
runs the queries as one statement. "Has none" is ``NOT EXISTS``, never ``NOT IN
(subquery)``: on a PostgreSQL that has not yet analysed freshly loaded tables, ``NOT IN``
was planned as a subquery per account, and an audit of 5,000 accounts took 80 s instead
of a tenth of a second (bench.audit).
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from django.conf import settings
from django.db.models import CharField, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Concat
from django.utils import timezone

from accounts.models import Designation, OfficialAccount, ProtectedName
from accounts.rules import NameIndex, fold
from credentials.models import CredentialVersion


@dataclass(frozen=True)
class Check:
    slug: str
    requirement: str
    clause: str
    title: str
    why: str
    failing: Callable[[QuerySet, object], QuerySet | dict[int, str]]


def _with_detail(queryset, detail: str) -> QuerySet:
    return queryset.annotate(detail=Value(detail, output_field=CharField()))


def _current_site_managers():
    return Designation.objects.filter(role=Designation.Role.SITE_MANAGER, ended_at__isnull=True)


def site_manager(accounts, now):
    fit = _current_site_managers().filter(account=OuterRef("pk"), person__is_active=True, person__kind="employee")
    return _with_detail(accounts.exclude(Exists(fit)), "No current site manager who is an active employee.")


def training(accounts, now):
    from training.selectors import lacks_site_manager_training

    # On the designation itself: through the set of people lacking training (two more
    # nested selects) the check took three times as long to build and run (bench.district).
    lacking = _current_site_managers().filter(person__is_active=True).filter(
        lacks_site_manager_training("person", on=timezone.localdate(now)))
    return _with_detail(accounts.filter(pk__in=lacking.values("account_id")),
                        "The site manager's required training is not current.")


def escrowed(accounts, now):
    current = CredentialVersion.objects.filter(account=OuterRef("pk"), replaced_at__isnull=True)
    return _with_detail(accounts.exclude(Exists(current)), "No log-in credentials are escrowed.")


def escrow_age(accounts, now):
    limit = now - timedelta(days=settings.ESCROW_MAX_AGE_DAYS)
    stale = CredentialVersion.objects.filter(replaced_at__isnull=True, created_at__lt=limit)
    return _with_detail(accounts.filter(pk__in=stale.values("account_id")),
                        f"The escrowed credentials are older than {settings.ESCROW_MAX_AGE_DAYS} days.")


def rotation(accounts, now):
    return accounts.filter(rotation_due=True).annotate(
        detail=Concat(Value("Rotation due: "), "rotation_due_reason", output_field=CharField()))


def review(accounts, now):
    # The district's day, not UTC's: in Chicago's evening UTC is already tomorrow.
    overdue = Q(next_review_due__lt=timezone.localdate(now)) | Q(next_review_due__isnull=True)
    return _with_detail(accounts.filter(overdue), "The annual review is overdue.")


def audience_age(accounts, now):
    return _with_detail(accounts.filter(audience_min_age__lt=F("platform__minimum_age")),
                        "Its audience includes children younger than the platform admits.")


def protected_name(accounts, now):
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
          "Every public account has one site manager, a district employee.", site_manager),
    Check("training", "R-V-C", "§V.C", "The site manager's training is current",
          "Site managers complete the required training and keep it current.", training),
    Check("escrowed", "R-III-E", "§III.E", "Credentials escrowed",
          "The district holds every account's log-in credentials.", escrowed),
    Check("escrow_age", "R-III-E", "§III.E", "Credentials recently rotated",
          "Escrowed credentials are changed at least every ESCROW_MAX_AGE_DAYS days.", escrow_age),
    Check("rotation", "R-III-E", "§III.E", "No rotation outstanding",
          "A reveal, a new site manager or a new supervisor means new credentials.", rotation),
    Check("review", "R-V-D", "§V.D", "Annual review on time",
          "The site manager confirms every year that the account is needed and its details are right.", review),
    Check("audience_age", "R-III-H", "§III.H", "Audience within the platform's age limit",
          "No account addresses children younger than its platform admits (COPPA).", audience_age),
    Check("protected_name", "R-III-A", "§III.A", "Protected names used by their owners",
          "Only a unit's own accounts use its name, mascot or teams.", protected_name),
]
BY_SLUG = {check.slug: check for check in CHECKS}


def failing(checks, accounts, now) -> dict[str, dict[int, str]]:
    """For each of ``checks``, its failing accounts with the finding's detail. The checks
    that are queries go to the database as one statement (UNION ALL, as bench.jobs's
    floor): seven round trips and plans cost 10.4 ms on PostgreSQL at ``city``, one 8.7."""
    found, queries = {}, []
    for check in checks:
        result = check.failing(accounts, now)
        if isinstance(result, dict):
            found[check.slug] = result
        else:
            found[check.slug] = {}
            queries.append(result.values_list(Value(check.slug, output_field=CharField()), "pk", "detail"))
    if queries:
        for slug, pk, detail in queries[0].union(*queries[1:], all=True):
            found[slug][pk] = detail
    return found


def population() -> QuerySet[OfficialAccount]:
    """What the audit checks: every active account, in no order (the checks find sets;
    the registry's default order made every check sort its accounts by name)."""
    return OfficialAccount.objects.active().order_by()
