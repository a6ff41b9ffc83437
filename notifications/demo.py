"""The demo district's inboxes, filled by what the other apps' demos did (each of their
notices is an entry, ``notifications.services``): each person has read all but their
newest message, so the tour shows read and unread side by side, and Angela Brooks chose one
email a day for training reminders (``/inbox/settings/``). Idempotent: what is read stays
read, and a choice made is not made again."""

from django.db.models import Count, Max

from people.models import User

from . import inbox
from .models import InboxEntry, Preference


def seed(stdout):
    unread = (InboxEntry.objects.filter(read_at__isnull=True).values("recipient")
              .annotate(count=Count("pk"), newest=Max("pk")).filter(count__gt=1))
    newest = {row["recipient"]: row["newest"] for row in unread}
    for person in User.objects.filter(pk__in=newest):
        inbox.mark_all_read(person=person, up_to=newest[person.pk] - 1)
    principal = User.objects.get(email="principal@example.org")
    inbox.choose_delivery(person=principal, choices={"training": Preference.Delivery.DIGEST})
    stdout.write(f"  {InboxEntry.objects.count()} messages in the inboxes, "
                 f"{InboxEntry.objects.filter(read_at__isnull=True).count()} unread.")
