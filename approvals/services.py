"""Every change to an application (R-V-B, Policy 4038 §V.B).

The way through: draft → submitted (awaiting the endorser) → endorsed (awaiting a
decision) → approved, or rejected; either reviewer may send it back ("changes
requested") and the applicant edits and sends it again; the applicant may withdraw it
until it is decided. ``TRANSITIONS`` is the whole table.

Each function is one transaction: it locks the application row, guards the transition,
checks who may act (``approvals.permissions``), writes one audit event and queues mail to
whoever must act next, or changes nothing and raises ``ApplicationError`` with messages
fit to show beside the form's fields. Locking first makes two deciders acting at once
produce exactly one decision: the second waits for the first, then finds the
application decided and is told so.

Who endorses (``endorser_for``): the applicant's supervisor, or, when the supervisor is
the proposed site manager or inactive, the next one up. The chain stops below the
superintendent, whose endorsement would only repeat the decision of their own office:
an applicant with no one else above them (a principal who reports to the superintendent,
or the superintendent themselves) goes straight to a decision, and the timeline says so.
The superintendent's own application is decided by a designee with the power to decide
over its unit; nobody decides their own (separation of duties).
"""

from collections import defaultdict

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import OfficialAccount
from accounts.rules import audience_age_problem, hidden_character_errors, name_conflicts, read_handle
from accounts.services import RegistryError, check_employee, establish_account
from audits.services import record
from mps_social.errors import ServiceError
from mps_social.permissions import has_perm
from notifications.services import notify
from people import roles
from people.models import OrgUnit, Power, User
from people.selectors import power_holders
from training.services import acknowledgment_problem

from . import selectors
from .models import Application, Comment

Status = Application.Status

MAX_TEXT = 5000

# (from, to) → the verb recorded in the audit trail. Anything else is refused.
TRANSITIONS = {
    (Status.DRAFT, Status.SUBMITTED): "application.submitted",
    (Status.DRAFT, Status.ENDORSED): "application.submitted",  # nobody to endorse it
    (Status.CHANGES_REQUESTED, Status.SUBMITTED): "application.resubmitted",
    (Status.CHANGES_REQUESTED, Status.ENDORSED): "application.resubmitted",
    (Status.SUBMITTED, Status.ENDORSED): "application.endorsed",
    (Status.SUBMITTED, Status.CHANGES_REQUESTED): "application.returned",
    (Status.ENDORSED, Status.CHANGES_REQUESTED): "application.returned",
    (Status.ENDORSED, Status.APPROVED): "application.approved",
    (Status.ENDORSED, Status.REJECTED): "application.rejected",
    **{(status, Status.WITHDRAWN): "application.withdrawn" for status in Application.OPEN_STATUSES},
}

# What the applicant fills in, in the order the form shows it.
FIELDS = [
    "org_unit", "purpose", "purpose_other", "platform", "handle", "display_name", "description", "existing_url",
    "audience",
    "grade_band", "youngest_age", "content_plan", "moderation_plan", "public_justification", "site_manager",
    "attests_network_use", "attests_platform_rules", "attests_disclosure",
]
# What names the account: no character that hides or reverses text (R-III-A).
NAME_FIELDS = ["handle", "display_name", "description", "existing_url"]
REQUIRED = {
    "org_unit": "Choose the school, department or program the account speaks for.",
    "purpose": "Choose what the account is for.",
    "platform": "Choose the platform.",
    "display_name": "Give the name the account will show.",
    "audience": "Choose whom the account speaks to.",
    "content_plan": "Say what the account will post (Policy 4038 §V.B).",
    "moderation_plan": "Say how comments and messages will be moderated (Policy 4038 §III.H).",
    "site_manager": "Name the employee who will manage the account (Policy 4038 §III.E).",
}
ATTESTATIONS = {
    "attests_network_use": "Confirm the account will follow the Internet and Educational Network Use policy "
                           "(6415), as Policy 4038 §III.G requires.",
    "attests_platform_rules": "Confirm the account will follow the platform's rules and age limits "
                              "(Policy 4038 §III.H).",
    "attests_disclosure": "Confirm you are responsible for what the account discloses (Policy 4038 §IV).",
}


