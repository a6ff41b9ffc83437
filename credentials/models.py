"""Escrowed log-in credentials of official accounts (Policy 4038 §III.E, R-III-E).

A ``CredentialVersion`` holds one set of credentials, sealed as a single value by the key
ring (``credentials.keyring``) before it reaches the ORM: the log-in identifier, the
password, recovery email and phone, recovery codes, an optional TOTP seed and notes.
Nothing secret has a column of its own, so nothing secret can leak through a list, the
admin, a fixture or a query log. Each update adds a version; the one with no
``replaced_at`` is current, and old ones stay (sealed) for the superintendent's office.

Reveals are audit events (``credentials.revealed``), written in the same transaction as
the decryption; ``AccessGrant`` lends reveal access to a named employee for a while.
"""

import json
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


@dataclass
class Secrets:
    """What is sealed. Kept out of every ``__repr__`` so a traceback cannot show it."""

    login: str = ""
    password: str = field(default="", repr=False)
    recovery_email: str = field(default="", repr=False)
    recovery_phone: str = field(default="", repr=False)
    recovery_codes: str = field(default="", repr=False)
    totp_seed: str = field(default="", repr=False)
    notes: str = field(default="", repr=False)

    def to_bytes(self) -> bytes:
        return json.dumps(asdict(self), separators=(",", ":")).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> "Secrets":
        values = json.loads(data)
        return cls(**{name: values.get(name, "") for name in cls.__dataclass_fields__})


class CredentialVersionQuerySet(models.QuerySet):
    def current(self):
        return self.filter(replaced_at__isnull=True)


class CredentialVersion(models.Model):
    account = models.ForeignKey("accounts.OfficialAccount", on_delete=models.PROTECT,
                                related_name="credential_versions")
    number = models.PositiveIntegerField()
    key_id = models.CharField(max_length=32, help_text="The key of the ring that sealed it.")
    sealed = models.BinaryField(editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    replaced_at = models.DateTimeField(null=True, blank=True)
    replaced_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    replace_reason = models.CharField(max_length=300, blank=True)

    objects = CredentialVersionQuerySet.as_manager()

    class Meta:
        ordering = ["account", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["account", "number"], name="credential_version_number_unique"),
            models.UniqueConstraint(fields=["account"], condition=Q(replaced_at__isnull=True),
                                    name="credential_one_current_version"),
        ]

    def __str__(self):
        return f"Credentials v{self.number} of {self.account}"

    @property
    def aad(self) -> bytes:
        """What the sealed value is bound to: this account and this version."""
        return f"credentials:{self.account_id}:{self.number}".encode()


class AccessGrantQuerySet(models.QuerySet):
    def in_force(self, at=None):
        at = at or timezone.now()
        return self.filter(revoked_at__isnull=True, starts_at__lte=at, ends_at__gt=at)


class AccessGrant(models.Model):
    """R-III-E: the superintendent's office lends reveal access to a named employee (a
    backup during a leave), with a reason, until a date; it lapses by itself."""

    account = models.ForeignKey("accounts.OfficialAccount", on_delete=models.PROTECT, related_name="access_grants")
    grantee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_grants")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")

    objects = AccessGrantQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                              name="access_grant_ends_after_start")]

    def __str__(self):
        return f"{self.grantee} may reveal {self.account} until {self.ends_at:%Y-%m-%d}"


class KeyRingCanary(models.Model):
    """A known, public text sealed by the key ring the database was written with
    (``credentials.canary``). It is no secret: it only proves that the ring in force opens
    what the portal sealed. One row, written by the migration that made the table, moved
    to the newest key by ``rotate_escrow_keys``."""

    ONLY = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=ONLY, editable=False)
    key_id = models.CharField(max_length=32, help_text="The key of the ring that sealed it.")
    sealed = models.BinaryField(editable=False)
    sealed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="key_ring_canary_one_row")]

    def __str__(self):
        return f"Key ring canary (key {self.key_id})"
