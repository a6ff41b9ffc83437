"""Re-seal everything the escrow's key ring protects under its newest key, opening every
value on the way; with ``--verify``, only open them.

After a new key is put first in ``ESCROW_KEYS`` (``escrow_key`` prints one), this opens
every value the ring protects, whatever key sealed it, the newest included, and seals
again by the newest key each one an older key sealed:

- every ``CredentialVersion`` (bound to its row, ``CredentialVersion.aad``);
- every two-factor secret of allauth.mfa (``credentials.mfa``): the TOTP seed
  (``data["secret"]``), the recovery codes' seed (``data["seed"]``) and any codes allauth
  migrated in (``data["migrated_codes"]``);
- the key ring canary (``credentials.canary``); a missing one is sealed again, but only
  once every other value has opened, so that it never vouches for a ring that does not
  open the data.

So a run that ends without an error has proved that the ring opens everything (R-III-E):
after a restore, ``--verify`` is that proof without writing anything. A value that does
not open (altered, its key gone from the ring, or another key under its key's id) is
named by its kind and row id only, left as it is, and makes the command exit non-zero.

Rows go in batches ordered by id, each batch in its own transaction (its rows locked when
re-sealing), so the command can be stopped and run again at any point. It ends with how
many values each key seals. Nothing here prints or logs a secret.

A re-sealing run (not ``--verify``) writes one audit event, ``credentials.keys_rotated``
(R-III-E: every change to the escrow is on the trail): how many values it re-sealed, from
which key ids to which, and how many did not open. Key ids and counts only, never a key.

It runs without the system checks: it is the tool that says what a ring opens, also when
the ring does not open the canary (``credentials.E002``, which would stop it otherwise).
"""

from collections import Counter

from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count

from audits.services import record
from credentials import canary, mfa
from credentials.keyring import CannotDecrypt, keyring, ring_source
from credentials.models import CredentialVersion, KeyRingCanary

NOT_SEALED = "(not sealed)"
MFA_KINDS = [Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES]


def _mfa_values(data: dict):
    """(where, value) of every sealed value in an Authenticator's data."""
    for name in ("secret", "seed"):
        if name in data:
            yield name, data[name]
    for index, value in enumerate(data.get("migrated_codes") or []):
        yield ("migrated_codes", index), value


def _mfa_key_id(value) -> str:
    try:
        return mfa.key_id_of(value)
    except CannotDecrypt:
        return NOT_SEALED


