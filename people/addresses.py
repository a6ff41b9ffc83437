"""The address each person signs in with, as allauth records it: "verified by HR".

allauth keeps its own list of a person's addresses (``EmailAddress``) and lets nobody turn
on a second factor while one of them is unverified. In the portal every address comes from
HR, through the roster import or the admin, so those are verified addresses from the start,
written in the same transaction as the change that brought them, with its audit event.

The one exception is an address the roster *changes*: it hands "Forgot password" to whoever
reads the new mailbox (R-III-E), so allauth mails a confirmation link to it, and it becomes
verified when the person follows the link (``PortalAccountAdapter.confirm_email``). Until
then the person signs in as before, but turning on a second factor waits for the
confirmation, and their email page says so and can send the link again.

Each person has one address row, their ``User.email``: writing it replaces any other row
they had (an old address must not reset their password any more), and a stale row of
someone else holding the same address goes too.
"""

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from audits.services import record, record_many

from .models import User


def _replace(users: list[User], *, verified: bool) -> list[EmailAddress]:
    EmailAddress.objects.filter(Q(user_id__in=[user.pk for user in users])
                                | Q(email__in=[user.email for user in users])).delete()
    return EmailAddress.objects.bulk_create(
        [EmailAddress(user=user, email=user.email, primary=True, verified=verified) for user in users],
        batch_size=2000)


@transaction.atomic
def mark_verified(users, *, actor: User | None, source: str) -> int:
    """Record each of ``users``' current address as verified by HR (``source``: "roster",
    "admin" or "demo"), one audit event each, in a constant number of queries. Returns how
    many people."""
    users = list(users)
    if users:
        _replace(users, verified=True)
        record_many(actor=actor, verb="person.email_verified",
                    items=[(user, None, {"email": user.email, "verified_by": source}) for user in users])
    return len(users)


@transaction.atomic
def confirm_by_mail(users, *, actor: User | None) -> int:
    """Record each of ``users``' changed address as waiting for its confirmation, one audit
    event each, and queue allauth's confirmation mail to it (through the outbox, sent once
    this transaction commits). Returns how many people."""
    users = list(users)
    if users:
        for address in _replace(users, verified=False):
            address.send_confirmation()
        record_many(actor=actor, verb="person.email_to_confirm",
                    items=[(user, None, {"email": user.email}) for user in users])
    return len(users)


def not_yet_verified(ids) -> QuerySet[User]:
    """Those of the people ``ids`` whose current address allauth holds no verified record
    of and who are not waiting to confirm a changed one: people the portal knew before
    addresses were verified by HR, or whose only record is the unverified one allauth
    writes on its own (at a password reset). Listed again by HR, they are verified."""
    known = EmailAddress.objects.filter(Q(verified=True) | Q(primary=True), user=OuterRef("pk"),
                                        email=OuterRef("email"))
    return User.objects.filter(pk__in=ids).exclude(Exists(known))


def waiting_for_confirmation(user: User) -> EmailAddress | None:
    """The person's address, if the roster changed it and its link has not been followed."""
    return EmailAddress.objects.filter(user=user, email=user.email, verified=False).first()


@transaction.atomic
def send_link_again(user: User) -> bool:
    """Mail the confirmation link again to the person's address waiting for it (a link
    lasts a few days). Returns whether one was waiting."""
    address = waiting_for_confirmation(user)
    if address is None:
        return False
    address.send_confirmation()
    record(actor=user, verb="person.email_link_sent", target=user, after={"email": address.email})
    return True


def confirmed(address: EmailAddress) -> None:
    """The audit event of a person following the link: called inside allauth's confirmation
    (``PortalAccountAdapter.confirm_email``), in its transaction."""
    record(actor=address.user, verb="person.email_confirmed", target=address.user, after={"email": address.email})
