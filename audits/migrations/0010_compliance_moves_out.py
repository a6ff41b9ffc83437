"""The compliance audit's runs, results and findings belong to the compliance app now (its
0001 takes the models over with their tables and rows): the audits app forgets them and
leaves the tables alone. The trail's own tables and their triggers (0006) are untouched."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0009_finding_open_newest_index"),
        ("compliance", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.DeleteModel(name="Finding"),
            migrations.DeleteModel(name="CheckResult"),
            migrations.DeleteModel(name="AuditRun"),
        ]),
    ]
