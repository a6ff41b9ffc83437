"""What waits for a person in the compliance audit, for their home page
(``mps_social.worklist``): the open findings on the accounts they keep or whose site
manager they supervise, each to fix (R-V-D, ``selectors.findings_to_fix``); and for
whoever oversees compliance, how many findings are open in their scope (the findings
page's ``selectors.findings_for``)."""

from django.urls import reverse

from mps_social.worklist import LIMIT, Item, day_of
from people import roles
from people.models import Power

from . import selectors
from .checks import BY_SLUG


def _title(finding) -> str:
    check = BY_SLUG.get(finding.check_slug)
    return check.title if check else "A check of the audit"


def items(user, today) -> list[Item]:
    """One query; one more for whoever oversees compliance."""
    found = [Item(what=f"Fix a finding on {finding.account.display_name}",
                  why=f"{_title(finding)}: {finding.detail or 'the audit found it failing.'} "
                      "It closes by itself once fixed.",
                  url=finding.get_absolute_url(), action="See the finding", since=day_of(finding.opened_at))
             for finding in selectors.findings_to_fix(user, limit=LIMIT)]
    if roles.holds_power_somewhere(user, Power.OVERSEE_COMPLIANCE):
        if count := selectors.findings_for(user).filter(closed_at__isnull=True).count():
            found.append(Item(what=f"{count} open finding{'' if count == 1 else 's'} of the compliance audit "
                                   f"in your scope",
                              why="You oversee compliance: see that each is fixed by its site manager.",
                              url=reverse("compliance:findings"), action="See the open findings"))
    return found
