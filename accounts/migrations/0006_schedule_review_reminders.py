"""Schedule the annual review reminders (daily) in django-celery-beat, where
administrators see and can change them (see notifications/0002 for why a migration)."""

from django.conf import settings
from django.db import migrations

NAME = "Annual review reminders"


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_morning, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="6", day_of_week="*", day_of_month="*", month_of_year="*", timezone=settings.TIME_ZONE)
    PeriodicTask.objects.get_or_create(name=NAME, defaults={
        "task": "accounts.send_review_reminders",
        "crontab": every_morning,
        "description": "R-V-D: 30 and 7 days before an account's annual review is due and on the day, to its site "
                       "manager; once overdue, copying their supervisor. Each reminder is sent once, however often "
                       "this runs.",
    })


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_former_handles"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(schedule, unschedule)]
