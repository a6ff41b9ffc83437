"""The audit trail's hash chain, step 1 of 3: the columns (empty for now) and the tables of
the chain's head and its checkpoints. Step 2 (0005) chains the events already recorded,
step 3 (0006) makes the columns required and, on PostgreSQL, the table append-only."""

import django.utils.timezone
from django.db import migrations, models

import audits.models


class Migration(migrations.Migration):

    dependencies = [
        ("audits", "0003_schedule_audit"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="sequence",
            field=models.PositiveBigIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.CreateModel(
            name="ChainHead",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("sequence", models.PositiveBigIntegerField(default=0)),
                ("hash", models.CharField(default="0000000000000000000000000000000000000000000000000000000000000000",
                                          max_length=64)),
            ],
        ),
        migrations.CreateModel(
            name="ChainCheckpoint",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ("sequence", models.PositiveBigIntegerField(help_text="The last event found intact.")),
                ("hash", models.CharField(help_text="Its hash.", max_length=64)),
                ("ok", models.BooleanField()),
                ("first_bad", models.PositiveBigIntegerField(
                    blank=True, help_text="The sequence of the first event that does not fit.", null=True)),
                ("problem", models.CharField(blank=True, max_length=500)),
            ],
            options={"ordering": ["-at", "-pk"]},
        ),
    ]
