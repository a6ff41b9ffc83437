"""Every change to people, the superintendency and delegations.

Each function is one transaction that checks who may act, changes the rows, writes its
audit event and queues its mail, or changes nothing and raises ``PeopleError`` with a
message fit to show beside the form.
"""

from datetime import date

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from audits.services import record, snapshot
from mps_social.celery import queue
from mps_social.errors import ServiceError
from mps_social.permissions import has_perm
from notifications.services import notify, notify_many

from . import roles, roster, roster_effects
from .models import DISTRICT_ONLY_POWERS, Delegation, OrgUnit, Power, RosterImport, User


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


# --- the HR roster (people/roster.py) ---------------------------------------------------

ROSTER_PROGRESS = "roster:{pk}:progress"


@transaction.atomic
def preview_roster(*, actor: User, filename: str, data: bytes) -> RosterImport:
    """Check the file and keep it with its preview, the lines that move power among it;
    nothing about people changes yet. Raises ``roster.RosterInvalid`` with every problem,
    a line that would make ``actor`` somebody's supervisor among them."""
    if not has_perm(actor, "people.import_roster"):
        raise PeopleError("Only the superintendent, or a designee importing the roster for the whole district, "
                          "imports the roster.")
    plan = roster.compare(roster.read(data))
    if problems := roster.making_supervisor_of_others(plan, actor):
        raise roster.RosterInvalid(problems)
    lines = roster_effects.authority_lines(plan)
    upload = RosterImport.objects.create(uploaded_by=actor, filename=filename[:200], data=data,
                                         preview={**plan.counts(), "not in the file": plan.not_in_roster},
                                         authority=[line.as_dict() for line in lines])
    record(actor=actor, verb="roster.previewed", target=upload,
           after={**upload.preview, "changes of authority": len(lines)})
    return upload


@transaction.atomic
def start_roster_import(*, actor: User, upload: RosterImport, confirmed: bool = False) -> RosterImport:
    """Apply a previewed roster (a Celery task; progress in the cache), or, when it moves
    power (``RosterImport.authority``), send it to the superintendent first.

    The superintendent applies such a roster only by confirming its changes of authority
    (``confirmed``), whoever uploaded it: a roster that names a new supervisor for a site
    manager, or a new email for a designee, hands somebody escrowed credentials or a
    sign-in (R-III-E)."""
    upload = RosterImport.objects.select_for_update().get(pk=upload.pk)
    if upload.status not in (RosterImport.Status.PREVIEWED, RosterImport.Status.AWAITING):
        raise PeopleError(f"This roster is already {upload.get_status_display().lower()}.")
    superintendent = roles.is_superintendent(actor)
    if not (has_perm(actor, "people.import_roster") if upload.status == RosterImport.Status.PREVIEWED
            else superintendent):
        raise PeopleError("Only the superintendent can confirm this roster's changes of authority.")
    if upload.authority and not superintendent:
        upload.status = RosterImport.Status.AWAITING
        upload.save(update_fields=["status"])
        record(actor=actor, verb="roster.sent_for_confirmation", target=upload,
               after={"changes of authority": len(upload.authority)})
        for person in User.objects.filter(is_superintendent=True, is_active=True):
            notify(recipient=person, template="roster_awaiting_confirmation",
                   context={"upload": upload, "uploader": actor, "lines": upload.authority})
        return upload
    if upload.authority:
        if not confirmed:
            raise PeopleError("Tick the box to confirm the changes of authority before applying the roster.",
                              field="confirmed")
        upload.confirmed_by, upload.confirmed_at = actor, timezone.now()
    upload.status = RosterImport.Status.APPLYING
    upload.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    record(actor=actor, verb="roster.apply_started", target=upload,
           after={"changes of authority confirmed": len(upload.authority)} if upload.authority else None)
    transaction.on_commit(lambda: queue("people.apply_roster", upload.pk))
    return upload


@transaction.atomic
def decline_roster(*, actor: User, upload: RosterImport, reason: str) -> RosterImport:
    """The superintendent declines a roster that waits for her confirmation: nothing of it
    applies, and its uploader is told why."""
    if not roles.is_superintendent(actor):
        raise PeopleError("Only the superintendent can decline a roster.")
    if not reason.strip():
        raise PeopleError("Say why the roster is declined.", field="reason")
    upload = RosterImport.objects.select_for_update().select_related("uploaded_by").get(pk=upload.pk)
    if upload.status != RosterImport.Status.AWAITING:
        raise PeopleError(f"This roster is {upload.get_status_display().lower()}, not waiting for you.")
    upload.status, upload.error = RosterImport.Status.DECLINED, reason[:300]
    upload.save(update_fields=["status", "error"])
    record(actor=actor, verb="roster.declined", target=upload, reason=reason)
    if upload.uploaded_by_id != actor.pk:
        notify(recipient=upload.uploaded_by, template="roster_declined",
               context={"upload": upload, "superintendent": actor, "reason": reason})
    return upload


def apply_roster_import(import_id: int) -> str:
    """Apply a stored roster: read and compare again (the portal may have changed since
    the preview), apply in one transaction, and record the outcome. The changes of
    authority must be the very ones confirmed: if the portal changed them since, nothing
    applies and the roster is uploaded again."""
    upload = RosterImport.objects.select_related("uploaded_by", "confirmed_by").get(pk=import_id)
    if upload.status != RosterImport.Status.APPLYING:
        return upload.status  # redelivered: it ran already
    key = ROSTER_PROGRESS.format(pk=upload.pk)
    try:
        plan = roster.compare(roster.read(bytes(upload.data)))
        if problems := roster.making_supervisor_of_others(plan, upload.uploaded_by):
            raise roster.RosterInvalid(problems)
        lines = roster_effects.authority_lines(plan)
        if [line.as_dict() for line in lines] != upload.authority or (lines and upload.confirmed_by is None):
            raise roster.RosterInvalid(["The changes of authority are no longer those previewed and confirmed: "
                                        "upload the roster again."])
        with transaction.atomic():
            summary = apply_plan(plan, lines, actor=upload.uploaded_by,
                                 progress=lambda done, total: cache.set(key, (done, total), 3600))
            RosterImport.objects.filter(pk=upload.pk).update(status=RosterImport.Status.APPLIED, summary=summary,
                                                             applied_at=timezone.now())
            record(actor=upload.uploaded_by, verb="roster.applied", target=upload, after=summary)
    except roster.RosterInvalid as invalid:
        RosterImport.objects.filter(pk=upload.pk).update(status=RosterImport.Status.FAILED,
                                                         error=invalid.errors[0][:300])
        return RosterImport.Status.FAILED
    finally:
        cache.delete(key)
    return RosterImport.Status.APPLIED


@transaction.atomic
def apply_plan(plan: roster.Plan, lines: list, *, actor: User | None, progress=None) -> dict[str, int]:
    """Apply a roster's ``plan`` and carry out its effects (``roster_effects.carry_out``) in
    one transaction, and tell the old addresses of those whose email change moves power
    (``lines``, from ``roster_effects.authority_lines`` before the plan applies). Returns
    the counts of each change and effect. Who may apply it is the caller's to check: the
    portal's pages through ``start_roster_import``, the server's shell through
    ``manage.py import_roster``."""
    summary = roster.apply(plan, actor=actor, progress=progress)
    summary |= roster_effects.carry_out(plan, actor=actor)
    roster_effects.tell_old_addresses(plan, lines)
    return summary
