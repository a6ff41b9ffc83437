"""The audit trail's hash chain, step 3 of 3: every event now has its place and hash.

On PostgreSQL, triggers make the trail append-only for anyone who goes around the ORM
(a psql session, another application on the same database): UPDATE and DELETE on an
event or a checkpoint are refused, and the chain's head only ever moves forward (so
nobody can hide deleting the last events by moving it back). TRUNCATE is left to the
table's owner (tests empty the database with it); ``verify_audit_trail`` and the
checkpoints detect it. Django's own guards (``AuditEvent.save``/``delete`` and the
queryset) refuse the same on every backend.
"""

from django.db import migrations, models

INSTALL = """
CREATE OR REPLACE FUNCTION audits_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'The audit trail is append-only: % on % refused.', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audits_auditevent_append_only BEFORE UPDATE OR DELETE ON audits_auditevent
    FOR EACH ROW EXECUTE FUNCTION audits_refuse_change();
CREATE TRIGGER audits_chaincheckpoint_append_only BEFORE UPDATE OR DELETE ON audits_chaincheckpoint
    FOR EACH ROW EXECUTE FUNCTION audits_refuse_change();

CREATE OR REPLACE FUNCTION audits_chainhead_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.id <> OLD.id OR NEW.sequence < OLD.sequence
       OR (NEW.sequence = OLD.sequence AND NEW.hash <> OLD.hash) THEN
        RAISE EXCEPTION 'The audit trail''s head only moves forward: % on % refused.', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER audits_chainhead_forward_only BEFORE UPDATE OR DELETE ON audits_chainhead
    FOR EACH ROW EXECUTE FUNCTION audits_chainhead_forward_only();
"""

REMOVE = """
DROP TRIGGER IF EXISTS audits_chainhead_forward_only ON audits_chainhead;
DROP FUNCTION IF EXISTS audits_chainhead_forward_only();
DROP TRIGGER IF EXISTS audits_chaincheckpoint_append_only ON audits_chaincheckpoint;
DROP TRIGGER IF EXISTS audits_auditevent_append_only ON audits_auditevent;
DROP FUNCTION IF EXISTS audits_refuse_change();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ("audits", "0005_chain_existing_events"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="sequence",
            field=models.PositiveBigIntegerField(
                editable=False, help_text="Position in the hash chain: 1, 2, 3, … without a gap.", unique=True),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(
                editable=False, help_text="SHA-256 of this event's canonical form and the previous event's hash.",
                max_length=64),
        ),
        migrations.RunPython(_on_postgresql(INSTALL), _on_postgresql(REMOVE)),
    ]
