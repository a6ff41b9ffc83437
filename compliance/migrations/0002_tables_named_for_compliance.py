"""The tables take the compliance app's names (``compliance_auditrun``,
``compliance_checkresult``, ``compliance_finding``); the rows, their ids, the constraints
and indexes (named, so their names do not change) stay as they are."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0001_initial"),
        ("audits", "0010_compliance_moves_out"),
    ]

    operations = [
        migrations.AlterModelTable(name="auditrun", table=None),
        migrations.AlterModelTable(name="checkresult", table=None),
        migrations.AlterModelTable(name="finding", table=None),
    ]
