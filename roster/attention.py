"""What waits for the superintendent among roster imports, for her home page
(``mps_social.worklist``): a roster that moves authority (a site manager's credentials,
a designee's email) applies only once she confirms it (R-III-E)."""

from django.urls import reverse

from mps_social.worklist import LIMIT, Item, day_of

from . import selectors


def items(user, today) -> list[Item]:
    """One query for the superintendent; none for anybody else."""
    return [Item(what=f"Confirm or decline the staff roster {upload.filename}",
                 why=f"Uploaded by {upload.uploaded_by.full_name}: it changes who holds authority, so it waits "
                     "for you to confirm it.",
                 url=reverse("roster:preview", args=[upload.pk]), action="Review the roster",
                 since=day_of(upload.uploaded_at))
            for upload in selectors.awaiting_confirmation(user)[:LIMIT]]
