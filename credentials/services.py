"""Every change to the escrow, and every reveal (R-III-E, Policy 4038 §III.E).

Each function is one transaction that checks who may act and writes one audit event, or
changes nothing and raises ``EscrowError``. Secrets travel only as ``Secrets`` objects:
sealed before ``CredentialVersion`` is saved, opened only inside ``reveal`` after its
event is written, and never put in an audit event, a message or a log line.
"""

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from accounts import services as registry
from accounts.models import Designation, OfficialAccount
from audits.services import record
from mps_social.errors import ServiceError
from mps_social.permissions import has_perm
from notifications.services import notify, notify_many, notify_new
from people.models import User
from training.services import acknowledgment_problem

from . import canary, selectors, totp
from .keyring import CannotDecrypt, keyring, ring_source
from .models import AccessGrant, CredentialVersion, Secrets
from .permissions import site_manager_id

MAX_TEXT = 2000

REASONS = [
    ("recover", "Recover or repair the account"),
    ("post", "Post or moderate while the site manager is away"),
    ("handover", "Hand the account over"),
    ("investigate", "Investigate a concern or an incident"),
    ("other", "Other"),
]


log = logging.getLogger(__name__)

class EscrowError(ServiceError):
    """A change or reveal the rules refuse; ``field`` names the form field it belongs beside."""


def _lock(account: OfficialAccount) -> OfficialAccount:
    return OfficialAccount.objects.select_for_update().select_related("platform", "org_unit").get(pk=account.pk)


def current_version(account: OfficialAccount) -> CredentialVersion | None:
    """The account's current version, if any (at most one: ``credential_one_current_version``).
    Ordered by number alone: the model's ordering starts with the account, which orders
    by the account's name, a join to the accounts to sort one row."""
    return account.credential_versions.current().order_by("-number").first()


@transaction.atomic
def escrow(*, actor: User, account: OfficialAccount, secrets: Secrets, reason: str = "") -> CredentialVersion:
    """The site manager enters the account's credentials, or new ones after a rotation.
    The previous version is kept, sealed, marked replaced; a pending account becomes
    active (``accounts.services.credentials_escrowed``); "rotation due" is cleared.
    Only an eligible site manager escrows (``accounts.services.check_site_manager``: an
    employee whose required training is current, R-III-E, R-V-C) who has acknowledged
    the required documents (R-IV-C)."""
    if not has_perm(actor, "credentials.escrow", account):
        raise EscrowError("Only the account's site manager escrows its credentials.")
    if problem := acknowledgment_problem(actor):  # Policy 4038 §IV.C (R-IV-C)
        raise EscrowError(problem)
    try:
        registry.check_site_manager(actor, field=None, actor=actor)
    except registry.RegistryError as error:
        raise EscrowError(error.message) from None
    if not secrets.login.strip():
        raise EscrowError("Give the log-in name or email used at the platform.", field="login")
    if not secrets.password:
        raise EscrowError("Give the password.", field="password")
    for name, value in vars(secrets).items():
        if len(value) > MAX_TEXT:
            raise EscrowError(f"Keep it under {MAX_TEXT} characters.", field=name)
    ring = keyring()
    if (row := canary.stored()) is not None and (mismatch := canary.why_not(ring, row, ring_source())):
        # The ring in force is not the one this database was sealed with: what it sealed now
        # would open for nobody once the right ring is back (``manage.py check`` says the same).
        log.error("Escrow refused: %s", mismatch)
        raise EscrowError("The portal cannot seal credentials right now: its encryption keys do not match its "
                          "records. Nothing was saved; tell the district's IT, who will find the reason in "
                          "`manage.py check`.")
    account = _lock(account)
    now = timezone.now()
    previous = current_version(account)
    if previous is not None:
        previous.replaced_at, previous.replaced_by = now, actor
        previous.replace_reason = reason or account.rotation_due_reason or "Updated by the site manager."
        previous.save(update_fields=["replaced_at", "replaced_by", "replace_reason"])
    last = account.credential_versions.aggregate(last=Max("number"))["last"] or 0
    version = CredentialVersion(account=account, number=last + 1, created_at=now, created_by=actor)
    version.key_id, version.sealed = ring.seal(secrets.to_bytes(), aad=version.aad)
    version.save()
    was_due = account.rotation_due
    if was_due:
        account.rotation_due, account.rotation_due_reason = False, ""
        account.save(update_fields=["rotation_due", "rotation_due_reason"])
    record(actor=actor, verb="credentials.escrowed", target=account,
           before={"version": previous.number if previous else None, "rotation_due": was_due},
           after={"version": version.number, "key_id": version.key_id, "rotation_due": False},
           org_unit=account.org_unit, reason=reason)
    registry.credentials_escrowed(actor=actor, account=account)
    return version


