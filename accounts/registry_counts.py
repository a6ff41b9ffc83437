"""How many accounts the registry lists for a person (what its pages are numbered by),
counted once per change of the registry.

The superintendent's office pages through the registry all day, and at the largest
district's scale its count cost more than its page of rows: a designee's part of the
registry is an OR of unit subtrees, kept accounts and supervised ones, which no index
answers, so the count grew with the registry while the page's rows did not
(bench/RESULTS.md).

A count is split along the parts of ``selectors.reach``: the accounts under the
delegations' unit paths depend on the registry alone, so they are kept in the shared
cache under those paths (``mps_social.versioned_cache``: any account or unit saved or
deleted starts a new version) and shared by every designee with the same scope; the few
accounts one keeps or whose site manager one supervises, outside those paths, are
counted live, so a hand-over or a new supervisor shows at once. A search counts what it
finds; the status and platform filters, chosen from short lists, are kept too.
"""

import hashlib

from django.db.models import QuerySet

from mps_social.versioned_cache import VersionedCache
from people import roles
from people.models import OrgUnit

from . import selectors
from .models import OfficialAccount

MAX_AGE = 300  # seconds: the longest a count outlives a change the signals missed

registry = VersionedCache("registry")


def connect() -> None:
    registry.watch(OfficialAccount, OrgUnit)


def visible_count(user, *, status: str = "", platform=None) -> int:
    """How many accounts ``selectors.visible_accounts(user)`` holds with that ``status``
    and on that ``platform`` (either empty: any)."""
    accounts: QuerySet[OfficialAccount] = OfficialAccount.objects.all()
    if status:
        accounts = accounts.filter(status=status)
    if platform is not None:
        accounts = accounts.filter(platform=platform)
    filters = f"{status}:{platform.pk if platform is not None else ''}"
    if roles.is_superintendent(user):
        return registry.cached(f"count:all:{filters}", accounts.count, MAX_AGE)
    paths, keeps, supervised = selectors.reach(user)
    under = selectors.under(paths)
    count = 0
    if paths:
        # A digest names the scope: a key stays short however many delegations one holds.
        scope = hashlib.sha256("\n".join(sorted(paths)).encode()).hexdigest()[:32]
        count = registry.cached(f"count:{scope}:{filters}", accounts.filter(under).count, MAX_AGE)
    own = set(keeps) | set(supervised)  # one's own few: the request's facts (``selectors.reach``)
    if own:
        count += accounts.filter(pk__in=own).exclude(under).count()
    return count
