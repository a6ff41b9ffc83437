"""Every change to the registry: establishing accounts, their lifecycle, who keeps them,
and their annual review.

Each function is one transaction: it checks who may act, locks the account row, guards
the transition against ``TRANSITIONS``, writes the audit event and queues the mail, or
changes nothing and raises ``RegistryError`` with a message fit to show beside the form.
"""

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from audits.services import record
from mps_social.errors import ServiceError
from mps_social.months import add_months
from mps_social.permissions import has_perm
from notifications.services import notify, notify_many, notify_new
from people.models import OrgUnit, Power, User
from people.selectors import power_holders
from training.services import acknowledgment_problem, site_manager_training_problem

from . import selectors
from .models import DESCRIPTION_MAX, AnnualReview, Designation, FormerHandle, OfficialAccount, Platform
from .rules import audience_age_problem, hidden_character_errors, name_conflicts, read_handle

Status = OfficialAccount.Status
Role = Designation.Role

REVIEW_INTERVAL_MONTHS = 12


class RegistryError(ServiceError):
    """A change the rules refuse; ``field`` names the form field it belongs beside."""


# (from, to) → the verb recorded in the audit trail. Anything else is refused.
TRANSITIONS = {
    (Status.PENDING_SETUP, Status.ACTIVE): "account.activated",
    (Status.ACTIVE, Status.SUSPENDED): "account.suspended",
    (Status.SUSPENDED, Status.ACTIVE): "account.reinstated",
    (Status.PENDING_SETUP, Status.RETIRED): "account.retired",
    (Status.ACTIVE, Status.RETIRED): "account.retired",
    (Status.SUSPENDED, Status.RETIRED): "account.retired",
}


def check_employee(person: User, field: str | None = "site_manager") -> None:
    """Policy 4038 §III.E (R-III-E): an active district employee. Asked of a backup, and
    of the site manager an application proposes (the proposed person may complete the
    training while the application is reviewed); ``check_site_manager`` asks it first."""
    if person is None or not person.is_active:
        raise RegistryError("The site manager must be an active member of staff.", field=field)
    if not person.is_employee:
        raise RegistryError(
            "A contractor cannot be a site manager: Policy 4038 §III.E asks for a district employee.", field=field
        )


def check_site_manager(person: User, field: str | None = "site_manager", *, actor: User | None = None) -> None:
    """Who may be named site manager of an account, or act as one by escrowing its
    credentials: an active district employee (R-III-E, ``check_employee``) whose required
    site manager training is current (R-V-C, Policy 4038 §V.C). Establishing an account,
    directly or on an approved application, handing one over and escrowing its
    credentials all ask it, so none names or lets act someone the nightly audit would
    flag. Raises ``RegistryError`` beside ``field``; the training refusal names each
    course to complete and links to it, addressed to ``actor``."""
    check_employee(person, field)
    if problem := site_manager_training_problem(person, actor=actor):
        raise RegistryError(problem, field=field)


def current(account: OfficialAccount, role: str = Role.SITE_MANAGER) -> Designation | None:
    return account.designations.current().filter(role=role).select_related("person").first()


def _lock(account: OfficialAccount) -> OfficialAccount:
    return OfficialAccount.objects.select_for_update().select_related("platform", "org_unit").get(pk=account.pk)


def _designate(*, account, person, role, actor, reason, now) -> Designation:
    return Designation.objects.create(
        account=account, person=person, role=role, started_at=now, designated_by=actor, reason=reason
    )


