"""What waits for a person among concern reports, for their home page
(``mps_social.worklist``): the new reports in their triage scope, and those in review
assigned to them (R-IV-B). Read from ``selectors.reports_for``, as the triage queue is:
never a report about an account they keep."""

from django.db.models import Q
from django.urls import reverse

from mps_social.permissions import has_perm
from mps_social.worklist import LIMIT, Item, day_of, more

from . import selectors
from .models import ConcernReport

Status = ConcernReport.Status


def items(user, today) -> list[Item]:
    """One query for those who work the triage queue (``concerns.triage``, as the
    navigation asks); none for anybody else, whose empty list is not even built."""
    if not has_perm(user, "concerns.triage"):
        return []
    waiting = list(selectors.reports_for(user).filter(Q(status=Status.NEW) | Q(status=Status.IN_REVIEW, assignee=user))
                   .order_by("created_at", "pk")[:LIMIT + 1])
    found = []
    for report in waiting[:LIMIT]:
        about = report.account.display_name if report.account else (report.org_unit.name if report.org_unit
                                                                     else "the district")
        if report.status == Status.NEW:
            found.append(Item(what=f"Triage a new concern report about {about}",
                              why=f"{report.get_kind_display()}: nobody has taken it yet.",
                              url=report.get_absolute_url(), action=f"Open report {report.reference}",
                              since=day_of(report.created_at)))
        else:
            found.append(Item(what=f"Resolve the concern report about {about}",
                              why=f"{report.get_kind_display()}: it is assigned to you.",
                              url=report.get_absolute_url(), action=f"Open report {report.reference}",
                              since=day_of(report.created_at)))
    return found + more(waiting, "More concern reports wait for triage", reverse("concerns:queue"),
                        "The concern reports")
