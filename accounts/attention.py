"""What waits for a person among the accounts they keep, for their home page
(``mps_social.worklist``): the annual reviews due (Policy 4038 §III.E, R-III-E), read
from ``selectors.reviews_due``."""

from django.urls import reverse

from mps_social.worklist import LIMIT, Item, more

from . import selectors


def items(user, today) -> list[Item]:
    """One query, of the columns the items show (``mps_social.home``)."""
    due = list(selectors.reviews_due(user, today).only("display_name", "next_review_due", "platform__name")
               [:LIMIT + 1])
    found = [Item(what=f"Record the annual review of {account.display_name}",
                  why=f"As its site manager you confirm once a year that the {account.platform.name} account is "
                      f"still needed, its details are right and its recovery belongs to the district.",
                  url=reverse("accounts:review", args=[account.pk]), action="Record the review",
                  due=account.next_review_due) for account in due[:LIMIT]]
    return found + more(due, "More annual reviews are due", reverse("accounts:mine"), "All your accounts")
