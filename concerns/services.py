"""Every change to concern reports (R-IV-B, Policy 4038 §IV.B; impersonation: §III.A).

Each function is one transaction that checks who may act, guards the status change
against ``TRANSITIONS``, changes the rows, writes one audit event and queues its mail, or
changes nothing and raises ``ConcernError`` with a message fit to show beside the form.
Who may act is ``concerns.triage_report``: in scope, and not keeping the reported account
(R-IV-B), so a service called directly refuses what the pages hide.

Mail never carries what the reporter wrote: a report about disclosed private data must
not copy that data into inboxes. Triagers get the reference, the kind and a link to the
portal; a reporter who left an address hears that the report was received, with its
reference, and at the end that it was reviewed and closed, never the outcome (a referral
to HR is a personnel matter). The reporter's mail is written in the language the report
was sent in (issue #23): English, Spanish, Somali or Hmong. The report's followers (the
head of the unit whose account or name it is about, the account's site manager:
``selectors.followers_for``) are told it arrived and, at the end, its outcome, never who
reported it.
"""

from dataclasses import dataclass
from urllib.parse import unquote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OfficialAccount, ProtectedName
from accounts.normalize import normalize
from accounts.rules import protected_names_in
from audits.services import record
from mps_social.errors import ServiceError
from mps_social.permissions import has_perm
from notifications.services import enqueue, notify, notify_many, render
from people.models import OrgUnit, User

from . import selectors
from .models import ConcernNote, ConcernReport, new_reference
from .permissions import keeps_reported_account

Status = ConcernReport.Status

MAX_LINK = 2048
MAX_TEXT = 5000

# (from, to) → the verb recorded in the audit trail. Anything else is refused: a resolved
# report stays resolved (a later finding is a note, or a new report).
TRANSITIONS = {
    (Status.NEW, Status.IN_REVIEW): "concern.assigned",
    (Status.IN_REVIEW, Status.IN_REVIEW): "concern.reassigned",
    (Status.NEW, Status.RESOLVED): "concern.resolved",  # plainly nothing to do: no need to assign first
    (Status.IN_REVIEW, Status.RESOLVED): "concern.resolved",
}


class ConcernError(ServiceError):
    """A change the rules refuse; ``field`` names the form field it belongs beside."""


def _transition(report: ConcernReport, target: str) -> str:
    verb = TRANSITIONS.get((report.status, target))
    if verb is None:
        raise ConcernError(
            f"A {report.get_status_display().lower()} report cannot become {Status(target).label.lower()}."
        )
    return verb


# --- routing a report ----------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    account: OfficialAccount | None
    protected_name: ProtectedName | None
    org_unit: OrgUnit | None
    url: str  # the canonical profile address the link reads as, "" when none


def _official_account(link: str):
    """The official account ``link`` names (accounts.normalize, R-III-A), live ones first."""
    found = normalize(link)
    if found is None:
        return None, ""
    accounts = OfficialAccount.objects.select_related("org_unit", "platform").filter(handle_key=found.key)
    if found.platform_slug:
        accounts = accounts.filter(platform__slug=found.platform_slug)
    accounts = accounts.annotate(
        retired=Case(When(status=OfficialAccount.Status.RETIRED, then=Value(1)), default=Value(0),
                     output_field=IntegerField())
    ).order_by("retired", "pk")
    url = found.url if found.url.startswith(("https://", "http://")) else ""
    return accounts.first(), url


def _protected_name_in(link: str) -> ProtectedName | None:
    """The protected name (§III.A) written into ``link`` however it is spelled
    ("roosevelt.teddies", "RooseveltTeddies_", "roosevelt-teddies", "RooseveltHS")."""
    matches = protected_names_in(unquote(link))
    return matches[0].name if matches else None


def match_link(link: str) -> Match:
    """Where a report about ``link`` belongs: the matched official account's unit, else
    the owner of a protected name the link contains, else the district."""
    account, url, name = None, "", None
    if link:
        account, url = _official_account(link)
        if account is None:
            name = _protected_name_in(link)
    if account is not None:
        unit = account.org_unit
    elif name is not None:
        unit = name.owner
    else:
        unit = OrgUnit.objects.filter(kind=OrgUnit.Kind.DISTRICT).first()
    return Match(account, name, unit, url)


