"""Reads of concern reports, already narrowed to what the asking user may triage."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from accounts.models import Designation
from audits.models import AuditEvent
from audits.selectors import events_for
from people import roles
from people.models import OrgUnit, Power, User
from people.selectors import power_holders

from .models import ConcernNote, ConcernReport


def keepers(account) -> QuerySet[Designation]:
    """The current designations (site manager and backup) of ``account``, an account or
    an ``OuterRef`` to one: the people who keep it. Nobody triages a report about an
    account they keep (R-IV-B): ``concerns.triage_report``, ``reports_for`` and
    ``triagers_for`` all read the conflict from here."""
    return Designation.objects.current().filter(account=account)


def reports_for(user) -> QuerySet[ConcernReport]:
    """Every report for the superintendent; for a designee, the reports whose org unit
    lies inside a delegation in force that carries the triage power (R-IV-B); none for
    anybody else. Either way, not the reports about an account the user keeps today
    (its site manager or backup, ``keepers``): those are for the other triagers in scope.
    Related rows come along, so a list costs the same at any length."""
    queryset = ConcernReport.objects.select_related(
        "account__platform", "matched_name", "org_unit", "assignee", "reporter", "resolved_by"
    ).exclude(Exists(keepers(OuterRef("account")).filter(person=user.pk)))
    if roles.is_superintendent(user):
        return queryset
    scope = Q()
    for grant in roles.grants(user):
        if Power.TRIAGE_CONCERNS in grant.powers:
            scope |= Q(org_unit__path__startswith=grant.scope_path)
    if not scope:
        return queryset.none()
    return queryset.filter(scope)


def status_counts(queryset: QuerySet[ConcernReport]) -> dict[str, int]:
    """How many reports of ``queryset`` are in each status, in one query."""
    counts = {status: 0 for status in ConcernReport.Status.values}
    rows = queryset.order_by().values("status").annotate(n=Count("pk"))
    for row in rows:
        counts[row["status"]] = row["n"]
    return counts


def triagers_for(org_unit: OrgUnit | None, account=None) -> QuerySet[User]:
    """Who may triage a report routed to ``org_unit`` about ``account`` (None: no official
    account): whoever holds the triage power over the unit but keeps none of the account
    (R-IV-B). They are told when it arrives and may be assigned it."""
    holders = power_holders(org_unit, Power.TRIAGE_CONCERNS)
    if account is None:
        return holders
    return holders.exclude(pk__in=keepers(account).values("person"))


def notes_for(report: ConcernReport) -> QuerySet[ConcernNote]:
    return report.notes.select_related("author")


def _describe(event: AuditEvent, names: dict[str, str]) -> str:
    after = event.after or {}
    if event.verb == "concern.submitted":
        return "Reported"
    if event.verb in ("concern.assigned", "concern.reassigned"):
        email = after.get("assignee") or ""
        return f"{'Reassigned' if event.verb == 'concern.reassigned' else 'Assigned'} to {names.get(email, email)}"
    if event.verb == "concern.resolved":
        outcome = after.get("outcome", "")
        label = dict(ConcernReport.Outcome.choices).get(outcome, outcome)
        return f"Resolved: {label.lower()}"
    return event.verb


def _actor(event: AuditEvent) -> str:
    if event.actor is not None:
        return event.actor.full_name
    return "a member of the public" if event.verb == "concern.submitted" else event.actor_label


def timeline(report: ConcernReport) -> list[dict]:
    """Notes and audit events of ``report``, oldest first. A note's own audit event is
    left out: the note says more."""
    entries = [
        {"at": note.created_at, "note": note, "who": note.author.full_name} for note in notes_for(report)
    ]
    events = list(events_for(report).exclude(verb="concern.note_added"))
    emails = {(event.after or {}).get("assignee") for event in events} - {None}
    names = dict(User.objects.filter(email__in=emails).values_list("email", "full_name")) if emails else {}
    entries += [
        {"at": event.at, "event": event, "what": _describe(event, names), "who": _actor(event)} for event in events
    ]
    entries.sort(key=lambda entry: entry["at"])
    return entries
