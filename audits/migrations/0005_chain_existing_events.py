"""The audit trail's hash chain, step 2 of 3: link the events recorded before the chain
existed, in the order they were written (their ids), and set the chain's head. Batched,
so a large trail never sits in memory; idempotent (it starts again from the genesis)."""

from django.db import migrations

from audits.chain import BATCH, COLUMNS, GENESIS, digest


def chain_existing(apps, schema_editor):
    AuditEvent = apps.get_model("audits", "AuditEvent")
    ChainHead = apps.get_model("audits", "ChainHead")
    columns = [name for name in COLUMNS if name != "sequence"]
    sequence, previous, last_pk = 0, GENESIS, 0
    while True:  # a page of ids at a time, so no cursor stays open across the updates
        rows = list(AuditEvent.objects.filter(pk__gt=last_pk).order_by("pk").values_list("pk", *columns)[:BATCH])
        if not rows:
            break
        batch = []
        for pk, *values in rows:
            sequence += 1
            previous = digest((sequence, *values), previous)
            batch.append(AuditEvent(pk=pk, sequence=sequence, hash=previous))
        AuditEvent.objects.bulk_update(batch, ["sequence", "hash"])
        last_pk = rows[-1][0]
    ChainHead.objects.update_or_create(pk=1, defaults={"sequence": sequence, "hash": previous})


class Migration(migrations.Migration):

    dependencies = [
        ("audits", "0004_chain_fields"),
    ]

    operations = [migrations.RunPython(chain_existing, migrations.RunPython.noop)]