class ApplicationError(ServiceError):
    """A change the rules refuse. ``errors`` maps form fields (None: the whole form) to
    messages; a single refusal may be given as ``message`` and ``field``."""


# --- reading an application ---------------------------------------------------------------


def reach(user: User) -> QuerySet[OrgUnit]:
    """The units ``user`` may apply for: their own and everything inside it; for a
    designee who decides applications or establishes accounts, also everything those
    delegations cover."""
    if roles.is_superintendent(user):
        return OrgUnit.objects.all()
    paths = list(roles.scope_paths(user, Power.DECIDE_APPLICATIONS, Power.ESTABLISH_ACCOUNTS))
    if user.org_unit_id is not None:
        paths.append(user.org_unit.path)
    if not paths:
        return OrgUnit.objects.none()
    scope = Q()
    for path in paths:
        scope |= Q(path__startswith=path)
    return OrgUnit.objects.filter(scope)


def endorser_for(application: Application) -> User | None:
    """Who endorses ``application`` (see the module's docstring), or None when it goes
    straight to a decision."""
    excluded = {application.applicant_id, application.site_manager_id}
    seen = set()
    person = application.applicant.supervisor
    while person is not None and person.pk not in seen and not person.is_superintendent:
        seen.add(person.pk)
        if person.is_active and person.pk not in excluded:
            return person
        person = person.supervisor
    return None


def name_matches(application: Application):
    """R-III-A: protected names in the handle or display name owned by another unit;
    shown to the applicant, and an approval must override each with a reason."""
    return name_conflicts(application.org_unit, application.handle, application.display_name)


def problems(application: Application) -> dict[str | None, list[str]]:
    """Everything that keeps ``application`` from being sent (or approved), by field,
    each message naming its clause. Empty when it may go."""
    errors = defaultdict(list)
    for field, message in REQUIRED.items():
        if getattr(application, field) in (None, ""):
            errors[field].append(message)
    if application.org_unit_id and not reach(application.applicant).filter(pk=application.org_unit_id).exists():
        errors["org_unit"].append("You can apply only for your own school or department, or one inside it.")
    if application.purpose == Application.Purpose.OTHER and not application.purpose_other.strip():
        errors["purpose_other"].append("Say what the account is for.")
    if not (application.handle or application.existing_url):
        errors["handle"].append("Give the handle you propose (or the address of the existing account).")
    platform = application.platform
    found, problem = read_handle(platform, application.handle or application.existing_url)
    if problem:
        errors["handle" if application.handle else "existing_url"].append(problem)
    if found and application.handle and application.existing_url:
        from_url, _ = read_handle(platform, application.existing_url)
        if from_url is None or from_url.key != found.key:
            errors["existing_url"].append(f"This address is not the account @{found.handle}.")
    if application.audience == Application.Audience.STUDENTS:
        if not application.grade_band and application.youngest_age is None:
            errors["grade_band"].append("Choose the students' grade band, or give the youngest student's age.")
        if problem := audience_age_problem(platform, application.youngest_audience_age):
            errors["youngest_age" if application.youngest_age is not None else "grade_band"].append(problem)
    if application.needs_public_authorization and not application.public_justification.strip():
        errors["public_justification"].append(
            f"{platform.name} is public. Policy 4038 §III.D steers a class, activity or team to a district-approved, "
            "password-protected platform: choose one, or explain why it must be public (the decider must then "
            "authorize it, §III.C)."
        )
    if application.site_manager_id:
        try:
            check_employee(application.site_manager)
        except RegistryError as error:
            errors["site_manager"].append(error.message)
    for field, message in ATTESTATIONS.items():
        if not getattr(application, field):
            errors[field].append(message)
    return dict(errors)


# --- the changes ---------------------------------------------------------------------


def _lock(application: Application) -> Application:
    # No select_related: PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
    return Application.objects.select_for_update().get(pk=application.pk)


