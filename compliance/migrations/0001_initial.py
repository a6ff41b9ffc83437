"""The compliance audit's runs, results and findings move here from the audits app without
losing a row: this creates the models in Django's state over the tables the audits app's
migrations made (``audits_auditrun``, ``audits_checkresult``, ``audits_finding``), with
their constraints and indexes as they are, and the audits app forgets them in its 0010
without touching the tables. Their content types move along, so nothing that points at
them is left stale. 0002 then gives the tables the compliance app's names."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ["auditrun", "checkresult", "finding"]


def move_content_types(apps, schema_editor, old="audits", new="compliance"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label=new, model=model).exists():
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, old="compliance", new="audits")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("accounts", "0004_account_unit_path"),
        ("audits", "0009_finding_open_newest_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AuditRun",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("started_at", models.DateTimeField(auto_now_add=True)),
                        ("finished_at", models.DateTimeField(blank=True, null=True)),
                        ("status", models.CharField(choices=[("running", "Running"), ("finished", "Finished"),
                                                             ("failed", "Failed")],
                                                    default="running", max_length=10)),
                        ("checks_total", models.PositiveSmallIntegerField(default=0)),
                        ("checks_done", models.PositiveSmallIntegerField(default=0)),
                        ("accounts_checked", models.PositiveIntegerField(default=0)),
                        ("findings_opened", models.PositiveIntegerField(default=0)),
                        ("findings_closed", models.PositiveIntegerField(default=0)),
                        ("error", models.CharField(blank=True, max_length=300)),
                        ("started_by", models.ForeignKey(
                            blank=True, help_text="Empty when the nightly schedule started it.", null=True,
                            on_delete=django.db.models.deletion.PROTECT, related_name="+",
                            to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "ordering": ["-started_at", "-pk"],
                        "db_table": "audits_auditrun",
                        "constraints": [models.UniqueConstraint(condition=models.Q(("status", "running")),
                                                                fields=("status",), name="auditrun_one_running")],
                    },
                ),
                migrations.CreateModel(
                    name="CheckResult",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("check_slug", models.CharField(max_length=30)),
                        ("accounts", models.PositiveIntegerField()),
                        ("failing", models.PositiveIntegerField()),
                        ("run", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                                  related_name="results", to="compliance.auditrun")),
                    ],
                    options={
                        "ordering": ["run", "check_slug"],
                        "db_table": "audits_checkresult",
                        "constraints": [models.UniqueConstraint(fields=("run", "check_slug"),
                                                                name="checkresult_once_per_run")],
                    },
                ),
                migrations.CreateModel(
                    name="Finding",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("check_slug", models.CharField(db_index=True, max_length=30)),
                        ("detail", models.CharField(blank=True, max_length=300)),
                        ("opened_at", models.DateTimeField()),
                        ("closed_at", models.DateTimeField(blank=True, null=True)),
                        ("account", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                                      related_name="findings", to="accounts.officialaccount")),
                        ("closed_by_run", models.ForeignKey(blank=True, null=True,
                                                            on_delete=django.db.models.deletion.PROTECT,
                                                            related_name="closed_findings",
                                                            to="compliance.auditrun")),
                        ("opened_by_run", models.ForeignKey(
                            blank=True,
                            help_text="Empty when an event opened it (a site manager leaving the roster).",
                            null=True, on_delete=django.db.models.deletion.PROTECT,
                            related_name="opened_findings", to="compliance.auditrun")),
                    ],
                    options={
                        "ordering": ["-opened_at", "-pk"],
                        "db_table": "audits_finding",
                        "indexes": [models.Index(condition=models.Q(("closed_at", None)), fields=["opened_at", "id"],
                                                 name="finding_open_newest")],
                        "constraints": [models.UniqueConstraint(condition=models.Q(("closed_at", None)),
                                                                fields=("check_slug", "account"),
                                                                name="finding_one_open_per_check_and_account")],
                    },
                ),
            ],
        ),
        # Beside the state's change, not inside it: sqlmigrate prints an operation nested in
        # SeparateDatabaseAndState by running it, and would move the content types.
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