@transaction.atomic
def establish_account(
    *,
    actor: User,
    platform: Platform,
    org_unit: OrgUnit,
    display_name: str,
    handle: str,
    site_manager: User,
    origin: str,
    reason: str = "",
    description: str = "",
    backup: User | None = None,
    audience_min_age: int | None = None,
    platform_account_id: str = "",
    name_override_reason: str = "",
) -> OfficialAccount:
    """Put an approved account in the registry, pending setup until its credentials are
    escrowed. R-III-B: with ``origin=DIRECT`` the superintendent, or a designee holding the
    power to establish accounts over ``org_unit``, establishes it without an application,
    saying why; the approvals flow calls it with ``origin=APPLICATION`` after its decision.
    Either way the rules of §III hold here too: the platform's age limit (R-III-H), a
    protected name of another unit only with a reason (R-III-A), one live handle per
    platform, an employee with current training as site manager (R-III-E, R-V-C)."""
    direct = origin == OfficialAccount.Origin.DIRECT
    if direct and not has_perm(actor, "accounts.establish_directly", org_unit):
        raise RegistryError("You cannot establish accounts for this unit.", field="org_unit")
    if direct and not reason.strip():
        raise RegistryError("Say why the account is established directly (Policy 4038 §III.B).", field="reason")
    if not display_name.strip():
        raise RegistryError("Give the account's display name.", field="display_name")
    if errors := hidden_character_errors(display_name=display_name, handle=handle, description=description):
        raise RegistryError(errors=errors)
    _check_description(description)
    found, problem = read_handle(platform, handle)
    if found is None or problem:
        raise RegistryError(problem or "Give the account's handle or profile address.", field="handle")
    if problem := audience_age_problem(platform, audience_min_age):
        raise RegistryError(problem, field="audience_min_age")
    conflicts = name_conflicts(org_unit, found.handle, display_name)
    if conflicts and not name_override_reason.strip():
        raise RegistryError("; ".join(match.describe() for match in conflicts)
                            + ". Say why this unit may use it (Policy 4038 §III.A).", field="name_override_reason")
    check_site_manager(site_manager, actor=actor)
    if backup is not None:
        check_employee(backup, field="backup")
        if backup == site_manager:
            raise RegistryError("The backup must be someone other than the site manager.", field="backup")
    now = timezone.now()
    try:
        with transaction.atomic():
            account = OfficialAccount.objects.create(
                platform=platform,
                org_unit=org_unit,
                display_name=display_name.strip(),
                description=" ".join(description.split()),
                handle=found.handle,
                handle_key=found.key,
                url=found.url,
                platform_account_id=platform_account_id,
                origin=origin,
                audience_min_age=audience_min_age,
                established_by=actor,
                status_changed_at=now,
                status_reason=reason,
            )
    except IntegrityError:  # a concurrent establishment took the handle first
        raise RegistryError(f"@{found.handle} is already registered on {platform.name}.", field="handle") from None
    _designate(account=account, person=site_manager, role=Role.SITE_MANAGER, actor=actor, reason=reason, now=now)
    if backup is not None:
        _designate(account=account, person=backup, role=Role.BACKUP, actor=actor, reason=reason, now=now)
    record(
        actor=actor,
        verb="account.established",
        target=account,
        after={"status": account.status, "origin": origin, "handle": account.handle, "platform": platform.slug,
               "site_manager": site_manager.email, "name_override": [match.name.name for match in conflicts]},
        org_unit=org_unit,
        reason="\n".join(text for text in (reason, name_override_reason if conflicts else "") if text.strip()),
    )
    notify(recipient=site_manager, template="account_established", context={"account": account},
           link=account.get_absolute_url())
    return account


# What ``edit_account`` may change, in the order its event and mail list them, with the
# words they are shown in.
def _check_description(description: str) -> None:
    """What an account posts is one line for families, at most ``DESCRIPTION_MAX`` characters."""
    if len(" ".join(description.split())) > DESCRIPTION_MAX:
        raise RegistryError(f"Keep what it posts to one line of at most {DESCRIPTION_MAX} characters.",
                            field="description")


EDITABLE = {"display_name": "display name", "handle": "handle", "url": "address", "description": "description",
            "org_unit": "unit"}


@dataclass(frozen=True)
class Edited:
    """What ``edit_account`` changed: field → (before, after), as recorded; empty when the
    details were already these."""

    account: OfficialAccount
    changes: dict

    @property
    def described(self) -> str:
        return ", ".join(EDITABLE[name] for name in self.changes)