def _day(day) -> str:
    """A date in words, with its year: "May 4, 2027"."""
    return f"{day:%B} {day.day}, {day.year}"


@dataclass
class Revealed:
    """What a reveal gives back: the secrets, or why they cannot be shown.

    A reveal of the credentials carries no authenticator secret: ``code`` is its current
    code instead (``totp.current_code``; None when no secret is escrowed or it is not one
    the portal can read, which ``has_authenticator_secret`` tells apart). A reveal of the
    authenticator secret (``authenticator_secret``) carries the log-in and that secret only."""

    version: CredentialVersion
    secrets: Secrets | None
    problem: str = ""
    rotation_made_due: bool = False
    code: totp.CurrentCode | None = None
    has_authenticator_secret: bool = False
    authenticator_secret: bool = False



def needs_second_factor(actor: User, account: OfficialAccount) -> bool:
    """§III.E: everyone but the site manager reveals only in a session that used its second
    factor (unless the demo relaxes it, which its pages say)."""
    return settings.ESCROW_REQUIRE_MFA and site_manager_id(account) != actor.pk


@transaction.atomic
def reveal(*, actor: User, account: OfficialAccount, reason_kind: str, reason: str,
           second_factor_used: bool, version_number: int | None = None,
           authenticator_secret: bool = False) -> Revealed:
    """Decrypt the current credentials for ``actor``, who says why. The reveal event is
    written in this transaction before anything is returned: if it cannot be written,
    nothing is revealed.
    R-III-E, no more than the need: the credentials come with the authenticator's current
    code (RFC 6238), never its secret; the secret is ``authenticator_secret=True``, a
    reveal of its own with its own reason and verb (``credentials.authenticator_secret_revealed``),
    which gives the log-in and the secret only.
    Anyone but the site manager makes the credentials due for rotation, and the site
    manager is told. Reauthentication is the view's (allauth). ``second_factor_used`` is
    whether the actor's session signed in with its second factor or confirmed it since
    (the view reads allauth's record of the session, ``mps_social.security``); having an
    authenticator is not enough, and without it the reveal is refused (R-III-E)."""
    if not has_perm(actor, "credentials.reveal", account):
        raise EscrowError("You cannot reveal these credentials.")
    if reason_kind not in dict(REASONS):
        raise EscrowError("Choose why you need them.", field="reason_kind")
    reason = (reason or "").strip()
    if not reason:
        raise EscrowError("Say in a few words why you need them.", field="reason")
    if len(reason) > MAX_TEXT:
        raise EscrowError(f"Keep it under {MAX_TEXT} characters.", field="reason")
    if needs_second_factor(actor, account) and not second_factor_used:
        raise EscrowError("Revealing another person's credentials needs two-factor sign-in in this session: "
                          "enter the code from your authenticator app (or turn it on under Security first).")
    account = _lock(account)
    version = current_version(account)
    if version_number is not None and (version is None or version.number != version_number):
        # Replaced versions are kept for the superintendent's office only (§III.E).
        if not has_perm(actor, "credentials.grant_access", account):
            raise EscrowError("Only the superintendent's office may open a replaced version.")
        version = account.credential_versions.filter(number=version_number).first()
    if version is None:
        raise EscrowError("No credentials are escrowed for this account yet.")
    manager_id = site_manager_id(account)
    by_other = manager_id != actor.pk
    try:
        secrets = Secrets.from_bytes(keyring().open(version.key_id, version.sealed, aad=version.aad))
    except (CannotDecrypt, ValueError):
        record(actor=actor, verb="credentials.unreadable", target=account, after={"version": version.number},
               org_unit=account.org_unit, reason=reason)
        return Revealed(version, None, "These credentials cannot be decrypted: the stored value is damaged or was "
                                       "sealed with a key this portal no longer has. Nothing was revealed, and the "
                                       "attempt is recorded. Ask the site manager to enter them again.")
    seed = secrets.totp_seed
    if authenticator_secret and not seed.strip():
        raise EscrowError("No authenticator secret is escrowed for this account.")
    # The one reveal event. If it cannot be written, the exception leaves this function
    # and the transaction with it: the decrypted secrets are never returned.
    event = {"target": account, "org_unit": account.org_unit, "reason": reason,
             "after": {"version": version.number, "reason_kind": reason_kind, "by_site_manager": not by_other}}
    if authenticator_secret:
        record(actor=actor, verb="credentials.authenticator_secret_revealed", **event)
    else:
        record(actor=actor, verb="credentials.revealed", **event)
    if by_other:
        when = timezone.localtime().strftime("%b %-d, %Y")
        what = "Authenticator secret revealed" if authenticator_secret else "Revealed"
        account.rotation_due = True
        account.rotation_due_reason = f"{what} to {actor.full_name} on {when}."[:200]
        account.save(update_fields=["rotation_due", "rotation_due_reason"])
        manager = User.objects.filter(pk=manager_id, is_active=True).first()
        if manager is not None:
            notify(recipient=manager, template="credentials_revealed", link=account.get_absolute_url(),
                   context={"account": account, "actor": actor, "reason": reason,
                            "reason_label": dict(REASONS)[reason_kind],
                            "authenticator_secret": authenticator_secret})
    if authenticator_secret:
        return Revealed(version, Secrets(login=secrets.login, totp_seed=seed), rotation_made_due=by_other,
                        has_authenticator_secret=True, authenticator_secret=True)
    secrets.totp_seed = ""
    return Revealed(version, secrets, rotation_made_due=by_other, code=totp.current_code(seed) if seed else None,
                    has_authenticator_secret=bool(seed.strip()))


