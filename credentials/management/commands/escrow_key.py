"""Print a new key for the escrow's key ring (``ESCROW_KEYS``).

The key goes to standard output alone (``python manage.py escrow_key >> secrets``), the hint
to standard error. Nothing is stored: the operator puts the line first in ``ESCROW_KEYS``,
keeps the old keys after it, restarts, and runs ``rotate_escrow_keys``. Each key gets a
random id (``k`` and eight hex digits) unless ``--id`` names one: a new key never takes an
old key's id, so a ring with the wrong key under a familiar id cannot happen by default.
It needs no database and runs without the system checks: it serves when the ring in force
is the wrong one, too.
"""

from django.core.management.base import BaseCommand, CommandError

from credentials.keyring import KEY_ID, new_key_line


class Command(BaseCommand):
    help = "Print a new random key entry ('id:base64') for ESCROW_KEYS."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--id", dest="key_id", help="The key's id (letters, digits, . _ -); random if not given.")

    def handle(self, *args, key_id=None, **options):
        if key_id is not None and not KEY_ID.match(key_id):
            raise CommandError("A key id is 1 to 32 letters, digits, '.', '_' or '-'.")
        self.stdout.write(new_key_line(key_id))
        self.stderr.write(
            "Put it first in ESCROW_KEYS, before the keys you have (ESCROW_KEYS=new,old,...), restart, "
            "then run: python manage.py rotate_escrow_keys")