@transaction.atomic
def edit_account(
    *,
    actor: User,
    account: OfficialAccount,
    display_name: str,
    handle: str,
    org_unit: OrgUnit,
    description: str | None = None,
    reason: str = "",
    name_override_reason: str = "",
) -> Edited:
    """Correct or follow an account's name, handle, address, description (what it posts,
    for families; None keeps it) or unit: platforms rename handles, schools merge and
    rename. The superintendent's office over the account's unit
    may, and over the new unit too for a move (R-III-B); a retired account is not edited.

    The handle (or profile address) is read again as at establishment (``read_handle``:
    normalised, one live handle per platform), and the address follows it. A protected name
    of another unit (R-III-A) that the new details bring in needs a reason, as at
    establishment; one the account already used and kept does not. One event records the
    changed fields only, before and after; the site manager is told. The old handle is kept
    (``FormerHandle``), so "is this account official?" answers "formerly @old, now @new".
    Nothing changed: no event, no mail, and ``Edited.changes`` is empty."""
    if not has_perm(actor, "accounts.edit_account", account):
        raise RegistryError("Only the superintendent's office can change an account's details.")
    if org_unit.pk != account.org_unit_id and not has_perm(actor, "accounts.establish_directly", org_unit):
        raise RegistryError("You cannot move accounts to this unit.", field="org_unit")
    if not display_name.strip():
        raise RegistryError("Give the account's display name.", field="display_name")
    description = account.description if description is None else " ".join(description.split())
    if errors := hidden_character_errors(display_name=display_name, handle=handle, description=description):
        raise RegistryError(errors=errors)
    _check_description(description)
    account = _lock(account)
    if account.status == Status.RETIRED:
        raise RegistryError("A retired account is not edited: it stays as it was when it was retired.")
    platform = account.platform
    found, problem = read_handle(platform, handle)
    if found is not None and found.key == account.handle_key:
        problem = ""  # its own handle, perhaps written otherwise
    if found is None or problem:
        raise RegistryError(problem or "Give the account's handle or profile address.", field="handle")
    display_name = display_name.strip()
    before_names = {match.name.pk for match in name_conflicts(account.org_unit, account.handle, account.display_name)}
    conflicts = [match for match in name_conflicts(org_unit, found.handle, display_name)
                 if match.name.pk not in before_names or org_unit.pk != account.org_unit_id]
    if conflicts and not name_override_reason.strip():
        raise RegistryError("; ".join(match.describe() for match in conflicts)
                            + ". Say why this unit may use it (Policy 4038 §III.A).", field="name_override_reason")
    after = {"display_name": display_name, "handle": found.handle, "url": found.url, "description": description,
             "org_unit": org_unit}
    changes = {}
    for name, value in after.items():
        old = getattr(account, name)
        if old != value:
            changes[name] = (old.name, value.name) if name == "org_unit" else (old, value)
    if not changes:
        return Edited(account, {})
    now = timezone.now()
    if found.key != account.handle_key:
        FormerHandle.objects.create(account=account, platform=platform, handle=account.handle,
                                    handle_key=account.handle_key, url=account.url, until=now)
    old_unit = account.org_unit
    account.display_name, account.org_unit, account.description = display_name, org_unit, description
    account.handle, account.handle_key, account.url = found.handle, found.key, found.url
    try:
        with transaction.atomic():
            account.save(update_fields=["display_name", "handle", "handle_key", "url", "description", "org_unit"])
    except IntegrityError:  # a concurrent establishment or edit took the handle first
        raise RegistryError(f"@{found.handle} is already registered on {platform.name}.", field="handle") from None
    record(actor=actor, verb="account.edited", target=account,
           before={name: old for name, (old, _) in changes.items()},
           after={name: new for name, (_, new) in changes.items()}
           | ({"name_override": [match.name.name for match in conflicts]} if conflicts else {}),
           org_unit=org_unit,
           reason="\n".join(text for text in (reason, name_override_reason if conflicts else "") if text.strip()))
    manager = current(account)
    if manager is not None and manager.person != actor:
        notify(recipient=manager.person, template="account_edited", link=account.get_absolute_url(),
               context={"account": account, "changes": [(EDITABLE[name], old, new) for name, (old, new)
                                                        in changes.items()],
                        "old_unit": old_unit, "actor": actor, "reason": reason})
    return Edited(account, changes)


