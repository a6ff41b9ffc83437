"""Schedule the nightly compliance audit (R-V-D) in beat, where administrators see and can
change it (see notifications/0002 for why a migration)."""

from django.db import migrations

NAME = "Nightly compliance audit"


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    at_two, _ = CrontabSchedule.objects.get_or_create(minute="0", hour="2", day_of_week="*", day_of_month="*",
                                                      month_of_year="*")
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={"task": "audits.run_audit", "crontab": at_two,
                  "description": "Checks every active account against Policy 4038 and keeps the findings."},
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0002_compliance"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(schedule, unschedule)]
