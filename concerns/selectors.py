"""Reads of concern reports, already narrowed to what the asking user may triage, or
follow: the reports about the accounts and names of a unit they head, or about an
account they are site manager of (R-IV-B)."""

from django.db.models import Count, Exists, Q, QuerySet

from accounts.models import Designation, OfficialAccount
from accounts.selectors import kept_ids
from audits.models import AuditEvent
from audits.selectors import events_for
from people import roles
from people.models import OrgUnit, Power, User
from people.selectors import power_holders

from .models import ConcernNote, ConcernReport


def keepers(account) -> QuerySet[Designation]:
    """The current designations (site manager and backup) of ``account``, an account or
    an ``OuterRef`` to one: the people who keep it. Nobody triages a report about an
    account they keep (R-IV-B): ``concerns.triage_report`` and ``triagers_for`` read the
    conflict from here; ``reports_for``, asked of one person, from what they keep
    (``accounts.selectors.keeps``, the same current designations)."""
    return Designation.objects.current().filter(account=account)


def reports_for(user) -> QuerySet[ConcernReport]:
    """Every report for the superintendent; for a designee, the reports whose org unit
    lies inside a delegation in force that carries the triage power (R-IV-B); none for
    anybody else. Either way, not the reports about an account the user keeps today
    (its site manager or backup, ``keepers``): those are for the other triagers in scope.
    Related rows come along, so a list costs the same at any length."""
    queryset = ConcernReport.objects.select_related(
        "account__platform", "matched_name", "org_unit", "assignee", "reporter", "resolved_by"
    ).exclude(_about_what_they_keep(user))
    if roles.is_superintendent(user):
        return queryset
    scope = _designee_scope(user)
    return queryset.filter(scope) if scope else queryset.none()


def not_triaged_by(user) -> Q:
    """The reports ``reports_for(user)`` leaves out, as a filter: those outside their
    triage scope, and those about an account they keep. Said directly rather than as
    "not among ``reports_for``", which the home page asked Django to build twice over."""
    if roles.is_superintendent(user):
        return _about_what_they_keep(user)
    scope = _designee_scope(user)
    return ~scope | _about_what_they_keep(user) if scope else Q()


def _about_what_they_keep(user) -> Q:
    """The reports about an account ``user`` keeps (``keepers``, read once a request as
    ``accounts.selectors.keeps``)."""
    return Q(account_id__in=kept_ids(user))


def _designee_scope(user) -> Q:
    """The subtrees of ``user``'s delegations in force carrying the triage power, as a
    filter on the report's unit; empty when none."""
    scope = Q()
    for grant in roles.grants(user):
        if Power.TRIAGE_CONCERNS in grant.powers:
            scope |= Q(org_unit__path__startswith=grant.scope_path)
    return scope


# --- the people a report is about ------------------------------------------------------
#
# A report is about a unit when it names one of the unit's official accounts, or one of
# the protected names it owns (an impersonation, §III.A): ``org_unit`` is then that unit.
# A report routed to the district because its link matched nothing is about nobody. Its
# followers are the head of that unit and of every unit it lies in, and the current site
# manager of the account it names. They are told when it arrives and when it closes, and
# read it without the reporter's name or address (``concerns.read_report``); triage stays
# with the triagers (``concerns.triage_report``).

_ABOUT_SOMETHING = Q(account__isnull=False) | Q(matched_name__isnull=False)


def _site_managers(account) -> QuerySet[Designation]:
    return keepers(account).filter(role=Designation.Role.SITE_MANAGER)


def followers_for(report: ConcernReport) -> QuerySet[User]:
    """The active people who follow ``report``: the heads of its unit and of the units
    above it, when it is about an account or a protected name, and the account's current
    site manager. One query."""
    who = Q(pk__in=[])
    if report.org_unit_id is not None and (report.account_id or report.matched_name_id):
        who |= Q(units_headed__path__in=report.org_unit.ancestor_paths())
    if report.account_id is not None:
        who |= Q(pk__in=_site_managers(report.account_id).values("person"))
    return User.objects.filter(who, is_active=True).distinct().order_by("full_name", "pk")


def headed_paths(user) -> list[str]:
    """The paths of the units ``user`` heads: one query."""
    return list(OrgUnit.objects.filter(head=user.pk).values_list("path", flat=True))


def followed_by(user) -> QuerySet[ConcernReport]:
    """The reports ``user`` follows, newest first: about the accounts or names of a unit
    they head (or a unit inside it), or about an account they are site manager of today.
    Two queries for a page of any length."""
    about_units = roles.within("org_unit__path", headed_paths(user)) & _ABOUT_SOMETHING
    about_accounts = Q(account_id__in=kept_ids(user, Designation.Role.SITE_MANAGER))
    return ConcernReport.objects.select_related("account__platform", "matched_name__owner", "org_unit",
                                                "assignee").filter(about_units | about_accounts)


def open_followed_by(user) -> QuerySet[ConcernReport]:
    """``followed_by`` still open (new or in review): what the home page lists."""
    return followed_by(user).exclude(status=ConcernReport.Status.RESOLVED)


def follows_anything(user) -> bool:
    """Whether ``user`` heads a unit or is site manager of a live account: whether the
    list of reports about their accounts is theirs to open. One query."""
    managed = Designation.objects.current().filter(role=Designation.Role.SITE_MANAGER, person=user.pk,
                                                   account__in=OfficialAccount.objects.live())
    return User.objects.filter(pk=user.pk).filter(Q(units_headed__isnull=False) | Exists(managed)).exists()


def follows(user, report: ConcernReport) -> bool:
    """Whether ``user`` follows ``report`` (``followers_for``, for one person)."""
    return followers_for(report).filter(pk=user.pk).exists()


def readable_by(user) -> QuerySet[ConcernReport]:
    """The reports ``user`` may open: those they triage (``reports_for``) and those they
    follow (``followed_by``)."""
    return ConcernReport.objects.select_related(
        "account__platform", "matched_name__owner", "org_unit", "assignee", "reporter", "resolved_by"
    ).filter(Q(pk__in=reports_for(user).values("pk")) | Q(pk__in=followed_by(user).values("pk")))


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