def _transition(account: OfficialAccount, target: str, *, actor, reason: str, now) -> str:
    verb = TRANSITIONS.get((account.status, target))
    if verb is None:
        raise RegistryError(
            f"A {account.get_status_display().lower()} account cannot become {Status(target).label.lower()}."
        )
    before = account.status
    account.status = target
    account.status_changed_at = now
    account.status_reason = reason
    fields = ["status", "status_changed_at", "status_reason"]
    if target == Status.ACTIVE and account.official_since is None:
        account.official_since = timezone.localdate(now)
        account.next_review_due = add_months(account.official_since, REVIEW_INTERVAL_MONTHS)
        fields += ["official_since", "next_review_due"]
    account.save(update_fields=fields)
    record(actor=actor, verb=verb, target=account, before={"status": before}, after={"status": target},
           org_unit=account.org_unit, reason=reason)
    return verb


@transaction.atomic
def credentials_escrowed(*, actor: User, account: OfficialAccount) -> OfficialAccount:
    """The hook the escrow calls once an account's log-in credentials are stored
    (Policy 4038 §III.E): a pending account becomes active and official from today."""
    account = _lock(account)
    if account.status == Status.PENDING_SETUP:
        _transition(account, Status.ACTIVE, actor=actor, reason="Credentials escrowed.", now=timezone.now())
    return account


@transaction.atomic
def change_status(*, actor: User, account: OfficialAccount, status: str, reason: str) -> OfficialAccount:
    """Suspend, reinstate or retire an account: the superintendent's office only, with a
    reason. Activation is not offered here: only escrowed credentials activate."""
    if not has_perm(actor, "accounts.manage_lifecycle", account):
        raise RegistryError("Only the superintendent's office can change an account's status.")
    if not reason.strip():
        raise RegistryError("Say why the status changes.", field="reason")
    account = _lock(account)
    if status == Status.ACTIVE and account.status == Status.PENDING_SETUP:
        raise RegistryError("An account becomes active once its site manager escrows its credentials.")
    verb = _transition(account, status, actor=actor, reason=reason, now=timezone.now())
    manager = current(account)
    if manager is not None and manager.person != actor:
        notify(recipient=manager.person, template="account_status_changed", link=account.get_absolute_url(),
               context={"account": account, "verb": verb, "reason": reason})
    return account


@transaction.atomic
def hand_over(*, actor: User, account: OfficialAccount, new_site_manager: User, reason: str) -> Designation:
    """Designate a new site manager. The superintendent's office or the outgoing site
    manager's supervisor may; the credentials must then be rotated (Policy 4038 §III.E).
    The new site manager is eligible (``check_site_manager``: an employee whose training
    is current, R-III-E, R-V-C)."""
    if not has_perm(actor, "accounts.hand_over", account):
        raise RegistryError("Only the superintendent's office or the site manager's supervisor can hand over.")
    if not reason.strip():
        raise RegistryError("Say why the account changes hands.", field="reason")
    check_site_manager(new_site_manager, field="new_site_manager", actor=actor)
    account = _lock(account)
    if account.status == Status.RETIRED:
        raise RegistryError("A retired account has no site manager.")
    outgoing = current(account)
    if outgoing is not None and outgoing.person == new_site_manager:
        raise RegistryError(f"{new_site_manager} already manages this account.", field="new_site_manager")
    now = timezone.now()
    if outgoing is not None:
        outgoing.ended_at, outgoing.end_reason = now, reason
        outgoing.save(update_fields=["ended_at", "end_reason"])
    backup = current(account, Role.BACKUP)
    if backup is not None and backup.person == new_site_manager:  # the backup steps up
        backup.ended_at, backup.end_reason = now, "Became the site manager."
        backup.save(update_fields=["ended_at", "end_reason"])
    designation = _designate(account=account, person=new_site_manager, role=Role.SITE_MANAGER, actor=actor,
                             reason=reason, now=now)
    account.rotation_due, account.rotation_due_reason = True, "The site manager changed."
    account.save(update_fields=["rotation_due", "rotation_due_reason"])
    record(actor=actor, verb="account.handed_over", target=account,
           before={"site_manager": outgoing.person.email if outgoing else None},
           after={"site_manager": new_site_manager.email, "rotation_due": True},
           org_unit=account.org_unit, reason=reason)
    recipients = {new_site_manager}
    if outgoing is not None:
        recipients.add(outgoing.person)
    if new_site_manager.supervisor is not None:
        recipients.add(new_site_manager.supervisor)
    for person in recipients - {actor}:
        notify(recipient=person, template="account_handed_over", link=account.get_absolute_url(),
               context={"account": account, "new": new_site_manager,
                        "old": outgoing.person if outgoing else None, "reason": reason})
    return designation


