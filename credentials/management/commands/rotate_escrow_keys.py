"""Re-seal everything the escrow's key ring protects under its newest key.

After a new key is put first in ``ESCROW_KEYS`` (``escrow_key`` prints one), this opens
every value sealed by an older key and seals it again by the newest:

- every ``CredentialVersion`` (bound to its row, ``CredentialVersion.aad``);
- every two-factor secret of allauth.mfa (``credentials.mfa``): the TOTP seed
  (``data["secret"]``), the recovery codes' seed (``data["seed"]``) and any codes allauth
  migrated in (``data["migrated_codes"]``).

Rows go in batches ordered by id, each batch in its own transaction with its rows locked,
so the command can be stopped and run again at any point: a value already on the newest
key is left alone. A value that does not open (altered, or its key gone from the ring) is
named by its row id only, left as it is, and makes the command exit non-zero. It ends with
how many values each key seals. Nothing here prints or logs a secret.
"""

from collections import Counter

from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count

from credentials import mfa
from credentials.keyring import CannotDecrypt, keyring
from credentials.models import CredentialVersion

NOT_SEALED = "(not sealed)"


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
    help = "Re-seal escrowed credentials and two-factor secrets under the newest key of ESCROW_KEYS."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="Rows per transaction (default 500).")

    def handle(self, *args, batch_size=500, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        ring = keyring()
        self.stdout.write(f"Newest key: {ring.newest_id}. Keys in the ring: {', '.join(ring.ids())}.")
        failed = self.rotate_credentials(ring, batch_size) + self.rotate_mfa(ring, batch_size)
        self.report(ring)
        if failed:
            raise CommandError(f"{len(failed)} value(s) did not open and were left as they are: {', '.join(failed)}.")

    # --- Escrowed credentials --------------------------------------------------------------
    def rotate_credentials(self, ring, batch_size) -> list[str]:
        failed, resealed, last_pk = [], 0, 0
        while True:
            with transaction.atomic():
                batch = list(
                    CredentialVersion.objects.select_for_update()
                    .filter(pk__gt=last_pk).exclude(key_id=ring.newest_id)
                    .order_by("pk").only("pk", "account_id", "number", "key_id", "sealed")[:batch_size]
                )
                if not batch:
                    break
                for row in batch:
                    try:
                        plaintext = ring.open(row.key_id, bytes(row.sealed), aad=row.aad)
                    except CannotDecrypt:
                        failed.append(f"credential version {row.pk}")
                        self.stderr.write(f"Credential version {row.pk} (key {row.key_id}) does not open: left as it is.")
                        continue
                    row.key_id, row.sealed = ring.seal(plaintext, aad=row.aad)
                    row.save(update_fields=["key_id", "sealed"])
                    resealed += 1
                last_pk = batch[-1].pk
            self.stdout.write(f"Credential versions: {resealed} re-sealed so far (up to id {last_pk}).")
        self.stdout.write(f"Credential versions: {resealed} re-sealed.")
        return failed

    # --- Two-factor secrets (allauth.mfa) ----------------------------------------------------
    def rotate_mfa(self, ring, batch_size) -> list[str]:
        failed, resealed, last_pk = [], 0, 0
        kinds = [Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES]
        while True:
            with transaction.atomic():
                batch = list(
                    Authenticator.objects.select_for_update()
                    .filter(pk__gt=last_pk, type__in=kinds).order_by("pk")[:batch_size]
                )
                if not batch:
                    break
                for authenticator in batch:
                    data, changed, broken = authenticator.data, 0, False
                    for where, value in list(_mfa_values(data)):
                        if _mfa_key_id(value) == ring.newest_id:
                            continue
                        try:
                            resealed_value = mfa.seal(mfa.unseal(value, ring), ring)
                        except CannotDecrypt:
                            broken = True
                            continue
                        if isinstance(where, tuple):
                            data[where[0]][where[1]] = resealed_value
                        else:
                            data[where] = resealed_value
                        changed += 1
                    if broken:
                        failed.append(f"two-factor authenticator {authenticator.pk}")
                        self.stderr.write(f"Two-factor authenticator {authenticator.pk} ({authenticator.type}) has "
                                          "a secret that does not open: left as it is.")
                    elif changed:
                        authenticator.save(update_fields=["data"])
                        resealed += changed
                last_pk = batch[-1].pk
            self.stdout.write(f"Two-factor secrets: {resealed} re-sealed so far (up to authenticator {last_pk}).")
        self.stdout.write(f"Two-factor secrets: {resealed} re-sealed.")
        return failed

    # --- The closing report ----------------------------------------------------------------
    def report(self, ring):
        credentials = Counter({row["key_id"]: row["n"] for row in
                               CredentialVersion.objects.order_by().values("key_id").annotate(n=Count("pk"))})
        secrets = Counter()
        for data in Authenticator.objects.filter(
                type__in=[Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES]).values_list("data", flat=True):
            secrets.update(_mfa_key_id(value) for _, value in _mfa_values(data))
        for label, counts in (("Credential versions", credentials), ("Two-factor secrets", secrets)):
            order = ring.ids() + sorted(set(counts) - set(ring.ids()))
            listed = ", ".join(f"{key_id}: {counts[key_id]}" for key_id in order if counts[key_id] or key_id == ring.newest_id)
            old = sum(n for key_id, n in counts.items() if key_id != ring.newest_id)
            self.stdout.write(f"{label} by key: {listed}; {old} left on other keys.")
