"""The roster's uploads belong to the roster app now (its 0001 takes the model over with
its table and rows): people forgets the model and leaves the table alone."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_powers_in_scope"),
        ("roster", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="RosterImport")]),
    ]