def where_it_stands(application: Application) -> str:
    """In words, where ``application`` is: what a reviewer who came too late is told."""
    if application.status in (Status.APPROVED, Status.REJECTED):
        when = timezone.localtime(application.decided_at).strftime("%b %-d, %Y at %H:%M")
        return f"{application.decided_by} already {application.get_status_display().lower()} this application on {when}."
    if application.status == Status.WITHDRAWN:
        return "The applicant has withdrawn this application."
    return f"This application is {application.get_status_display().lower()}."


def _transition(application: Application, target: str) -> str:
    verb = TRANSITIONS.get((application.status, target))
    if verb is None:
        raise ApplicationError(where_it_stands(application))
    return verb


def _apply(application: Application, data: dict) -> tuple[dict, dict]:
    """Copy the applicant's fields from ``data``; returns what changed, before and after."""
    before, after = {}, {}
    for field in FIELDS:
        if field not in data:
            continue
        value = data[field]
        if isinstance(value, str):
            value = value.strip()
        old = getattr(application, field)
        if old != value:
            before[field], after[field] = _plain(old), _plain(value)
            setattr(application, field, value)
    return before, after


def _plain(value):
    """A value as the audit trail keeps it: people by email, other rows by name."""
    if isinstance(value, User):
        return value.email
    if hasattr(value, "_meta"):
        return str(value)
    return value


def _check_org_unit(actor: User, data: dict) -> None:
    unit = data.get("org_unit")
    if unit is not None and not reach(actor).filter(pk=unit.pk).exists():
        raise ApplicationError("You can apply only for your own school or department, or one inside it.",
                               field="org_unit")


def _save(actor: User, application: Application | None, data: dict) -> tuple[Application, dict, dict, bool]:
    _check_org_unit(actor, data)
    created = application is None
    if created:
        application = Application(applicant=actor)
    else:
        application = _lock(application)
        if not has_perm(actor, "approvals.edit_application", application):
            raise ApplicationError("Only the applicant can change a draft or an application sent back to them.")
    if errors := hidden_character_errors(**{field: data.get(field) or "" for field in NAME_FIELDS}):
        raise ApplicationError(errors=errors)  # R-III-A, even in a draft: its name shows on every page
    before, after = _apply(application, data)
    application.save()
    return application, before, after, created


@transaction.atomic
def save_draft(*, actor: User, data: dict, application: Application | None = None) -> Application:
    """Create or update a draft; nothing is checked but whom it speaks for (drafts may be
    incomplete, R-V-B). An application sent back for changes stays with the applicant."""
    application, before, after, created = _save(actor, application, data)
    if created:
        record(actor=actor, verb="application.drafted", target=application, after={"status": application.status},
               org_unit=application.org_unit)
    elif after:
        record(actor=actor, verb="application.edited", target=application, before=before, after=after,
               org_unit=application.org_unit)
    return application


@transaction.atomic
def submit(*, actor: User, data: dict, application: Application | None = None) -> Application:
    """Save what the applicant typed and send it, all or nothing: every rule of §III is
    checked (``problems``) and any failure leaves the application as it was."""
    if problem := acknowledgment_problem(actor):  # Policy 4038 §IV.C (R-IV-C)
        raise ApplicationError(problem)
    application, before, after, created = _save(actor, application, data)
    if errors := problems(application):
        raise ApplicationError(errors=errors)
    endorser = endorser_for(application)
    target = Status.SUBMITTED if endorser is not None else Status.ENDORSED
    verb = _transition(application, target)
    now = timezone.now()
    before["status"], after["status"] = application.status, target
    application.status = target
    application.endorser = endorser
    application.submitted_at = now
    application.endorsed_at = None if endorser is not None else now
    application.save()
    reason = "" if endorser is not None else "Nobody to endorse it: it goes straight to a decision."
    record(actor=actor, verb=verb, target=application, before=before if not created else None, after=after,
           org_unit=application.org_unit, reason=reason)
    if endorser is not None:
        _tell([endorser], application, "to_endorse")
    else:
        _tell(_deciders(application), application, "to_decide")
    return application


