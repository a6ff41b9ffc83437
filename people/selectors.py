"""Reads of people data, already narrowed to what the asking user may see."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from mps_social import reminders

from . import roles
from .models import Delegation, OrgUnit, Power, User


def delegations_for(user) -> QuerySet[Delegation]:
    """All delegations for the superintendent; one's own for anybody else."""
    queryset = Delegation.objects.select_related("grantee", "granted_by", "scope", "revoked_by")
    if roles.is_superintendent(user):
        return queryset
    return queryset.filter(grantee=user)


def org_units() -> QuerySet[OrgUnit]:
    return OrgUnit.objects.all()


def power_holders(org_unit: OrgUnit | None, power: str) -> QuerySet[User]:
    """Who holds ``power`` over ``org_unit`` today: the superintendent and every designee
    whose delegation in force with that power covers it. ``roles.powers_over`` for many
    people at once, in one query: the people to tell when something waits for them."""
    who = Q(is_superintendent=True)
    if org_unit is not None:
        delegations = Delegation.objects.in_force().with_power(power).filter(scope__path__in=org_unit.ancestor_paths())
        who |= Q(pk__in=delegations.values("grantee_id"))
    return User.objects.filter(who, is_active=True).order_by("full_name", "pk")


def reports_of(user, *, including_departed: bool = False) -> QuerySet[User]:
    """The ids of the people ``user`` supervises (active ones unless ``including_departed``),
    for a subquery read off the index on ``supervisor``. Filtering designations on their
    person's supervisor across the join instead, PostgreSQL scanned every person."""
    people = User.objects.filter(supervisor=user)
    return (people if including_departed else people.filter(is_active=True)).values("pk")


# --- delegations ending ---------------------------------------------------------------

ENDING_REMINDER_DAYS = (14, 3)  # before a delegation's last day


@dataclass(frozen=True)
class DelegationEnding:
    """A reminder the daily job owes about a delegation ending: ``threshold`` "14" or "3";
    ``days_left`` to its last day (0 on the last day itself)."""

    delegation: Delegation
    threshold: str
    days_left: int


def delegation_reminders_owed(today: date | None = None) -> list[DelegationEnding]:
    """The reminders owed on ``today`` about delegations in force that end within 14 days
    ("14") or 3 days ("3"), whether sent already or not (``people.services.
    send_delegation_reminders`` leaves out those sent). One query, whatever the number of
    delegations."""
    today = today or timezone.localdate()
    ending = (Delegation.objects.in_force(today)
              .filter(ends_on__lte=today + timedelta(days=ENDING_REMINDER_DAYS[0]))
              .select_related("grantee", "scope").order_by("ends_on", "pk"))
    return [DelegationEnding(delegation, reminders.before(delegation.ends_on, today, ENDING_REMINDER_DAYS),
                             (delegation.ends_on - today).days)
            for delegation in ending]


DELEGATION_NOTICE_DAYS = ENDING_REMINDER_DAYS[0]  # on the home as ending from the first reminder


def delegations_ending(user, today) -> list[Delegation]:
    """The delegations in force ending within ``DELEGATION_NOTICE_DAYS``, the soonest
    first: every one for the superintendent, who grants them (``delegations_for``, one
    query); one's own for a designee (read off ``roles.delegations``, already loaded)."""
    last = today + timedelta(days=DELEGATION_NOTICE_DAYS)
    if roles.is_superintendent(user):
        return list(delegations_for(user).in_force(today).filter(ends_on__lte=last).select_related(None)
                    .select_related("grantee", "scope").only(*Power.values, "ends_on", "grantee__full_name", "scope__name")
                    .order_by("ends_on", "pk"))
    return sorted((row for row in roles.delegations(user) if row.ends_on <= last), key=lambda row: row.ends_on)
