"""The application's own PostgreSQL role (issue [hardening]; R-III-E: every reveal is
logged, and the log must bind whoever runs the portal).

On PostgreSQL, triggers refuse to change or delete an audit event (audits migration
0006), but the tables' owner may disable, drop or replace them. So the portal connects as
a role that owns nothing, with exactly the grants ``manage.py app_role_sql`` prints
(docs/deploy.md). Here such a role is created, logs in over TCP with its password, and is
shown to write rows, to be refused every way around the triggers, and to be enough for
the portal's own work (escrow, reveal, the hash chain, its verification). The role is
dropped afterwards. SQLite has no roles: these tests are PostgreSQL's.
"""

import io
import secrets
from contextlib import closing

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from audits.models import AuditEvent
from credentials.models import CredentialVersion
from mps_social.management.commands.app_role_sql import grants, quoted

from .test_escrow import CANARY, escrowed, reveal

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="Database roles are PostgreSQL's; SQLite has none (CI runs these on PostgreSQL)")

psycopg2 = pytest.importorskip("psycopg2")


def _connect(user: str, password: str):
    settings = connection.settings_dict
    return psycopg2.connect(dbname=settings["NAME"], user=user, password=password,
                            host=settings["HOST"] or "localhost", port=settings["PORT"] or 5432)


@pytest.fixture
def app_role(django_db_setup):
    """A login role such as a deployment creates, granted what ``app_role_sql`` prints
    on the test database, by its owner; dropped with its privileges afterwards."""
    settings = connection.settings_dict
    role, password = f"mps_app_{secrets.token_hex(4)}", secrets.token_urlsafe(24)
    with closing(_connect(settings["USER"], settings["PASSWORD"])) as owner:
        owner.autocommit = True
        with owner.cursor() as cursor:
            cursor.execute(f"CREATE ROLE {quoted(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %s",
                           [password])
            try:
                for statement in grants(role=role, database=settings["NAME"], owner=settings["USER"]):
                    cursor.execute(statement)
                yield role, password
            finally:
                cursor.execute(f"DROP OWNED BY {quoted(role)}")  # its grants here, default privileges too
                cursor.execute(f"DROP ROLE {quoted(role)}")


@pytest.fixture
def as_app_role(app_role):
    """A connection logged in as the application's role, each statement in a
    transaction rolled back afterwards."""
    with closing(_connect(*app_role)) as conn:
        yield conn
        conn.rollback()


def _event(cursor) -> int:
    """Append an audit event as the application would (the chain's fields filled in
    by hand: only the database's guard is under test here); its id."""
    cursor.execute("""
        INSERT INTO audits_auditevent (sequence, hash, at, actor_label, verb, target_type, target_id, target_label,
                                       reason, request_id)
        VALUES ((SELECT coalesce(max(sequence), 0) + 1000000 FROM audits_auditevent), repeat('0', 64), now(),
                'system', 'test.role', 'audits.auditevent', '0', 'the role test', '', '')
        RETURNING id""")
    return cursor.fetchone()[0]


def test_the_role_is_no_superuser_and_owns_no_table(app_role, as_app_role):
    with as_app_role.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles "
                       "WHERE rolname = current_user")
        assert cursor.fetchone() == (False, False, False, False)
        cursor.execute("SELECT count(*) FROM pg_tables WHERE tableowner = current_user")
        assert cursor.fetchone() == (0,)


def test_the_role_appends_events_and_the_triggers_refuse_it_the_rest(as_app_role):
    with as_app_role.cursor() as cursor:
        event = _event(cursor)
        cursor.execute("SELECT verb FROM audits_auditevent WHERE id = %s", [event])
        assert cursor.fetchone() == ("test.role",)
        for change in ("UPDATE audits_auditevent SET reason = 'rewritten' WHERE id = %s",
                       "DELETE FROM audits_auditevent WHERE id = %s"):
            cursor.execute("SAVEPOINT attempt")
            with pytest.raises(psycopg2.Error, match="The audit trail is append-only"):
                cursor.execute(change, [event])
            cursor.execute("ROLLBACK TO SAVEPOINT attempt")


@pytest.mark.parametrize("statement, refusal", [
    pytest.param("ALTER TABLE audits_auditevent DISABLE TRIGGER audits_auditevent_append_only", "must be owner",
                 id="disable the trigger"),
    pytest.param("ALTER TABLE audits_auditevent DISABLE TRIGGER ALL", "must be owner", id="disable every trigger"),
    pytest.param("DROP TRIGGER audits_auditevent_append_only ON audits_auditevent", "must be owner",
                 id="drop the trigger"),
    pytest.param("CREATE OR REPLACE FUNCTION audits_refuse_change() RETURNS trigger LANGUAGE plpgsql AS "
                 "$$ BEGIN RETURN NEW; END $$", "permission denied for schema public",
                 id="replace the trigger's function"),
    pytest.param("CREATE TRIGGER audits_let_through BEFORE UPDATE ON audits_auditevent FOR EACH ROW "
                 "EXECUTE FUNCTION suppress_redundant_updates_trigger()", "permission denied", id="add a trigger"),
    pytest.param("SET session_replication_role = replica", "permission denied", id="skip triggers (replica)"),
    pytest.param("TRUNCATE audits_auditevent CASCADE", "permission denied", id="truncate the trail"),
    pytest.param("DROP TABLE audits_auditevent CASCADE", "must be owner", id="drop the trail"),
    pytest.param("ALTER TABLE audits_chainhead DISABLE TRIGGER ALL", "must be owner", id="move the head back"),
    pytest.param("ALTER TABLE audits_chaincheckpoint DISABLE TRIGGER ALL", "must be owner",
                 id="rewrite the checkpoints"),
])
def test_the_role_cannot_get_around_the_triggers(as_app_role, statement, refusal):
    with as_app_role.cursor() as cursor, pytest.raises(psycopg2.Error, match=refusal):
        cursor.execute(statement)


def test_the_grants_are_enough_for_the_portal(app_role, district):
    """The portal's own work, as the role: an account established, its credentials
    escrowed and revealed (rows in six tables, the hash chain's head moved forward, mail
    queued), and the whole trail verified. Django's connection takes the role's
    privileges for the rest of the test's transaction (``SET LOCAL ROLE``; ``district``
    comes after ``app_role``, so that transaction ends before the role is dropped)."""
    role, _ = app_role
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {quoted(role)}")
        cursor.execute("SELECT current_user")
        assert cursor.fetchone() == (role,)
    account = escrowed(district)
    assert reveal(district.superintendent, account).secrets.password == CANARY
    assert CredentialVersion.objects.filter(account=account).count() == 1
    assert AuditEvent.objects.filter(verb="credentials.revealed", target_id=str(account.pk)).count() == 1
    call_command("verify_audit_trail", stdout=io.StringIO())
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audits_auditevent SET reason = 'rewritten'")
