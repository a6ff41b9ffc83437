"""Schedule the daily check for credentials past their age (R-III-E) in beat, where
administrators see and can change it (see notifications/0002 for why a migration)."""

from django.db import migrations

NAME = "Credentials due for rotation by age"


def schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_day, _ = IntervalSchedule.objects.get_or_create(every=1, period="days")
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={
            "task": "credentials.mark_stale",
            "interval": every_day,
            "description": "Marks credentials older than ESCROW_MAX_AGE_DAYS as due for rotation.",
        },
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("credentials", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(schedule, unschedule)]