class Command(BaseCommand):
    help = ("Re-seal escrowed credentials, two-factor secrets and the key ring canary under the newest key of "
            "ESCROW_KEYS, opening every one; --verify only opens them. Exits non-zero naming any that do not open.")
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="Rows per transaction (default 500).")
        parser.add_argument("--verify", action="store_true",
                            help="Only open every sealed value and name those that do not open; change nothing.")

    def handle(self, *args, batch_size=500, verify=False, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        ring, reseal = keyring(), not verify
        self.moved = Counter()  # old key id → how many values this run re-sealed off it
        self.stdout.write(f"Newest key: {ring.newest_id}. Keys in the ring: {', '.join(ring.ids())}."
                          + ("" if reseal else " Verifying only: nothing is changed."))
        failed = self.credentials(ring, batch_size, reseal) + self.mfa(ring, batch_size, reseal)
        failed += self.canary(ring, reseal, others_open=not failed)
        self.report(ring)
        if reseal:
            self.record(ring, failed)
        if failed:
            left = " and were left as they are" if reseal else ""
            raise CommandError(f"{len(failed)} value(s) do not open with the key ring{left}: {', '.join(failed)}.")
        self.stdout.write("Every sealed value opens with the key ring.")

    # --- Escrowed credentials --------------------------------------------------------------
    def credentials(self, ring, batch_size, reseal) -> list[str]:
        failed, opened, resealed, last_pk = [], 0, 0, 0
        while True:
            with transaction.atomic():
                rows = CredentialVersion.objects.filter(pk__gt=last_pk).order_by("pk")
                rows = rows.select_for_update() if reseal else rows
                batch = list(rows.only("pk", "account_id", "number", "key_id", "sealed")[:batch_size])
                if not batch:
                    break
                for row in batch:
                    try:
                        plaintext = ring.open(row.key_id, bytes(row.sealed), aad=row.aad)
                    except CannotDecrypt:
                        failed.append(f"credential version {row.pk}")
                        self.stderr.write(f"Credential version {row.pk} (key {row.key_id}) does not open.")
                        continue
                    opened += 1
                    if reseal and row.key_id != ring.newest_id:
                        self.moved[row.key_id] += 1
                        row.key_id, row.sealed = ring.seal(plaintext, aad=row.aad)
                        row.save(update_fields=["key_id", "sealed"])
                        resealed += 1
                last_pk = batch[-1].pk
            self.stdout.write(f"Credential versions: {opened} open, {resealed} re-sealed so far (up to id {last_pk}).")
        self.stdout.write(f"Credential versions: {opened} open, {resealed} re-sealed, {len(failed)} do not open.")
        return failed

    # --- Two-factor secrets (allauth.mfa) ----------------------------------------------------
    def mfa(self, ring, batch_size, reseal) -> list[str]:
        failed, opened, resealed, last_pk = [], 0, 0, 0
        while True:
            with transaction.atomic():
                rows = Authenticator.objects.filter(pk__gt=last_pk, type__in=MFA_KINDS).order_by("pk")
                batch = list((rows.select_for_update() if reseal else rows)[:batch_size])
                if not batch:
                    break
                for authenticator in batch:
                    data, changed, broken = authenticator.data, Counter(), False
                    for where, value in list(_mfa_values(data)):
                        try:
                            plaintext = mfa.unseal(value, ring)
                        except CannotDecrypt:
                            broken = True
                            continue
                        opened += 1
                        if not reseal or (old_id := mfa.key_id_of(value)) == ring.newest_id:
                            continue
                        if isinstance(where, tuple):
                            data[where[0]][where[1]] = mfa.seal(plaintext, ring)
                        else:
                            data[where] = mfa.seal(plaintext, ring)
                        changed[old_id] += 1
                    if broken:
                        failed.append(f"two-factor authenticator {authenticator.pk}")
                        self.stderr.write(f"Two-factor authenticator {authenticator.pk} ({authenticator.type}) has "
                                          "a secret that does not open.")
                    elif changed:
                        authenticator.save(update_fields=["data"])
                        resealed += changed.total()
                        self.moved.update(changed)
                last_pk = batch[-1].pk
            self.stdout.write(f"Two-factor secrets: {opened} open, {resealed} re-sealed so far "
                              f"(up to authenticator {last_pk}).")
        self.stdout.write(f"Two-factor secrets: {opened} open, {resealed} re-sealed; {len(failed)} authenticator(s) "
                          "with a secret that does not open.")
        return failed

    # --- The key ring canary -----------------------------------------------------------------
    def canary(self, ring, reseal, *, others_open) -> list[str]:
        with transaction.atomic():
            row = KeyRingCanary.objects.select_for_update().filter(pk=KeyRingCanary.ONLY).first()
            if row is None and reseal and others_open:
                row = KeyRingCanary(pk=KeyRingCanary.ONLY)
                row.key_id, row.sealed = canary.seal(ring)
                row.save()
                self.stdout.write(f"Key ring canary: missing, sealed again by key {row.key_id}.")
                return []
            reason = canary.why_not(ring, row, ring_source())
            if reason:
                self.stderr.write(reason)
                return ["the key ring canary"]
            if reseal and row.key_id != ring.newest_id:
                self.moved[row.key_id] += 1
                row.key_id, row.sealed = canary.seal(ring)
                row.save(update_fields=["key_id", "sealed"])
                self.stdout.write(f"Key ring canary: opens, re-sealed by key {row.key_id}.")
            else:
                self.stdout.write(f"Key ring canary: opens (key {row.key_id}).")
        return []

    # --- The audit event ------------------------------------------------------------------
    def record(self, ring, failed):
        """One event for the run, on the key ring canary's row (the ring's one record):
        counts and key ids only (R-III-E)."""
        with transaction.atomic():
            target = (KeyRingCanary.objects.filter(pk=KeyRingCanary.ONLY).first()
                      or KeyRingCanary(pk=KeyRingCanary.ONLY))
            record(actor=None, verb="credentials.keys_rotated", target=target,
                   before={"key_ids": sorted(self.moved)},
                   after={"key_id": ring.newest_id, "resealed": sum(self.moved.values()),
                          "resealed_by_old_key": dict(sorted(self.moved.items())), "not_opened": len(failed)},
                   reason=f"Re-sealed {sum(self.moved.values())} value(s) under key {ring.newest_id}.")

    # --- The closing report ----------------------------------------------------------------
    def report(self, ring):
        credentials = Counter({row["key_id"]: row["n"] for row in
                               CredentialVersion.objects.order_by().values("key_id").annotate(n=Count("pk"))})
        secrets = Counter()
        for data in Authenticator.objects.filter(type__in=MFA_KINDS).values_list("data", flat=True):
            secrets.update(_mfa_key_id(value) for _, value in _mfa_values(data))
        for label, counts in (("Credential versions", credentials), ("Two-factor secrets", secrets)):
            order = ring.ids() + sorted(set(counts) - set(ring.ids()))
            listed = ", ".join(f"{key_id}: {counts[key_id]}" for key_id in order if counts[key_id] or key_id == ring.newest_id)
            old = sum(n for key_id, n in counts.items() if key_id != ring.newest_id)
            self.stdout.write(f"{label} by key: {listed}; {old} left on other keys.")
