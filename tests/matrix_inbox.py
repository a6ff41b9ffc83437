"""Authorization rows of the inbox (notifications): every signed-in person reaches their own
inbox and choices, nobody else's. The row's entry is the teacher's: anyone else who posts
to it gets 404, as if it did not exist; an empty POST of the teacher's marks it read and
returns to the inbox."""

from django.db import transaction

from .matrix import Row, only, staff


def teachers_entry(district):
    from notifications.models import InboxEntry
    from notifications.services import enqueue

    entry = InboxEntry.objects.filter(recipient=district.teacher).first()
    if entry is None:
        with transaction.atomic():
            message = enqueue(to=district.teacher.email, recipient=district.teacher, template="training_reminder",
                              subject="Your training expires soon", body_text="Take the course again.")
        entry = message.entry
    return {"pk": entry.pk}


INBOX_ROWS = {
    "notifications:inbox": Row(staff()),
    "notifications:settings": Row(staff()),  # an empty POST would come back with its errors
    "notifications:mark_all_read": Row(staff(302), method="post"),
    "notifications:mark_read": Row(only({"teacher": 302}, others=404), method="post", kwargs=teachers_entry),
}
