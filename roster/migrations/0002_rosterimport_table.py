"""The uploads' table takes the roster app's name (``roster_rosterimport``); the rows,
their ids and the people they point at stay as they are."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("roster", "0001_initial"),
        ("people", "0005_rosterimport_moves_to_roster"),
    ]

    operations = [
        migrations.AlterModelTable(name="rosterimport", table=None),
    ]