@transaction.atomic
def endorse(*, actor: User, application: Application, note: str = "") -> Application:
    """The endorser supports the application; it goes to the people who may decide."""
    note = _text(note, "reason")
    application = _lock(application)
    verb = _transition(application, Status.ENDORSED)
    if not has_perm(actor, "approvals.endorse_application", application):
        raise ApplicationError("Only the applicant's supervisor named on the application can endorse it.")
    application.status = Status.ENDORSED
    application.endorsed_at = timezone.now()
    application.save(update_fields=["status", "endorsed_at", "updated_at"])
    record(actor=actor, verb=verb, target=application, before={"status": Status.SUBMITTED},
           after={"status": Status.ENDORSED}, org_unit=application.org_unit, reason=note)
    _tell(_deciders(application), application, "to_decide")
    _tell([application.applicant], application, "endorsed", reason=note)
    return application


@transaction.atomic
def request_changes(*, actor: User, application: Application, reason: str) -> Application:
    """The endorser, or a decider, sends the application back to the applicant with
    what to change; the applicant edits it and sends it again."""
    reason = _text(reason, "reason", required="Say what should change.")
    application = _lock(application)
    verb = _transition(application, Status.CHANGES_REQUESTED)
    perm = "approvals.endorse_application" if application.status == Status.SUBMITTED else "approvals.decide_application"
    if not has_perm(actor, perm, application):
        raise ApplicationError("Only the endorser or someone who may decide this application can send it back.")
    before = application.status
    application.status = Status.CHANGES_REQUESTED
    application.changes_requested = reason
    application.changes_requested_by = actor
    application.save(update_fields=["status", "changes_requested", "changes_requested_by", "updated_at"])
    record(actor=actor, verb=verb, target=application, before={"status": before},
           after={"status": application.status}, org_unit=application.org_unit, reason=reason)
    _tell([application.applicant], application, "returned", reason=reason)
    return application


@transaction.atomic
def approve(
    *,
    actor: User,
    application: Application,
    conditions: str = "",
    public_use_authorized: bool = False,
    name_override_reason: str = "",
) -> Application:
    """Approve, and establish the account in the registry, pending setup until its site
    manager escrows the credentials (R-V-B, R-III-E). The rules are checked again: a
    handle may have been taken, or the site manager may have left, since it was sent.
    Naming the site manager needs their training current (R-V-C: ``establish_account``
    asks ``accounts.services.check_site_manager``); the refusal says which course to
    complete, and the application waits, endorsed, until they have."""
    conditions = _text(conditions, "reason")
    name_override_reason = _text(name_override_reason, "name_override_reason")
    application = _lock(application)
    verb = _transition(application, Status.APPROVED)
    if not has_perm(actor, "approvals.decide_application", application):
        raise ApplicationError("Only the superintendent, or a designee who decides applications for this unit and "
                               "is not part of it, can decide.")
    errors = defaultdict(list)
    for field, messages in problems(application).items():
        errors[None] += messages  # the decider cannot fix the applicant's fields: say it on top
    if application.needs_public_authorization and not public_use_authorized:
        errors["public_use_authorized"].append(
            "A class, activity or team on a public platform needs your explicit authorization (Policy 4038 §III.C).")
    conflicts = name_matches(application)
    if conflicts and not name_override_reason:
        errors["name_override_reason"].append(
            "; ".join(match.describe() for match in conflicts)
            + ". Say why this unit may use it, or ask for changes (Policy 4038 §III.A).")
    if errors:
        raise ApplicationError(errors=dict(errors))
    try:
        account = establish_account(
            actor=actor,
            platform=application.platform,
            org_unit=application.org_unit,
            display_name=application.display_name,
            description=application.description,
            handle=application.handle or application.existing_url,
            site_manager=application.site_manager,
            origin=OfficialAccount.Origin.APPLICATION,
            reason=f"Application {application.pk} approved.",
            audience_min_age=application.youngest_audience_age,
            name_override_reason=name_override_reason,
        )
    except RegistryError as error:
        raise ApplicationError(error.message) from None
    application.status = Status.APPROVED
    application.decided_by, application.decided_at = actor, timezone.now()
    application.conditions = conditions
    application.public_use_authorized = application.needs_public_authorization and public_use_authorized
    application.name_override_reason = name_override_reason if conflicts else ""
    application.account = account
    application.save()
    record(actor=actor, verb=verb, target=application, before={"status": Status.ENDORSED},
           after={"status": Status.APPROVED, "account": account.pk, "conditions": conditions,
                  "public_use_authorized": application.public_use_authorized,
                  "name_override": [match.name.name for match in conflicts]},
           org_unit=application.org_unit, reason=name_override_reason)
    _tell([application.applicant], application, "approved", reason=conditions)
    return application


