"""Reads of applications, already narrowed to what the asking user may see or act on.

These mirror ``approvals.permissions`` for many rows at once, so a list never shows what
its detail page would answer with a 404. Related rows come along, so a page of 25 costs
the same number of queries as a page of 1.
"""

from django.db.models import Count, Min, Q, QuerySet

from audits.selectors import events_for
from people import roles
from people.models import Power, User
from people.selectors import power_holders

from .models import Application

Status = Application.Status


def _base() -> QuerySet[Application]:
    """Applications with every person and object an application's page shows."""
    return Application.objects.select_related(
        "applicant", "org_unit", "platform", "site_manager", "endorser", "decided_by", "account"
    )


def _listed() -> QuerySet[Application]:
    """Applications with what a list row shows (``templates/approvals/_table.html``).

    Only those three joins: PostgreSQL plans a query's joins before running it, and with
    the seven of ``_base`` planning the decision queue's query took far longer than running
    it (bench/RESULTS.md)."""
    return Application.objects.select_related("applicant", "org_unit", "platform")


def _decide_scope(user) -> Q | None:
    """The org units ``user`` may decide for today, as a filter; None when none."""
    if roles.is_superintendent(user):
        return Q(org_unit__isnull=False)
    return roles.in_scope(user, "org_unit__path", Power.DECIDE_APPLICATIONS)


def applications_for(user) -> QuerySet[Application]:
    """Every application ``user`` may open (``approvals.view_application``)."""
    if not (user and user.is_authenticated):
        return Application.objects.none()
    involved = Q(site_manager=user) | Q(endorser=user)
    scope = _decide_scope(user)
    if scope is not None:
        involved |= scope
    return _base().filter(Q(applicant=user) | (~Q(status=Status.DRAFT) & involved))


def mine(user) -> QuerySet[Application]:
    return _listed().filter(applicant=user)


def awaiting_endorsement(user) -> QuerySet[Application]:
    return _listed().filter(status=Status.SUBMITTED, endorser=user).order_by("submitted_at", "pk")


def awaiting_decision(user) -> QuerySet[Application]:
    """Endorsed applications in ``user``'s decision scope that are not their own and do
    not propose them as site manager (separation of duties)."""
    scope = _decide_scope(user)
    if scope is None:
        return Application.objects.none()
    return (
        _listed()
        .filter(scope, status=Status.ENDORSED)
        .exclude(applicant=user)
        .exclude(site_manager=user)
        .order_by("endorsed_at", "pk")
    )


def endorsement_count(user) -> int:
    return _waiting(user)["endorse"]


def decision_count(user) -> int:
    return _waiting(user)["decide"]


def _waiting(user) -> dict[str, int]:
    """How many applications wait for ``user`` to endorse (``awaiting_endorsement``) and to
    decide (``awaiting_decision``), counted in one query and kept on the user for the
    request: the navigation shows both on every page of those who hold both powers.

    Counted by status: what waits for an endorsement is submitted, what waits for a
    decision endorsed, so one ``GROUP BY status`` over either tells them apart, where a
    ``FILTER`` per count made Django compile both conditions twice more."""
    def count():
        wanted = Q(status=Status.SUBMITTED, endorser=user)
        scope = _decide_scope(user)
        if scope is not None:
            wanted |= Q(scope, status=Status.ENDORSED) & ~Q(applicant=user) & ~Q(site_manager=user)
        counts = dict(Application.objects.filter(wanted).order_by().values_list("status").annotate(Count("pk")))
        return {"endorse": counts.get(Status.SUBMITTED, 0), "decide": counts.get(Status.ENDORSED, 0)}

    return roles.per_request(user, "applications_waiting", count)


# --- the timeline ----------------------------------------------------------------------

VERBS = {
    "application.drafted": "Started the application",
    "application.edited": "Edited the application",
    "application.submitted": "Sent the application",
    "application.resubmitted": "Sent the application again",
    "application.endorsed": "Endorsed",
    "application.returned": "Asked for changes",
    "application.approved": "Approved",
    "application.rejected": "Rejected",
    "application.withdrawn": "Withdrew the application",
}


def _changes(event) -> list[dict]:
    """Which fields an edit changed, from and to (labels, not column names)."""
    before, after = event.before or {}, event.after or {}
    fields = {field.name: field for field in Application._meta.fields}
    rows = []
    for name in after:
        if name in fields and name != "status":
            label = str(fields[name].verbose_name)
            rows.append({"field": label[:1].upper() + label[1:], "before": before.get(name), "after": after[name]})
    return rows


def timeline(application: Application) -> list[dict]:
    """Every event and comment of ``application``, oldest first: who, when, what, and
    for edits what changed."""
    entries = [
        {"at": comment.created_at, "comment": comment, "who": comment.author.full_name}
        for comment in application.comments.select_related("author")
    ]
    for event in events_for(application).exclude(verb="application.commented"):  # the comment says more
        entries.append({
            "at": event.at,
            "event": event,
            "what": VERBS.get(event.verb, event.verb),
            "who": event.actor.full_name if event.actor else event.actor_label,
            "changes": _changes(event) if event.verb in ("application.edited", "application.resubmitted") else [],
        })
    entries.sort(key=lambda entry: entry["at"])
    return entries


def people_to_tell(application: Application, *, except_for: User) -> set[User]:
    """Who is told of a comment: the applicant, the endorser and, once it waits for a
    decision or has one, the decider or the people who may decide."""
    people = {application.applicant}
    if application.endorser is not None:
        people.add(application.endorser)
    if application.decided_by is not None:
        people.add(application.decided_by)
    elif application.status == Status.ENDORSED:
        people |= set(power_holders(application.org_unit, Power.DECIDE_APPLICATIONS))
    return {person for person in people if person.pk != except_for.pk and person.is_active}


def applicant_ids(person: int | None = None) -> QuerySet:
    """The ids of people with an open application (a draft counts: they are applying), or
    ``person``'s alone when they have one: training's "applicants" audience
    (``training.audiences``, registered in ``ApprovalsConfig.ready``)."""
    applying = Application.objects.filter(status__in=Application.OPEN_STATUSES)
    if person is not None:
        applying = applying.filter(applicant=person)
    return applying.values("applicant_id")


def applicants_since() -> QuerySet:
    """(person id, when their earliest open application was started), for everyone with an
    open application: the day training's courses for applicants became required of them
    (``training.audiences``, registered with ``applicant_ids``)."""
    return (Application.objects.filter(status__in=Application.OPEN_STATUSES).values("applicant_id")
            .annotate(since=Min("created_at")).values_list("applicant_id", "since").order_by())