# --- the changes ---------------------------------------------------------------------


def _unique_reference() -> str:
    for _ in range(10):
        reference = new_reference()
        if not ConcernReport.objects.filter(reference=reference).exists():
            return reference
    raise RuntimeError("Could not draw an unused concern reference.")  # 2^40 of them: never in practice


@transaction.atomic
def submit_report(
    *, kind: str, description: str, link: str = "", reporter_email: str = "", reporter: User | None = None,
    language: str = "",
) -> ConcernReport:
    """Anyone reports a concern (R-IV-B; impersonation R-III-A). The report is routed to
    an org unit and everyone who may triage it there is told, and so are its followers
    (the head of the unit whose account or name it is about, the account's site manager);
    a reporter who left an address gets its reference by mail, in ``language`` (the
    page's: one of ``settings.LANGUAGES``, else English). Refusals are in the active
    language: the form is public. Rate limits belong to the caller (the view limits by
    address)."""
    language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    link = (link or "").strip()
    description = (description or "").strip()
    reporter_email = (reporter_email or "").strip().lower()
    if reporter is not None and not reporter.is_authenticated:
        reporter = None
    if kind not in ConcernReport.Kind.values:
        raise ConcernError(_("Choose what you are reporting."), field="kind")
    if len(link) > MAX_LINK:
        raise ConcernError(_("Keep the link under %(limit_value)d characters.") % {"limit_value": MAX_LINK},
                           field="link")
    if not description:
        raise ConcernError(_("Tell us what you saw."), field="description")
    if len(description) > MAX_TEXT:
        raise ConcernError(_("Keep the description under %(limit_value)d characters.") % {"limit_value": MAX_TEXT},
                           field="description")
    if reporter_email:
        try:
            validate_email(reporter_email)
        except ValidationError:
            raise ConcernError(_("Enter an email address we can write to, or leave it empty."),
                               field="reporter_email") from None
    match = match_link(link)
    report = ConcernReport.objects.create(
        reference=_unique_reference(),
        kind=kind,
        link=link,
        link_url=match.url,
        account=match.account,
        matched_name=match.protected_name,
        org_unit=match.org_unit,
        description=description,
        reporter_email=reporter_email,
        reporter=reporter,
        language=language,
    )
    record(
        actor=reporter,
        verb="concern.submitted",
        target=report,
        after={
            "status": report.status,
            "kind": kind,
            "account": match.account.pk if match.account else None,
            "matched_name": match.protected_name.name if match.protected_name else None,
            "org_unit": match.org_unit.pk if match.org_unit else None,
            "reporter": "signed in" if reporter else "anonymous",
        },
        org_unit=match.org_unit,
    )
    triagers = selectors.triagers_for(match.org_unit, match.account)
    if reporter is not None:
        triagers = triagers.exclude(pk=reporter.pk)
    told = {reporter.pk} if reporter is not None else set()
    for person in triagers:
        notify(recipient=person, template="concern_submitted", context={"report": report},
               link=report.get_absolute_url())
        told.add(person.pk)
    _tell_followers(report, "concern_about_yours", exclude=told)
    _tell_reporter(report, "concern_received")
    return report


def _tell_followers(report: ConcernReport, template: str, *, exclude=()) -> None:
    """Tell the report's followers (R-IV-B: the head of the unit it is about, the
    account's site manager), but not the people in ``exclude``; one insert."""
    notify_many((person, template, {"report": report}, f"{template}:{report.pk}:{person.pk}", report.get_absolute_url())
                for person in selectors.followers_for(report) if person.pk not in exclude)


def _lock(report: ConcernReport) -> ConcernReport:
    # No select_related: PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
    return ConcernReport.objects.select_for_update().get(pk=report.pk)


def _check_triager(actor: User, report: ConcernReport) -> None:
    """``concerns.triage_report`` (R-IV-B), saying so when the refusal is a conflict of
    interest: the actor keeps the reported account."""
    if has_perm(actor, "concerns.triage_report", report):
        return
    if keeps_reported_account(actor, report):
        raise ConcernError("This report is about an account you keep, as its site manager or backup: another "
                           "triager in scope handles it.")
    raise ConcernError("Only the superintendent or a designee who triages concerns here can do that.")


