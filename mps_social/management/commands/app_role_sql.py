"""``python manage.py app_role_sql ROLE``: the SQL that lets the application connect as
ROLE, a PostgreSQL role that reads and writes rows but owns nothing (docs/deploy.md,
"A database role for the application").

The tables belong to the role that runs the migrations. The audit trail's triggers
(audits migration 0006) refuse to change or delete an event, but a table's owner may
disable, drop or replace them, and truncate the table: so the web server, the worker and
beat connect as ROLE, who may do none of that (tests/test_database_role.py proves it).
Run the output as the owner, connected to the database; it only grants, so running it
again changes nothing. It prints, and never runs, so the operator sees what is granted.
"""

import re

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def quoted(name: str) -> str:
    """``name`` as a PostgreSQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def grants(*, role: str, database: str, owner: str) -> list[str]:
    """What ``role`` needs and no more: rows of every table, the sequences behind their
    ids, and the same on the tables later migrations create as ``owner``."""
    role, database, owner = quoted(role), quoted(database), quoted(owner)
    return [
        f"GRANT CONNECT ON DATABASE {database} TO {role};",
        f"GRANT USAGE ON SCHEMA public TO {role};",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};",
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role};",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role};",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public GRANT USAGE ON SEQUENCES TO {role};",
    ]


class Command(BaseCommand):
    help = "Print the GRANT statements for the application's own PostgreSQL role (run them as the tables' owner)."

    def add_arguments(self, parser):
        parser.add_argument("role", help="The application's role, e.g. mps_app (lower case, digits, underscores).")
        parser.add_argument("--owner", help="The role that owns the tables (runs the migrations). "
                                            "Default: the user of DATABASE_URL.")
        parser.add_argument("--database", help="Default: the database of DATABASE_URL.")

    def handle(self, *args, role, owner=None, database=None, **options):
        if not ROLE_NAME.match(role):
            raise CommandError("Name the role in lower case letters, digits and underscores, e.g. mps_app.")
        if connection.vendor != "postgresql" and not (owner and database):
            raise CommandError("Roles are PostgreSQL's: set DATABASE_URL to the production database, or give "
                               "--owner and --database.")
        owner = owner or connection.settings_dict["USER"]
        database = database or connection.settings_dict["NAME"]
        if owner == role:
            raise CommandError(f"{role} owns the tables: the application's role must be another one.")
        self.stdout.write(f"-- Run as {owner}, connected to {database}.")
        for statement in grants(role=role, database=database, owner=owner):
            self.stdout.write(statement)
