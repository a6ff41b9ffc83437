"""Schedule the reminders of required courses never taken and of policy versions to
acknowledge (daily) in django-celery-beat, where administrators see and can change them
(see notifications/0002 for why a migration)."""

from django.conf import settings
from django.db import migrations

COURSES = "Reminders of required courses never taken"
POLICIES = "Reminders of policy versions to acknowledge"


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_morning, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="6", day_of_week="*", day_of_month="*", month_of_year="*", timezone=settings.TIME_ZONE)
    PeriodicTask.objects.get_or_create(name=COURSES, defaults={
        "task": "training.send_course_reminders",
        "crontab": every_morning,
        "description": "R-V-C: every week from the day a course became required of someone who never took it, "
                       "copying their supervisor from day 14. Each reminder is sent once, however often this runs.",
    })
    PeriodicTask.objects.get_or_create(name=POLICIES, defaults={
        "task": "training.send_policy_reminders",
        "crontab": every_morning,
        "description": "R-IV-C: every week from its publication, to each person who must acknowledge the current "
                       "version of a required document and has not. Each reminder is sent once, however often "
                       "this runs.",
    })


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[COURSES, POLICIES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0003_digest_leaves_training"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(schedule, unschedule)]
