"""Every change to a roster upload: its preview, the superintendent's confirmation or
refusal of the changes of authority it carries, and its application in the background.

Each function is one transaction that checks who may act, changes the rows, writes its
audit event and queues its mail or task, or changes nothing and raises ``RosterError``
(``sync.RosterInvalid`` for a file that cannot apply) with a message fit to show beside the
form.
"""

from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from audits.services import record
from mps_social.celery import queue
from mps_social.errors import ServiceError
from mps_social.permissions import has_perm
from notifications.services import notify
from people import roles
from people.models import User

from . import effects, sync
from .models import RosterImport


class RosterError(ServiceError):
    """A change the rules refuse; ``field`` names the form field it belongs beside."""


ROSTER_PROGRESS = "roster:{pk}:progress"


@transaction.atomic
def preview_roster(*, actor: User, filename: str, data: bytes) -> RosterImport:
    """Check the file and keep it with its preview, the lines that move power among it;
    nothing about people changes yet. Raises ``sync.RosterInvalid`` with every problem,
    a line that would make ``actor`` somebody's supervisor among them."""
    if not has_perm(actor, "roster.import"):
        raise RosterError("Only the superintendent, or a designee importing the roster for the whole district, "
                          "imports the roster.")
    plan = sync.compare(sync.read(data))
    if problems := sync.making_supervisor_of_others(plan, actor):
        raise sync.RosterInvalid(problems)
    lines = effects.authority_lines(plan)
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
        raise RosterError(f"This roster is already {upload.get_status_display().lower()}.")
    superintendent = roles.is_superintendent(actor)
    if not (has_perm(actor, "roster.import") if upload.status == RosterImport.Status.PREVIEWED
            else superintendent):
        raise RosterError("Only the superintendent can confirm this roster's changes of authority.")
    if upload.authority and not superintendent:
        upload.status = RosterImport.Status.AWAITING
        upload.save(update_fields=["status"])
        record(actor=actor, verb="roster.sent_for_confirmation", target=upload,
               after={"changes of authority": len(upload.authority)})
        for person in User.objects.filter(is_superintendent=True, is_active=True):
            notify(recipient=person, template="roster_awaiting_confirmation",
                   context={"upload": upload, "uploader": actor, "lines": upload.authority},
                   link=reverse("roster:preview", args=[upload.pk]))
        return upload
    if upload.authority:
        if not confirmed:
            raise RosterError("Tick the box to confirm the changes of authority before applying the roster.",
                              field="confirmed")
        upload.confirmed_by, upload.confirmed_at = actor, timezone.now()
    upload.status = RosterImport.Status.APPLYING
    upload.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    record(actor=actor, verb="roster.apply_started", target=upload,
           after={"changes of authority confirmed": len(upload.authority)} if upload.authority else None)
    transaction.on_commit(lambda: queue("roster.apply", upload.pk))
    return upload


@transaction.atomic
def decline_roster(*, actor: User, upload: RosterImport, reason: str) -> RosterImport:
    """The superintendent declines a roster that waits for her confirmation: nothing of it
    applies, and its uploader is told why."""
    if not roles.is_superintendent(actor):
        raise RosterError("Only the superintendent can decline a roster.")
    if not reason.strip():
        raise RosterError("Say why the roster is declined.", field="reason")
    upload = RosterImport.objects.select_for_update().select_related("uploaded_by").get(pk=upload.pk)
    if upload.status != RosterImport.Status.AWAITING:
        raise RosterError(f"This roster is {upload.get_status_display().lower()}, not waiting for you.")
    upload.status, upload.error = RosterImport.Status.DECLINED, reason[:300]
    upload.save(update_fields=["status", "error"])
    record(actor=actor, verb="roster.declined", target=upload, reason=reason)
    if upload.uploaded_by_id != actor.pk:
        notify(recipient=upload.uploaded_by, template="roster_declined",
               context={"upload": upload, "superintendent": actor, "reason": reason},
               link=reverse("roster:preview", args=[upload.pk]))
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
        plan = sync.compare(sync.read(bytes(upload.data)))
        if problems := sync.making_supervisor_of_others(plan, upload.uploaded_by):
            raise sync.RosterInvalid(problems)
        lines = effects.authority_lines(plan)
        if [line.as_dict() for line in lines] != upload.authority or (lines and upload.confirmed_by is None):
            raise sync.RosterInvalid(["The changes of authority are no longer those previewed and confirmed: "
                                        "upload the roster again."])
        with transaction.atomic():
            summary = apply_plan(plan, lines, actor=upload.uploaded_by,
                                 progress=lambda done, total: cache.set(key, (done, total), 3600))
            RosterImport.objects.filter(pk=upload.pk).update(status=RosterImport.Status.APPLIED, summary=summary,
                                                             applied_at=timezone.now())
            record(actor=upload.uploaded_by, verb="roster.applied", target=upload, after=summary)
    except sync.RosterInvalid as invalid:
        RosterImport.objects.filter(pk=upload.pk).update(status=RosterImport.Status.FAILED,
                                                         error=invalid.errors[0][:300])
        return RosterImport.Status.FAILED
    finally:
        cache.delete(key)
    return RosterImport.Status.APPLIED


@transaction.atomic
def apply_plan(plan: sync.Plan, lines: list, *, actor: User | None, progress=None) -> dict[str, int]:
    """Apply a roster's ``plan`` and carry out its effects (``effects.carry_out``) in
    one transaction, and tell the old addresses of those whose email change moves power
    (``lines``, from ``effects.authority_lines`` before the plan applies). Returns
    the counts of each change and effect. Who may apply it is the caller's to check: the
    portal's pages through ``start_roster_import``, the server's shell through
    ``manage.py import_roster``."""
    summary = sync.apply(plan, actor=actor, progress=progress)
    summary |= effects.carry_out(plan, actor=actor)
    effects.tell_old_addresses(plan, lines)
    return summary
