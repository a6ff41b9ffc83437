"""Schedule the reminders of access grants ending (daily) in django-celery-beat, where
administrators see and can change them (see notifications/0002 for why a migration)."""

from django.conf import settings
from django.db import migrations

NAME = "Reminders of access grants ending"


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_morning, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="6", day_of_week="*", day_of_month="*", month_of_year="*", timezone=settings.TIME_ZONE)
    PeriodicTask.objects.get_or_create(name=NAME, defaults={
        "task": "credentials.send_grant_reminders",
        "crontab": every_morning,
        "description": "R-III-E: 14 and 3 days before access lent to a person ends, to them and the "
                       "superintendent. Each reminder is sent once, however often this runs.",
    })


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("credentials", "0004_seal_key_ring_canary"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(schedule, unschedule)]
