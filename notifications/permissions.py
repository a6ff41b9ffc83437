"""Permissions over the inbox (registered in ``mps_social.permissions``): each person's
own, nobody else's, not even the superintendent's."""

from mps_social.permissions import register


@register("notifications.view_inbox", "Read one's own inbox and choose how messages arrive")
def view_inbox(user, obj=None):
    return True  # any active, signed-in member of staff: their own inbox only


@register("notifications.view_entry", "Read a message in one's own inbox")
def view_entry(user, entry=None):
    return entry is not None and entry.recipient_id == user.pk
