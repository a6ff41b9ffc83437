"""The checks of the compliance audit (R-V-D), each tied to its clause of Policy 4038.

A check answers, for the whole set of active accounts at once, which fail: one query
(two for protected names, whose folding is done in Python over one pass), whatever the
size of the registry. "Has none" is ``NOT EXISTS``, never ``NOT IN (subquery)``: on a
PostgreSQL that has not yet analysed freshly loaded tables, ``NOT IN`` was planned as a
subquery per account, and an audit of 5,000 accounts took 80 s instead of a tenth of a
second (bench.audit). ``failing(accounts, now)`` returns the failing account ids with a
short detail for each finding.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q, QuerySet

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
    failing: Callable[[QuerySet, object], dict[int, str]]


def _ids(queryset, detail: str) -> dict[int, str]:
    return {pk: detail for pk in queryset.values_list("pk", flat=True)}


def _current_site_managers():
    return Designation.objects.filter(role=Designation.Role.SITE_MANAGER, ended_at__isnull=True)


def site_manager(accounts, now):
    fit = _current_site_managers().filter(account=OuterRef("pk"), person__is_active=True, person__kind="employee")
    return _ids(accounts.exclude(Exists(fit)), "No current site manager who is an active employee.")


def training(accounts, now):
    from training.selectors import site_managers_lacking_training

    lacking = _current_site_managers().filter(person__in=site_managers_lacking_training())
    return _ids(accounts.filter(pk__in=lacking.values("account_id")),
                "The site manager's required training is not current.")


def escrowed(accounts, now):
    current = CredentialVersion.objects.filter(account=OuterRef("pk"), replaced_at__isnull=True)
    return _ids(accounts.exclude(Exists(current)), "No log-in credentials are escrowed.")


def escrow_age(accounts, now):
    limit = now - timedelta(days=settings.ESCROW_MAX_AGE_DAYS)
    stale = CredentialVersion.objects.filter(replaced_at__isnull=True, created_at__lt=limit)
    return _ids(accounts.filter(pk__in=stale.values("account_id")),
                f"The escrowed credentials are older than {settings.ESCROW_MAX_AGE_DAYS} days.")


def rotation(accounts, now):
    return {pk: f"Rotation due: {reason}" for pk, reason in
            accounts.filter(rotation_due=True).values_list("pk", "rotation_due_reason")}


def review(accounts, now):
    return _ids(accounts.filter(Q(next_review_due__lt=now.date()) | Q(next_review_due__isnull=True)),
                "The annual review is overdue.")


def audience_age(accounts, now):
    return _ids(accounts.filter(audience_min_age__lt=F("platform__minimum_age")),
                "Its audience includes children younger than the platform admits.")


def protected_name(accounts, now):
    """One query for the names, one for the accounts (none when nothing is protected);
    the folding and the search (``NameIndex``) run in Python."""
    index = NameIndex(ProtectedName.objects.select_related("owner"))
    if not index:
        return {}
    failing = {}
    for pk, handle, display_name, path in accounts.values_list("pk", "handle", "display_name", "unit_path"):
        for name in index.names_in(fold(handle) + " " + fold(display_name)):
            if not path.startswith(name.owner.path):
                failing[pk] = f"Uses “{name.name}”, which belongs to {name.owner.name}."
                break
    return failing


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


def population() -> QuerySet[OfficialAccount]:
    """What the audit checks: every active account."""
    return OfficialAccount.objects.active()
