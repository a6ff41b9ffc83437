"""Every change to people, the superintendency and delegations.

Each function is one transaction that checks who may act, changes the rows, writes its
audit event and queues its mail, or changes nothing and raises ``PeopleError`` with a
message fit to show beside the form.
"""

from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from audits.services import record, snapshot
from mps_social.errors import ServiceError
from notifications.services import notify, notify_many, notify_new

from . import roles, selectors
from .models import DISTRICT_ONLY_POWERS, Delegation, OrgUnit, Power, User


class PeopleError(ServiceError):
    """A change the rules refuse; ``field`` names the form field it belongs beside."""


DELEGATION_FIELDS = ["grantee", "scope", *Power.values, "starts_on", "ends_on", "reason"]


@transaction.atomic
def appoint_superintendent(*, actor: User, appointee: User, reason: str) -> User:
    """Make ``appointee`` the superintendent, ending the current one's term.

    Only an administrator (the board's action is recorded by the district's admin staff)
    or the sitting superintendent may appoint, and never themselves: the superintendent
    establishes accounts (R-III-B) and may reveal every escrowed credential (R-III-E), so
    an administrator who could appoint themselves could read them all. Delegations granted
    by the outgoing superintendent stop being in force at once
    (``DelegationQuerySet.in_force``). The outgoing and incoming superintendents and every
    active administrator are told who made the change, so none happens unnoticed; the
    audit event names the actor, the outgoing and the incoming superintendent.
    """
    if not (actor.is_active and (actor.is_superuser or roles.is_superintendent(actor))):
        raise PeopleError("Only an administrator or the sitting superintendent can appoint a superintendent.")
    if appointee.pk == actor.pk:
        raise PeopleError("You cannot appoint yourself superintendent: another administrator must do it.",
                          field="appointee")
    if not reason.strip():
        raise PeopleError("Say why the superintendent changes.", field="reason")
    appointee = User.objects.select_for_update().get(pk=appointee.pk)
    if not appointee.is_active or not appointee.is_employee:
        raise PeopleError("The superintendent must be an active district employee.", field="appointee")
    if appointee.is_superintendent:
        raise PeopleError(f"{appointee} is already the superintendent.", field="appointee")
    outgoing = User.objects.select_for_update().filter(is_superintendent=True, is_active=True).first()
    if outgoing:
        outgoing.is_superintendent = False
        outgoing.save(update_fields=["is_superintendent"])
    appointee.is_superintendent = True
    appointee.save(update_fields=["is_superintendent"])
    record(
        actor=actor,
        verb="superintendent.appointed",
        target=appointee,
        before={"superintendent": outgoing.email if outgoing else None},
        after={"superintendent": appointee.email},
        reason=reason,
    )
    told = {person.pk: person for person in User.objects.filter(is_active=True, is_staff=True)}
    told.update({person.pk: person for person in (outgoing, appointee) if person})
    context = {"actor": actor, "incoming": appointee, "outgoing": outgoing, "reason": reason}
    notify_many((person, "superintendent_appointed", context, None) for person in told.values())
    return appointee


@transaction.atomic
def grant_delegation(
    *,
    actor: User,
    grantee: User,
    scope: OrgUnit,
    powers: set[str],
    starts_on: date,
    ends_on: date,
    reason: str = "",
) -> Delegation:
    """The superintendent designates ``grantee`` to act for them over ``scope``.

    A delegation is never granted by anyone but the superintendent, never to oneself,
    never with a power the superintendent cannot delegate, never with a whole-district
    power over part of it (``DISTRICT_ONLY_POWERS``: it would count for nothing there),
    and never back-dated: the superintendent's authority starts now, and so does anything
    derived from it.
    """
    if not roles.is_superintendent(actor):
        raise PeopleError("Only the superintendent can grant a delegation.")
    if grantee.pk == actor.pk:
        raise PeopleError("The superintendent cannot delegate to themselves.", field="grantee")
    if not grantee.is_active or not grantee.is_employee:
        raise PeopleError("A designee must be an active district employee.", field="grantee")
    unknown = set(powers) - set(Power.values)
    if unknown:
        raise PeopleError(f"Unknown powers: {', '.join(sorted(unknown))}.", field="powers")
    if not powers:
        raise PeopleError("Choose at least one power to delegate.", field="powers")
    if scope.parent_id is not None and (district_only := set(powers) & DISTRICT_ONLY_POWERS):
        raise PeopleError(" ".join(f"“{Power(power).label}” covers the whole district: choose the district as the "
                                   "scope, or leave it out." for power in sorted(district_only)), field="powers")
    if starts_on < timezone.localdate():
        raise PeopleError("A delegation cannot start in the past.", field="starts_on")
    if ends_on < starts_on:
        raise PeopleError("The end date must be on or after the start date.", field="ends_on")
    delegation = Delegation.objects.create(
        grantee=grantee,
        granted_by=actor,
        scope=scope,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason,
        **{power: power in powers for power in Power.values},
    )
    record(
        actor=actor,
        verb="delegation.granted",
        target=delegation,
        after=snapshot(delegation, DELEGATION_FIELDS),
        org_unit=scope,
        reason=reason,
    )
    notify(
        recipient=grantee,
        template="delegation_granted",
        context={"delegation": delegation, "powers": delegation.get_powers_display()},
    )
    return delegation