@dataclass(frozen=True)
class HandedOver:
    """What ``hand_over_all`` did: the accounts handed over, and those refused with why."""

    done: list
    refused: list  # (account, message)


def hand_over_problems(*, actor: User, accounts, successor: User) -> list[tuple[OfficialAccount, str]]:
    """Each of ``accounts`` with why ``successor`` cannot take it over (empty when they
    can): the confirmation ``hand_over_all`` asks for. The reasons are ``hand_over``'s own:
    the office's power over the account, an eligible successor (``check_site_manager``:
    an employee whose training is current, R-III-E, R-V-C), not someone who manages it
    already."""
    try:
        check_site_manager(successor, field="successor", actor=actor)
        person_problem = ""
    except RegistryError as refusal:
        person_problem = refusal.message
    rows = []
    for account in accounts:
        if not has_perm(actor, "accounts.hand_over", account):
            problem = "Only the superintendent's office or the site manager's supervisor can hand over."
        elif account.current_site_manager_id == successor.pk:
            problem = f"{successor} already manages this account."
        else:
            problem = person_problem
        rows.append((account, problem))
    return rows


@transaction.atomic
def hand_over_all(*, actor: User, person: User, successor: User, reason: str, accounts) -> HandedOver:
    """A leaver's accounts to a named successor at once (R-III-E): each of ``accounts``
    (those ``person`` manages that the office may, ``selectors.kept_by``) goes through
    ``hand_over``, one audit event and its mail each, its credentials due for rotation;
    one that ``hand_over`` refuses is listed with its reason, the others are still handed
    over. ``person``'s backup roles are left to ``set_backup``."""
    if not reason.strip():
        raise RegistryError("Say why the accounts change hands.", field="reason")
    if successor == person:
        raise RegistryError(f"{successor} already keeps these accounts: name someone else.", field="successor")
    done, refused = [], []
    for pk in [account.pk for account in accounts if account.current_site_manager_id == person.pk]:
        # One row at a time, as its own page would hand it over.
        account = OfficialAccount.objects.select_related("platform", "org_unit").get(pk=pk)
        try:
            with transaction.atomic():
                hand_over(actor=actor, account=account, new_site_manager=successor, reason=reason)
        except RegistryError as refusal:
            refused.append((account, refusal.message))
        else:
            done.append(account)
    return HandedOver(done, refused)


