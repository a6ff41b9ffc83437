"""What waits for a person among applications, for their home page (``mps_social.worklist``):
their drafts and the applications sent back to them, and what waits for their endorsement
or decision. Read from the queues' own selectors (``mine``, ``awaiting_endorsement``,
``awaiting_decision``), so the home and the queues never disagree; a decision waits only
in the decider's scope (R-III-C), never one of their own (separation of duties)."""

from django.urls import reverse

from mps_social.permissions import has_perm
from mps_social.worklist import LIMIT, Item, day_of, more

from . import selectors
from .models import Application

Status = Application.Status


def _name(application: Application) -> str:
    return application.display_name or "Your application (no name yet)"


def items(user, today) -> list[Item]:
    """Each list reads only the columns its items show (``mps_social.home``).
    One query for one's own applications; for those the navigation shows a queue to,
    its counts (read once a request, shared with the navigation), and one more for each
    queue with something in it."""
    found = []
    editable = list(selectors.mine(user).filter(status__in=Application.EDITABLE_STATUSES).select_related(None)
                    .only("display_name", "status", "changes_requested", "created_at", "updated_at")
                    .order_by("updated_at", "pk")[:LIMIT + 1])
    for application in editable[:LIMIT]:
        url = reverse("approvals:edit", args=[application.pk])
        if application.status == Status.CHANGES_REQUESTED:
            found.append(Item(what=f"Make the changes asked for to {_name(application)}",
                              why="Your application was sent back: " + (application.changes_requested or
                                                                         "changes were asked for."),
                              url=url, action="Change and send again", since=day_of(application.updated_at)))
        else:
            found.append(Item(what=f"Finish your draft: {_name(application)}",
                              why="It is not sent yet: nobody sees it until you send it.",
                              url=url, action="Finish the application", since=day_of(application.created_at),
                              later=True))
    found += more(editable, "More of your applications need you", reverse("approvals:mine"), "All your applications")
    if has_perm(user, "approvals.view_endorsements") and selectors.endorsement_count(user):
        waiting = list(selectors.awaiting_endorsement(user).select_related(None).select_related("applicant")
                       .only("display_name", "submitted_at", "applicant__full_name")[:LIMIT + 1])
        found += [Item(what=f"Endorse or send back {_name(application)}",
                       why=f"{application.applicant.full_name} asks for your endorsement as their supervisor "
                           f"or unit head.",
                       url=application.get_absolute_url(), action="Read and endorse",
                       since=day_of(application.submitted_at)) for application in waiting[:LIMIT]]
        found += more(waiting, "More applications wait for your endorsement", reverse("approvals:endorsements"),
                      "All endorsements")
    if has_perm(user, "approvals.view_decisions") and selectors.decision_count(user):
        waiting = list(selectors.awaiting_decision(user).select_related(None).select_related("org_unit")
                       .only("display_name", "endorsed_at", "org_unit__name")[:LIMIT + 1])
        found += [Item(what=f"Decide on {_name(application)}",
                       why=f"Endorsed for {application.org_unit.name}; it waits for a decision.",
                       url=application.get_absolute_url(), action="Read and decide",
                       since=day_of(application.endorsed_at)) for application in waiting[:LIMIT]]
        found += more(waiting, "More applications wait for a decision", reverse("approvals:decisions"),
                      "All decisions")
    return found