@transaction.atomic
def grant_access(*, actor: User, account: OfficialAccount, grantee: User, ends_at, reason: str) -> AccessGrant:
    """Lend reveal access to a named employee until ``ends_at`` (a backup during a leave),
    at most ``ACCESS_GRANT_MAX_DAYS`` from now (R-III-E: access beyond the keepers and the
    office is temporary, and is asked for again when it lapses). A refusal of the date
    goes beside the form's ``until``."""
    if not has_perm(actor, "credentials.grant_access", account):
        raise EscrowError("Only the superintendent's office can lend access.")
    if not (grantee.is_active and grantee.is_employee):  # Policy 4038 §III.E: the district's employees only
        raise EscrowError("Access is lent only to an active district employee, never to a contractor.",
                          field="grantee")
    reason = (reason or "").strip()
    if not reason:
        raise EscrowError("Say why access is lent.", field="reason")
    now = timezone.now()
    if ends_at <= now:
        raise EscrowError("The end must be in the future.", field="until")
    latest = timezone.localdate(now) + timedelta(days=settings.ACCESS_GRANT_MAX_DAYS)
    if timezone.localdate(ends_at) > latest:
        raise EscrowError(f"Access is lent for at most {settings.ACCESS_GRANT_MAX_DAYS} days: choose "
                          f"{_day(latest)} or earlier, and lend it again then if it is still needed.", field="until")
    grant = AccessGrant.objects.create(account=account, grantee=grantee, granted_by=actor, reason=reason,
                                       starts_at=now, ends_at=ends_at)
    record(actor=actor, verb="credentials.access_granted", target=account,
           after={"grantee": grantee.email, "ends_at": ends_at.isoformat()}, org_unit=account.org_unit, reason=reason)
    notify(recipient=grantee, template="credentials_access_granted", context={"account": account, "grant": grant},
           link=reverse("credentials:access"))
    return grant


@transaction.atomic
def revoke_grant(*, actor: User, grant: AccessGrant) -> AccessGrant:
    """End a lent access before its time."""
    if not has_perm(actor, "credentials.grant_access", grant.account):
        raise EscrowError("Only the superintendent's office can end a lent access.")
    grant = AccessGrant.objects.select_for_update().get(pk=grant.pk)
    if grant.revoked_at is not None or grant.ends_at <= timezone.now():
        raise EscrowError("This access has already ended.")
    grant.revoked_at, grant.revoked_by = timezone.now(), actor
    grant.save(update_fields=["revoked_at", "revoked_by"])
    record(actor=actor, verb="credentials.access_revoked", target=grant.account,
           after={"grantee": grant.grantee.email}, org_unit=grant.account.org_unit)
    return grant


def mark_rotation_due(accounts, *, actor, reason: str) -> int:
    """Mark ``accounts`` (a queryset) due for rotation, one audit event each; returns how
    many changed. Accounts already due keep their first reason."""
    return len(_mark_due(accounts, actor=actor, reason=reason))


def _mark_due(accounts, *, actor, reason: str) -> list[OfficialAccount]:
    """``mark_rotation_due``, giving the accounts it changed."""
    # Each event names the account's unit and its label (str: the platform), in this one query.
    changed = list(accounts.filter(rotation_due=False).select_related("org_unit", "platform"))
    OfficialAccount.objects.filter(pk__in=[account.pk for account in changed]).update(
        rotation_due=True, rotation_due_reason=reason[:200])
    for account in changed:
        record(actor=actor, verb="credentials.rotation_due", target=account, after={"rotation_due": True},
               org_unit=account.org_unit, reason=reason)
    return changed