@transaction.atomic
def set_backup(*, actor: User, account: OfficialAccount, backup: User | None, reason: str) -> Designation | None:
    """Name or clear the account's backup: its site manager, their supervisor or the
    superintendent's office may."""
    if not has_perm(actor, "accounts.set_backup", account):
        raise RegistryError("Only the site manager, their supervisor or the superintendent's office can name a backup.")
    account = _lock(account)
    manager = current(account)
    if backup is not None:
        check_employee(backup, field="backup")
        if manager is not None and backup == manager.person:
            raise RegistryError("The backup must be someone other than the site manager.", field="backup")
    now = timezone.now()
    previous = current(account, Role.BACKUP)
    if previous is not None:
        if backup is not None and previous.person == backup:
            return previous
        previous.ended_at, previous.end_reason = now, reason
        previous.save(update_fields=["ended_at", "end_reason"])
    designation = None
    if backup is not None:
        designation = _designate(account=account, person=backup, role=Role.BACKUP, actor=actor, reason=reason,
                                 now=now)
        notify(recipient=backup, template="account_backup", context={"account": account},
               link=account.get_absolute_url())
    record(actor=actor, verb="account.backup_changed", target=account,
           before={"backup": previous.person.email if previous else None},
           after={"backup": backup.email if backup else None}, org_unit=account.org_unit, reason=reason)
    return designation


@transaction.atomic
def record_review(
    *,
    actor: User,
    account: OfficialAccount,
    still_needed: bool,
    details_correct: bool,
    recovery_district_owned: bool,
    two_factor_enabled: bool,
    notes: str = "",
) -> AnnualReview:
    """The site manager's annual review (R-V-D). Every answer must be yes to pass; a "no"
    needs a note saying what is being done, and the superintendent's office is told."""
    if not has_perm(actor, "accounts.review", account):
        raise RegistryError("Only the account's site manager reviews it.")
    if problem := acknowledgment_problem(actor):  # Policy 4038 §IV.C (R-IV-C)
        raise RegistryError(problem)
    account = _lock(account)
    if account.status != Status.ACTIVE:
        raise RegistryError("Only an active account is reviewed.")
    answers = [still_needed, details_correct, recovery_district_owned, two_factor_enabled]
    if not all(answers) and not notes.strip():
        raise RegistryError("Say what is being done about each answer that is not yes.", field="notes")
    today = timezone.localdate()
    review = AnnualReview.objects.create(
        account=account, reviewer=actor, still_needed=still_needed, details_correct=details_correct,
        recovery_district_owned=recovery_district_owned, two_factor_enabled=two_factor_enabled, notes=notes,
        next_due=add_months(today, REVIEW_INTERVAL_MONTHS),
    )
    before = account.next_review_due
    account.next_review_due = review.next_due
    account.save(update_fields=["next_review_due"])
    record(actor=actor, verb="account.reviewed", target=account,
           before={"next_review_due": str(before) if before else None},
           after={"next_review_due": str(review.next_due), "all_yes": all(answers)},
           org_unit=account.org_unit, reason=notes)
    if not all(answers):
        superintendent = User.objects.filter(is_superintendent=True, is_active=True).first()
        if superintendent is not None:
            notify(recipient=superintendent, template="account_review_flagged", link=account.get_absolute_url(),
                   context={"account": account, "review": review})
    return review


# --- reminders ----------------------------------------------------------------------


@transaction.atomic
def send_review_reminders(*, today: date | None = None) -> int:
    """The daily job (``accounts.tasks``): remind each active account's site manager of
    its annual review 30 and 7 days before it is due, on the day, and once when it is
    overdue, copying their supervisor then (R-V-D, Policy 4038 §V.D). Each reminder has
    its outbox key (account, review date, threshold, person), so a second run, or a second
    scheduler at once, sends nothing twice; a completed review moves the date and starts
    a new cycle. Reminders change no state, so they are no audit events: the outbox is
    their record. A fixed number of queries whatever the number of accounts. Returns how
    many mails were queued."""
    return notify_new(review_reminder_mails(today or timezone.localdate()))


def review_reminder_mails(today: date) -> list:
    """The mails ``send_review_reminders`` owes on ``today``, sent already or not, as
    ``notify_new``'s items."""
    items = []
    for due in selectors.review_reminders_owed(today):
        account, person = due.account, due.designation.person
        cycle = f"review-reminder:{account.pk}:{account.next_review_due:%Y-%m-%d}:{due.threshold}"
        context = {"account": account, "person": person, "threshold": due.threshold,
                   "due_on": account.next_review_due, "days_left": (account.next_review_due - today).days}
        supervisor = person.active_supervisor if due.escalates else None
        items.append((person, "review_reminder", {**context, "copy": False, "supervisor": supervisor},
                      f"{cycle}:{person.pk}", reverse("accounts:review", args=[account.pk])))
        if supervisor is not None:
            items.append((supervisor, "review_reminder", {**context, "copy": True}, f"{cycle}:{supervisor.pk}",
                          account.get_absolute_url()))
    return items


