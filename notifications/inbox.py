"""What a person does with their inbox: read what they were told, and choose how each kind
of message reaches them. Each is one transaction with its audit event (R-V-D: nothing
changes silently), and only ever on the person's own entries and choices.

A module of its own, beside ``services``: the audit trail mails through ``services``
(``audits.chain``), and these record into the trail.
"""

from django.db import transaction
from django.utils import timezone

from audits.services import record
from mps_social.errors import ServiceError

from . import kinds
from .models import InboxEntry, Preference


class InboxError(ServiceError):
    pass


@transaction.atomic
def mark_read(*, person, entry: InboxEntry) -> InboxEntry:
    """Mark one of ``person``'s entries read; one already read stays as it was."""
    if entry.recipient_id != person.pk:
        raise InboxError("This message is not in your inbox.")
    entry = InboxEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.read_at is None:
        entry.read_at = timezone.now()
        entry.save(update_fields=["read_at"])
        record(actor=person, verb="inbox.read", target=entry, after={"read": True}, org_unit=person.org_unit)
    return entry


@transaction.atomic
def mark_all_read(*, person, up_to: int | None = None) -> int:
    """Mark every unread entry of ``person`` read, in one statement; with ``up_to`` (the
    newest entry the person saw), none that came after it, which they have not seen yet.
    Returns how many."""
    unread = InboxEntry.objects.filter(recipient=person, read_at__isnull=True)
    if up_to is not None:
        unread = unread.filter(pk__lte=up_to)
    count = unread.update(read_at=timezone.now())
    if count:
        record(actor=person, verb="inbox.all_read", target=person, after={"marked read": count},
               org_unit=person.org_unit)
    return count


@transaction.atomic
def choose_delivery(*, person, choices: dict[str, str]) -> dict[str, str]:
    """Keep ``person``'s choice for each kind (``{kind slug: delivery}``). The mandatory
    kinds are not the person's to choose (Policy 4038 §III.E: a reveal always mails at
    once) and are refused, like an unknown kind. Returns the choices that changed."""
    for slug, delivery in choices.items():
        if slug not in kinds.BY_SLUG or kinds.BY_SLUG[slug].mandatory:
            raise InboxError("That kind of message is always emailed at once.", field=slug)
        if delivery not in Preference.Delivery.values:
            raise InboxError("Choose how these messages reach you.", field=slug)
    current = dict(Preference.objects.select_for_update().filter(person=person).values_list("kind", "delivery"))
    changed = {slug: delivery for slug, delivery in choices.items()
               if current.get(slug, Preference.Delivery.AT_ONCE) != delivery}
    if changed:
        Preference.objects.bulk_create(
            [Preference(person=person, kind=slug, delivery=delivery) for slug, delivery in changed.items()],
            update_conflicts=True, unique_fields=["person", "kind"], update_fields=["delivery"])
        record(actor=person, verb="inbox.choices_changed", target=person,
               before={slug: current.get(slug, Preference.Delivery.AT_ONCE) for slug in changed},
               after=changed, org_unit=person.org_unit)
    return changed
