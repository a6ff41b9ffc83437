"""Schedule the daily digest in django-celery-beat, where administrators see and can change
it (see 0002 for why a migration rather than ``CELERY_BEAT_SCHEDULE``)."""

from django.conf import settings
from django.db import migrations

NAME = "Daily digest of held messages"


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_morning, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="7", day_of_week="*", day_of_month="*", month_of_year="*", timezone=settings.TIME_ZONE)
    PeriodicTask.objects.get_or_create(name=NAME, defaults={
        "task": "notifications.send_daily_digests",
        "crontab": every_morning,
        "description": "One email per person who chose a daily digest, with the messages held for it. Once a day "
                       "per person, however often this runs.",
    })


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_inbox_and_delivery_choices"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(schedule, unschedule)]
