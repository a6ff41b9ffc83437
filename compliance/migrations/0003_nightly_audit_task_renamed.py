"""The nightly audit's schedule (audits/0003) names the task by its new name,
``compliance.run_audit``: beat would otherwise send a task no worker knows. The change
is marked as beat's database scheduler marks an edit, so a running beat reads it again.
Reversible."""

from django.db import migrations
from django.utils import timezone

OLD, NEW = "audits.run_audit", "compliance.run_audit"


def rename(apps, schema_editor, old=OLD, new=NEW):
    if apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=old).update(task=new):
        apps.get_model("django_celery_beat", "PeriodicTasks").objects.update_or_create(
            ident=1, defaults={"last_update": timezone.now()})


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, old=NEW, new=OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0002_tables_named_for_compliance"),
        ("audits", "0003_schedule_audit"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
