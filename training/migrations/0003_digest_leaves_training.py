"""The weekly digest to the superintendent's office gathers every app, so it left training
for the project package (``mps_social.digest``): its schedule, made by 0002 and perhaps
changed since by an administrator, now names that task."""

from django.db import migrations

DIGEST = "Weekly digest to the superintendent's office"  # 0002's name for the schedule


def rename(apps, schema_editor, old="training.send_digest", new="mps_social.send_digest"):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=DIGEST, task=old).update(task=new)


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, old="mps_social.send_digest", new="training.send_digest")


class Migration(migrations.Migration):
    dependencies = [("training", "0002_schedule_reminders")]
    operations = [migrations.RunPython(rename, rename_back)]