@transaction.atomic
def assign(*, actor: User, report: ConcernReport, assignee: User | None) -> ConcernReport:
    """Give a report to someone who may triage it (oneself or a colleague in scope who
    does not keep the reported account, R-IV-B); a new report goes into review. The
    assignee is told, unless they assigned themselves."""
    _check_triager(actor, report)
    report = _lock(report)
    if assignee is None:
        raise ConcernError("Choose who handles this report.", field="assignee")
    if not has_perm(assignee, "concerns.triage_report", report):
        if keeps_reported_account(assignee, report):
            raise ConcernError(f"{assignee} keeps the account this report is about, as its site manager or backup: "
                               "choose someone else.", field="assignee")
        raise ConcernError(f"{assignee} cannot triage concerns for {report.org_unit or 'the district'}.",
                           field="assignee")
    if report.status == Status.IN_REVIEW and report.assignee_id == assignee.pk:
        raise ConcernError(f"{assignee} already handles this report.", field="assignee")
    verb = _transition(report, Status.IN_REVIEW)
    before = {"status": report.status, "assignee": report.assignee.email if report.assignee else None}
    report.status = Status.IN_REVIEW
    report.assignee = assignee
    report.save(update_fields=["status", "assignee"])
    record(actor=actor, verb=verb, target=report, before=before,
           after={"status": report.status, "assignee": assignee.email}, org_unit=report.org_unit)
    if assignee.pk != actor.pk:
        notify(recipient=assignee, template="concern_assigned", context={"report": report, "actor": actor},
               link=report.get_absolute_url())
    return report


@transaction.atomic
def add_note(*, actor: User, report: ConcernReport, body: str) -> ConcernNote:
    """A triager writes down what was checked or done. Notes change no status and may
    follow the resolution (the platform confirming a takedown days later)."""
    _check_triager(actor, report)
    body = (body or "").strip()
    if not body:
        raise ConcernError("Write the note first.", field="body")
    if len(body) > MAX_TEXT:
        raise ConcernError(f"Keep a note under {MAX_TEXT} characters.", field="body")
    note = ConcernNote.objects.create(report=report, author=actor, body=body)
    record(actor=actor, verb="concern.note_added", target=report, after={"note": note.pk},
           org_unit=report.org_unit)
    return note


def _tell_reporter(report: ConcernReport, template: str) -> None:
    """Mail the person who reported, at the address they left (if any), in the language
    they reported in."""
    if not report.reporter_email:
        return
    reporter = report.reporter
    if reporter is not None and reporter.is_active and reporter.email.lower() == report.reporter_email:
        notify(recipient=reporter, template=template, context={"report": report}, language=report.language)
        return
    # A member of the public has no user to notify: the message goes to the address given.
    subject, text, html = render(template, {"report": report, "recipient": None}, language=report.language)
    enqueue(to=report.reporter_email, template=template, subject=subject, body_text=text, body_html=html)


@transaction.atomic
def resolve(*, actor: User, report: ConcernReport, outcome: str, resolution: str) -> ConcernReport:
    """Close a report with an outcome and what was done (R-IV-B). A reporter who left an
    email hears that it was closed; its followers hear the outcome. A report resolved
    straight from "new" is owned by whoever resolved it."""
    _check_triager(actor, report)
    resolution = (resolution or "").strip()
    if outcome not in ConcernReport.Outcome.values:
        raise ConcernError("Choose the outcome.", field="outcome")
    if not resolution:
        raise ConcernError("Say what was done, for the record.", field="resolution")
    if len(resolution) > MAX_TEXT:
        raise ConcernError(f"Keep the resolution under {MAX_TEXT} characters.", field="resolution")
    report = _lock(report)
    verb = _transition(report, Status.RESOLVED)
    before = {"status": report.status}
    report.status = Status.RESOLVED
    report.outcome = outcome
    report.resolution = resolution
    report.resolved_at = timezone.now()
    report.resolved_by = actor
    if report.assignee_id is None:
        report.assignee = actor
    report.save(update_fields=["status", "outcome", "resolution", "resolved_at", "resolved_by", "assignee"])
    record(actor=actor, verb=verb, target=report, before=before,
           after={"status": report.status, "outcome": outcome}, org_unit=report.org_unit, reason=resolution)
    _tell_reporter(report, "concern_resolved")
    _tell_followers(report, "concern_outcome", exclude={actor.pk})
    return report
