"""Schedule the reminders of delegations ending (daily) in django-celery-beat, where
administrators see and can change them (see notifications/0002 for why a migration)."""

from django.conf import settings
from django.db import migrations

NAME = "Reminders of delegations ending"


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_morning, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="6", day_of_week="*", day_of_month="*", month_of_year="*", timezone=settings.TIME_ZONE)
    PeriodicTask.objects.get_or_create(name=NAME, defaults={
        "task": "people.send_delegation_reminders",
        "crontab": every_morning,
        "description": "14 and 3 days before a delegation ends, to its holder and the superintendent. Each "
                       "reminder is sent once, however often this runs.",
    })


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0006_orgunit_head"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(schedule, unschedule)]
