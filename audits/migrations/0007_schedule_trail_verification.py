"""Schedule the daily verification of the audit trail's hash chain in beat, where
administrators see and can change it (see notifications/0002 for why a migration)."""

from django.db import migrations

NAME = "Daily audit trail verification"


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    at_half_past_three, _ = CrontabSchedule.objects.get_or_create(minute="30", hour="3", day_of_week="*",
                                                                  day_of_month="*", month_of_year="*")
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={"task": "audits.verify_trail", "crontab": at_half_past_three,
                  "description": "Walks the audit trail's hash chain, records its head, and tells the "
                                 "superintendent if an event was changed, deleted or moved."},
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0006_chain_required_append_only"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(schedule, unschedule)]
