"""Seal the key ring canary with the ring in force (``credentials.canary``): from here on
``manage.py check``, ``/healthz`` and ``rotate_escrow_keys`` can tell whether a ring opens
what this database holds. The ring is the portal's own ``keyring()``: ``ESCROW_KEYS``, or
on the embedded default the development ring, made here on first use if need be."""

from django.db import migrations

from credentials import canary
from credentials.keyring import keyring


def seal_canary(apps, schema_editor):
    key_id, sealed = canary.seal(keyring())
    apps.get_model("credentials", "KeyRingCanary").objects.using(schema_editor.connection.alias).create(
        key_id=key_id, sealed=sealed)


def remove_canary(apps, schema_editor):
    apps.get_model("credentials", "KeyRingCanary").objects.using(schema_editor.connection.alias).all().delete()


class Migration(migrations.Migration):
    dependencies = [("credentials", "0003_key_ring_canary")]
    operations = [migrations.RunPython(seal_canary, remove_canary)]
