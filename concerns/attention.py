"""What waits for a person among concern reports, for their home page
(``mps_social.worklist``): the new reports in their triage scope, and those in review
assigned to them (R-IV-B), read from ``selectors.reports_for`` as the triage queue is:
never a report about an account they keep. Then the open reports they follow (about the
accounts or names of a unit they head, or an account they manage), read from
``selectors.open_followed_by`` as their list of reports about their accounts is."""

from django.db.models import Q
from django.urls import reverse

from mps_social.permissions import has_perm
from mps_social.worklist import LIMIT, Item, day_of, more

from . import selectors
from .models import ConcernReport

Status = ConcernReport.Status


def items(user, today) -> list[Item]:
    """Each list reads only the columns its items show (``mps_social.home``)."""
    return triage_items(user) + followed_items(user, today)


def triage_items(user) -> list[Item]:
    """One query for those who work the triage queue (``concerns.triage``, as the
    navigation asks); none for anybody else, whose empty list is not even built."""
    if not has_perm(user, "concerns.triage"):
        return []
    waiting = list(selectors.reports_for(user).filter(Q(status=Status.NEW) | Q(status=Status.IN_REVIEW, assignee=user))
                   .select_related(None).select_related("account", "org_unit")
                   .only("reference", "kind", "status", "created_at", "account__display_name", "org_unit__name")
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


def followed_items(user, today) -> list[Item]:
    """The open reports ``user`` follows and does not triage: read them, and follow how
    they end (R-IV-B). Two queries (``selectors.followed_by``)."""
    followed = selectors.open_followed_by(user).filter(selectors.not_triaged_by(user))
    waiting = list(followed.select_related(None).select_related("account", "matched_name")
                   .only("reference", "kind", "created_at", "account__display_name", "matched_name__name")
                   .order_by("created_at", "pk")[:LIMIT + 1])
    found = []
    for report in waiting[:LIMIT]:
        about = report.account.display_name if report.account else report.matched_name.name
        found.append(Item(what=f"Read the concern report about {about}",
                          why=f"{report.get_kind_display()}: it is about your school's or your own account "
                              "or names. The office handles it; you are told how it ends.",
                          url=report.get_absolute_url(), action=f"Read report {report.reference}",
                          since=day_of(report.created_at)))
    return found + more(waiting, "More concern reports about your accounts", reverse("concerns:followed"),
                        "The reports about your accounts")
