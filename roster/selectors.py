"""Reads of roster imports."""

from django.db.models import QuerySet

from mps_social.permissions import has_perm

from .models import RosterImport


def awaiting_confirmation(user) -> QuerySet[RosterImport]:
    """The rosters that move authority and wait for ``user`` to confirm them, the oldest
    first: all of them for whoever may confirm (``roster.confirm``: the superintendent
    alone); none for anybody else.
    Without the file itself, which the list never shows."""
    if not has_perm(user, "roster.confirm"):
        return RosterImport.objects.none()
    return (RosterImport.objects.filter(status=RosterImport.Status.AWAITING).defer("data")
            .select_related("uploaded_by").order_by("uploaded_at", "pk"))