def _told_of_compromise(account: OfficialAccount, actor: User) -> list[User]:
    """Who is mailed when an account is compromised or recovered (Policy 4038 §III.E): its
    site manager, their supervisor, and the office (those holding the power to establish
    and manage accounts over its unit, the superintendent among them); not the actor."""
    told = {}
    manager = (account.designations.current().filter(role=Role.SITE_MANAGER)
               .select_related("person__supervisor").first())
    if manager is not None:
        told[manager.person.pk] = manager.person
        supervisor = manager.person.supervisor
        if supervisor is not None and supervisor.is_active:
            told[supervisor.pk] = supervisor
    for person in power_holders(account.org_unit, Power.ESTABLISH_ACCOUNTS):
        told.setdefault(person.pk, person)
    told.pop(actor.pk, None)
    return list(told.values())


@transaction.atomic
def mark_compromised(*, actor: User, account: OfficialAccount, reason: str) -> OfficialAccount:
    """The district has lost control of an account (hacked, or its log-in lost): the office
    marks it compromised with a reason (Policy 4038 §III.A, §III.E). Until its recovery the
    public pages (verify, the directory, its feed and embed) warn families not to trust it;
    its credentials fall due for rotation at once; its site manager, their supervisor and
    the office are mailed. The account keeps its status: it is still the district's."""
    if not has_perm(actor, "accounts.mark_compromised", account):
        raise RegistryError("Only the superintendent's office can mark an account compromised.")
    if not reason.strip():
        raise RegistryError("Say what happened: how the district lost control of the account.", field="reason")
    account = _lock(account)
    if account.status == Status.RETIRED:
        raise RegistryError("A retired account no longer speaks for the district; it cannot be marked compromised.")
    if account.is_compromised:
        raise RegistryError("This account is already marked compromised.")
    account.compromised_at, account.compromised_reason = timezone.now(), reason.strip()
    account.rotation_due, account.rotation_due_reason = True, "The account was compromised."
    account.save(update_fields=["compromised_at", "compromised_reason", "rotation_due", "rotation_due_reason"])
    record(actor=actor, verb="account.compromised", target=account, before={"compromised": False},
           after={"compromised": True, "rotation_due": True}, org_unit=account.org_unit, reason=reason)
    notify_many((person, "account_compromised", {"account": account, "reason": account.compromised_reason}, None, account.get_absolute_url())
                for person in _told_of_compromise(account, actor))
    return account


@transaction.atomic
def mark_recovered(*, actor: User, account: OfficialAccount, note: str) -> OfficialAccount:
    """The district has control of a compromised account again: the office records it with
    a note (how it was recovered), the public warnings end, and the same people are told.
    The credentials stay due for rotation until new ones are escrowed."""
    if not has_perm(actor, "accounts.mark_compromised", account):
        raise RegistryError("Only the superintendent's office can mark an account recovered.")
    if not note.strip():
        raise RegistryError("Say how the district got the account back.", field="note")
    account = _lock(account)
    if not account.is_compromised:
        raise RegistryError("This account is not marked compromised.")
    since, reason = account.compromised_at, account.compromised_reason
    account.compromised_at, account.compromised_reason = None, ""
    account.save(update_fields=["compromised_at", "compromised_reason"])
    record(actor=actor, verb="account.recovered", target=account,
           before={"compromised": True, "compromised_at": since.isoformat(), "compromised_reason": reason},
           after={"compromised": False}, org_unit=account.org_unit, reason=note)
    notify_many((person, "account_recovered", {"account": account, "note": note.strip()}, None, account.get_absolute_url())
                for person in _told_of_compromise(account, actor))
    return account
