"""Reads of the inbox, already narrowed to the person's own entries: another's entry is
never found (a 404, as if it did not exist)."""

from django.db.models import BooleanField, ExpressionWrapper, Q

from .models import InboxEntry, Preference


def inbox_for(user, *, unread_first: bool = False):
    """``user``'s entries, newest first, or unread first and then newest."""
    entries = InboxEntry.objects.filter(recipient=user).select_related("message")
    if unread_first:
        unread = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
        return entries.alias(unread=unread).order_by("-unread", "-created_at", "-pk")
    return entries.order_by("-created_at", "-pk")


def unread_count(user) -> int:
    """How many of ``user``'s entries are unread (the header's badge: one query)."""
    return InboxEntry.objects.filter(recipient=user, read_at__isnull=True).count()


def choices_of(user) -> dict[str, str]:
    """``user``'s delivery choice per kind slug; a kind without one is mailed at once."""
    return dict(Preference.objects.filter(person=user).values_list("kind", "delivery"))


def newest_pk(user) -> int | None:
    """The newest of ``user``'s entries (what "mark all as read" marks up to)."""
    return InboxEntry.objects.filter(recipient=user).order_by("-pk").values_list("pk", flat=True).first()
