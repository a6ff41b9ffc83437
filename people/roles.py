"""Derived roles: what the data says a person is, computed once per request.

Nothing here is stored. The superintendent is the one active flagged user; a supervisor is
anyone with active reports; a designee holds a delegation in force. Results are cached on
the user object, which lives for one request, so a page asks the database at most once
per fact however many permission checks it makes.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from .models import Delegation, OrgUnit, Power, User


@dataclass(frozen=True)
class Grant:
    scope_path: str
    powers: frozenset[str]

    @property
    def whole_district(self) -> bool:
        """The scope is the district itself: the one unit whose path holds one id ("/1/")."""
        return self.scope_path.count("/") == 2


def per_request(user, key, compute):
    """``compute()``, asked once a request for ``user``: kept on the user object, which
    lives for one request, under ``key``, until ``forget``. Every app keeps its facts
    about a person here."""
    cache = user.__dict__.setdefault("_roles_cache", {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def forget(user):
    """Drop cached facts, after a change that alters them within the same request."""
    user.__dict__.pop("_roles_cache", None)


def is_superintendent(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_superintendent)


def delegations(user) -> tuple[Delegation, ...]:
    """The delegations in force for ``user`` today, with their scopes: one query a request,
    which ``grants`` and the pages that list them share. None for the superintendent, who
    holds every power already and can hold none by delegation (one is in force only while
    its grantor is the sitting superintendent, who never grants to themself), so their
    pages skip the query."""
    if not (user and user.is_authenticated and user.is_active) or is_superintendent(user):
        return ()
    return per_request(user, "delegations", lambda: tuple(
        Delegation.objects.in_force(timezone.localdate()).filter(grantee=user).select_related("scope")))


def grants(user) -> tuple[Grant, ...]:
    """The delegations in force for ``user`` today, as (scope, powers) pairs."""
    return per_request(user, "grants", lambda: tuple(Grant(row.scope.path, row.powers) for row in delegations(user)))


def is_designee(user) -> bool:
    """Whether ``user`` holds any delegation in force. It grants nothing by itself (every
    permission names a power and a scope); it only says who must sign in with a second
    factor (``mps_social.security``)."""
    return bool(grants(user))


def powers_over(user, org_unit: OrgUnit) -> frozenset[str]:
    """Which powers ``user`` holds over ``org_unit`` now: all of them for the
    superintendent, otherwise the union of the delegations whose scope contains it."""
    if is_superintendent(user):
        return frozenset(Power.values)
    held = set()
    for grant in grants(user):
        if org_unit.path.startswith(grant.scope_path):
            held |= grant.powers
    return frozenset(held)


def holds_power_somewhere(user, *powers: str) -> bool:
    """Whether ``user`` holds any of ``powers`` somewhere: what a list page asks before it
    shows the part of its list inside that power's scopes."""
    return is_superintendent(user) or any(grant.powers & set(powers) for grant in grants(user))


def holds_over_district(user, power: str) -> bool:
    """Whether ``user`` holds ``power`` over the whole district, not only part of it."""
    return is_superintendent(user) or any(grant.whole_district and power in grant.powers for grant in grants(user))


def scope_paths(user, *powers: str) -> tuple[str, ...]:
    """The unit paths of the delegations in force that carry any of ``powers``: where they
    count. Empty for the superintendent, whose callers need no filter at all."""
    return tuple(grant.scope_path for grant in grants(user) if grant.powers & set(powers))


def within(field: str, paths) -> Q:
    """A filter keeping the rows whose ``field`` (a unit path, such as ``org_unit__path``)
    lies inside any of the unit ``paths``; none at all for no paths."""
    scope = Q(pk__in=[])
    for path in paths:
        scope |= Q(**{f"{field}__startswith": path})
    return scope


def in_scope(user, field: str, *powers: str) -> Q | None:
    """``within`` the scopes where ``user`` holds any of ``powers``; None where they hold none
    of them. Not for the superintendent, who needs no filter."""
    paths = scope_paths(user, *powers)
    return within(field, paths) if paths else None


def is_supervisor(user) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    return per_request(user, "is_supervisor", lambda: user.reports.filter(is_active=True).exists())


def is_site_manager_supervisor(candidate: User, site_manager: User) -> bool:
    """Policy 4038 §III.E: is ``candidate`` the supervisor who shares escrow access with
    ``site_manager``? Only the site manager's current, direct supervisor, both active."""
    return bool(
        candidate
        and site_manager
        and candidate.is_active
        and site_manager.is_active
        and site_manager.supervisor_id == candidate.pk
    )
