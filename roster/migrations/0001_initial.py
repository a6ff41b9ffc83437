"""The roster's uploads move here from the people app without losing a row: this creates
the model in Django's state over the table people's migrations made
(``people_rosterimport``), and the people app forgets it in its 0005 without touching the
table. Its content type moves along, so nothing that points at it is left stale. 0002 then
gives the table the roster app's name."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor, old="people", new="roster"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=new, model="rosterimport").exists():
        ContentType.objects.filter(app_label=old, model="rosterimport").update(app_label=new)


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, old="roster", new="people")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("people", "0004_powers_in_scope"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="RosterImport",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("uploaded_at", models.DateTimeField(auto_now_add=True)),
                        ("filename", models.CharField(max_length=200)),
                        ("data", models.BinaryField(editable=False)),
                        ("status", models.CharField(choices=[
                            ("previewed", "Previewed"), ("awaiting", "Waiting for the superintendent's confirmation"),
                            ("applying", "Applying"), ("applied", "Applied"),
                            ("declined", "Declined by the superintendent"), ("failed", "Failed")],
                            default="previewed", max_length=10)),
                        ("preview", models.JSONField(default=dict,
                                                     help_text="Counts of each kind of change, as previewed.")),
                        ("summary", models.JSONField(
                            default=dict, help_text="Counts of each kind of change and effect, as applied.")),
                        ("authority", models.JSONField(
                            default=list, help_text="The lines that move power, as previewed: they apply only once "
                                                    "the superintendent confirms them "
                                                    "(roster.effects.authority_lines).")),
                        ("confirmed_at", models.DateTimeField(blank=True, null=True)),
                        ("applied_at", models.DateTimeField(blank=True, null=True)),
                        ("error", models.CharField(blank=True, max_length=300)),
                        ("uploaded_by", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                                          related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("confirmed_by", models.ForeignKey(blank=True, null=True,
                                                           on_delete=django.db.models.deletion.PROTECT,
                                                           related_name="+", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={"ordering": ["-uploaded_at", "-pk"], "db_table": "people_rosterimport"},
                ),
            ],
        ),
        # Beside the state's change, not inside it: ``sqlmigrate`` then prints it instead of running it.
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