@transaction.atomic
def revoke_delegation(*, actor: User, delegation: Delegation, reason: str) -> Delegation:
    """End a delegation now. Only the superintendent revokes; a reason is required."""
    if not roles.is_superintendent(actor):
        raise PeopleError("Only the superintendent can revoke a delegation.")
    if not reason.strip():
        raise PeopleError("Say why the delegation ends.", field="reason")
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    if delegation.revoked_at:
        raise PeopleError("This delegation was already revoked.")
    delegation.revoked_at = timezone.now()
    delegation.revoked_by = actor
    delegation.revoke_reason = reason
    delegation.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    record(
        actor=actor,
        verb="delegation.revoked",
        target=delegation,
        before={"revoked": False},
        after={"revoked": True},
        org_unit=delegation.scope,
        reason=reason,
    )
    notify(recipient=delegation.grantee, template="delegation_revoked", context={"delegation": delegation})
    return delegation


def head_problem(*, actor: User | None, head: User | None) -> str:
    """Why ``head`` cannot be made a unit's head by ``actor``, in words for beside the
    field; "" when they can. A head reads the concern reports about the unit's accounts
    and names (R-IV-B), so an administrator never makes themselves one: another must."""
    if head is None:
        return ""
    if actor is not None and head.pk == actor.pk:
        return "You cannot make yourself a unit's head: another administrator must do it."
    if not head.is_active or not head.is_employee:
        return "A unit's head must be an active district employee."
    return ""


@transaction.atomic
def set_unit_head(*, actor: User, unit: OrgUnit, head: User | None, reason: str = "") -> OrgUnit:
    """Make ``head`` the head of ``unit`` (None: nobody). Only an administrator, never for
    themselves (``head_problem``); one audit event naming the outgoing and incoming head.
    Being a unit's head lets one read the concern reports about its accounts and names
    and be told of them (R-IV-B); it grants no power to act on anything."""
    if not (actor.is_active and actor.is_staff):
        raise PeopleError("Only an administrator can change who heads a school or department.")
    if problem := head_problem(actor=actor, head=head):
        raise PeopleError(problem, field="head")
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    before = unit.head.email if unit.head_id else None
    if unit.head_id == (head.pk if head else None):
        return unit
    unit.head = head
    unit.save(update_fields=["head"])
    record(actor=actor, verb="orgunit.head_changed", target=unit, before={"head": before},
           after={"head": head.email if head else None}, org_unit=unit, reason=reason)
    return unit
@transaction.atomic
def send_delegation_reminders(*, today: date | None = None) -> int:
    """The daily job (``people.tasks``): 14 and 3 days before a delegation in force ends,
    remind its holder and the superintendent, who may grant a new one before the powers
    lapse (Policy 4038 §III.C, §V). Each reminder has its outbox key (delegation,
    threshold, person), so a second run, or a second scheduler at once, sends nothing
    twice. Reminders change no state, so they are no audit events: the outbox is their
    record. A fixed number of queries whatever the number of delegations. Returns how
    many mails were queued."""
    return notify_new(delegation_reminder_mails(today or timezone.localdate()))


def delegation_reminder_mails(today: date) -> list:
    """The mails ``send_delegation_reminders`` owes on ``today``, sent already or not, as
    ``notify_new``'s items."""
    ending = selectors.delegation_reminders_owed(today)
    superintendent = User.objects.filter(is_superintendent=True, is_active=True).first() if ending else None
    items = []
    for due in ending:
        delegation = due.delegation
        context = {"delegation": delegation, "threshold": due.threshold, "days_left": due.days_left,
                   "powers": delegation.get_powers_display()}
        for person, holder in ((delegation.grantee, True), (superintendent, False)):
            if person is not None and (holder or person.pk != delegation.grantee_id):
                items.append((person, "delegation_ending", {**context, "holder": holder},
                              f"delegation-ending:{delegation.pk}:{due.threshold}:{person.pk}",
                              reverse("people:delegations" if holder else "people:grant_delegation")))
    return items