@transaction.atomic
def reject(*, actor: User, application: Application, reason: str) -> Application:
    """Refuse the application, saying why (R-V-B)."""
    reason = _text(reason, "reason", required="Say why the application is rejected.")
    application = _lock(application)
    verb = _transition(application, Status.REJECTED)
    if not has_perm(actor, "approvals.decide_application", application):
        raise ApplicationError("Only the superintendent, or a designee who decides applications for this unit and "
                               "is not part of it, can decide.")
    application.status = Status.REJECTED
    application.decided_by, application.decided_at = actor, timezone.now()
    application.decision_reason = reason
    application.save(update_fields=["status", "decided_by", "decided_at", "decision_reason", "updated_at"])
    record(actor=actor, verb=verb, target=application, before={"status": Status.ENDORSED},
           after={"status": Status.REJECTED}, org_unit=application.org_unit, reason=reason)
    _tell([application.applicant], application, "rejected", reason=reason)
    return application


@transaction.atomic
def withdraw(*, actor: User, application: Application, reason: str = "") -> Application:
    """The applicant takes the application back before it is decided."""
    reason = _text(reason, "reason")
    application = _lock(application)
    verb = _transition(application, Status.WITHDRAWN)
    if not has_perm(actor, "approvals.withdraw_application", application):
        raise ApplicationError("Only the applicant can withdraw an application.")
    before = application.status
    application.status = Status.WITHDRAWN
    application.save(update_fields=["status", "updated_at"])
    record(actor=actor, verb=verb, target=application, before={"status": before},
           after={"status": Status.WITHDRAWN}, org_unit=application.org_unit, reason=reason)
    waiting = {Status.SUBMITTED: [application.endorser], Status.ENDORSED: _deciders(application)}.get(before, [])
    _tell([person for person in waiting if person is not None], application, "withdrawn", reason=reason)
    return application


@transaction.atomic
def add_comment(*, actor: User, application: Application, body: str) -> Comment:
    """A word between the applicant and the reviewers; the others involved are told."""
    body = _text(body, "body", required="Write the comment first.")
    if not has_perm(actor, "approvals.comment_application", application):
        raise ApplicationError("You cannot comment on this application.")
    comment = Comment.objects.create(application=application, author=actor, body=body)
    record(actor=actor, verb="application.commented", target=application, after={"comment": comment.pk},
           org_unit=application.org_unit)
    _tell(selectors.people_to_tell(application, except_for=actor), application, "comment", reason=body,
          actor=actor)
    return comment


# --- helpers -------------------------------------------------------------------------


def _text(value: str, field: str, *, required: str = "") -> str:
    value = (value or "").strip()
    if required and not value:
        raise ApplicationError(required, field=field)
    if len(value) > MAX_TEXT:
        raise ApplicationError(f"Keep it under {MAX_TEXT} characters.", field=field)
    return value


def _deciders(application: Application) -> list[User]:
    """Who may decide ``application`` today, less the people it involves."""
    involved = {application.applicant_id, application.site_manager_id}
    return [person for person in power_holders(application.org_unit, Power.DECIDE_APPLICATIONS)
            if person.pk not in involved]


def _tell(people, application: Application, event: str, *, reason: str = "", actor: User | None = None) -> None:
    for person in people:
        notify(recipient=person, template="application_update", link=application.get_absolute_url(),
               context={"application": application, "event": event, "reason": reason, "actor": actor})
