"""Schedule the outbox sweep in django-celery-beat, where admins can see and edit it.

A data migration rather than ``CELERY_BEAT_SCHEDULE``: beat rewrites entries that come
from settings at every start, which would undo an administrator's change.
"""

from django.db import migrations


def schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(
        name="Deliver the outbox",
        defaults={
            "task": "notifications.deliver_outbox",
            "interval": every_minute,
            "description": "Sends queued mail; catches up on anything queued while the broker was down.",
        },
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name="Deliver the outbox").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(schedule, unschedule)]