@transaction.atomic
def rotate_all(*, actor: User, accounts, reason: str) -> list[OfficialAccount]:
    """A leaver or a breach (R-III-E): make every one of ``accounts`` (a queryset, such as
    ``selectors.revealed_by``) due for rotation at once, with one reason. The
    superintendent's office with the reveal power over each account may; one audit event
    (``credentials.rotation_due``) and one mail to its site manager per account changed.
    Accounts already due keep their first reason and are not told again. Returns the
    accounts it made due."""
    reason = (reason or "").strip()
    if not reason:
        raise EscrowError("Say why these credentials must be changed now.", field="reason")
    if len(reason) > 200:
        raise EscrowError("Keep it under 200 characters: it is shown on each account.", field="reason")
    accounts = accounts.select_related("org_unit", "platform")
    if any(not has_perm(actor, "credentials.grant_access", account) for account in accounts):
        raise EscrowError("Only the superintendent's office can make these credentials due for rotation.")
    changed = _mark_due(OfficialAccount.objects.filter(pk__in=[account.pk for account in accounts]), actor=actor,
                        reason=reason)
    managers = Designation.objects.current().filter(
        role=Designation.Role.SITE_MANAGER, account__in=changed, person__is_active=True).select_related("person")
    manager_of = {designation.account_id: designation.person for designation in managers}
    notify_many((manager_of[account.pk], "credentials_rotation_due",
                 {"account": account, "actor": actor, "reason": reason}, None, account.get_absolute_url())
                for account in changed if account.pk in manager_of)
    return changed


@transaction.atomic
def supervisor_changed(*, actor: User | None, person: User) -> int:
    """R-III-E: a new supervisor for a site manager means new credentials, since the old
    supervisor could reveal them. Called wherever a supervisor changes: the admin (through
    ``people.signals.supervisor_changed``), the HR roster (``roster.effects``)."""
    managed = Designation.objects.filter(person=person, role=Designation.Role.SITE_MANAGER, ended_at__isnull=True)
    accounts = OfficialAccount.objects.live().filter(pk__in=managed.values("account_id"))
    return mark_rotation_due(accounts, actor=actor, reason="The site manager's supervisor changed.")


@transaction.atomic
def mark_stale(now=None) -> int:
    """R-III-E: credentials older than ``ESCROW_MAX_AGE_DAYS`` fall due for rotation. One
    query finds them, whatever the size of the registry; safe to run twice."""
    limit = (now or timezone.now()) - timedelta(days=settings.ESCROW_MAX_AGE_DAYS)
    stale = CredentialVersion.objects.current().filter(created_at__lt=limit)
    accounts = OfficialAccount.objects.live().filter(pk__in=stale.values("account_id"))
    return mark_rotation_due(accounts, actor=None,
                     reason=f"The credentials are older than {settings.ESCROW_MAX_AGE_DAYS} days.")


@transaction.atomic
def send_grant_reminders(*, today: date | None = None) -> int:
    """The daily job (``credentials.tasks``): 14 and 3 days before access lent to a
    person ends, remind them and the superintendent, who may lend it again before it
    lapses (R-III-E). Each reminder has its outbox key (grant, threshold, person), so a
    second run, or a second scheduler at once, sends nothing twice. Reminders change no
    state, so they are no audit events: the outbox is their record. A fixed number of
    queries whatever the number of grants. Returns how many mails were queued."""
    return notify_new(grant_reminder_mails(today or timezone.localdate()))


def grant_reminder_mails(today: date) -> list:
    """The mails ``send_grant_reminders`` owes on ``today``, sent already or not, as
    ``notify_new``'s items."""
    ending = selectors.grant_reminders_owed(today)
    superintendent = User.objects.filter(is_superintendent=True, is_active=True).first() if ending else None
    items = []
    for due in ending:
        grant = due.grant
        context = {"grant": grant, "account": grant.account, "threshold": due.threshold, "days_left": due.days_left}
        for person, holder in ((grant.grantee, True), (superintendent, False)):
            if person is not None and (holder or person.pk != grant.grantee_id):
                items.append((person, "access_grant_ending", {**context, "holder": holder},
                              f"access-grant-ending:{grant.pk}:{due.threshold}:{person.pk}",
                              reverse("credentials:access") if holder else
                              reverse("credentials:grants", args=[grant.account.pk])))
    return items
