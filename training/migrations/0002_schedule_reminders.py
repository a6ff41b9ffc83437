"""Schedule the training reminders (daily) and the weekly digest to the superintendent's
office in django-celery-beat, where administrators see and can change them (see
notifications/0002 for why a migration rather than CELERY_BEAT_SCHEDULE)."""

from django.conf import settings
from django.db import migrations

REMINDERS = "Training reminders"
DIGEST = "Weekly digest to the superintendent's office"


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_morning, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="6", day_of_week="*", day_of_month="*", month_of_year="*", timezone=settings.TIME_ZONE)
    monday_morning, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="7", day_of_week="1", day_of_month="*", month_of_year="*", timezone=settings.TIME_ZONE)
    PeriodicTask.objects.get_or_create(name=REMINDERS, defaults={
        "task": "training.send_reminders",
        "crontab": every_morning,
        "description": "R-V-C: 30 and 7 days before required training expires, on expiry (copying the supervisor) "
                       "and weekly while expired. Each reminder is sent once, however often this runs.",
    })
    PeriodicTask.objects.get_or_create(name=DIGEST, defaults={
        "task": "training.send_digest",
        "crontab": monday_morning,
        "description": "Decisions waiting and expiring training, to the superintendent and the designees. Once a "
                       "week per person, however often this runs.",
    })


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[REMINDERS, DIGEST]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(schedule, unschedule)]
