"""The home page's "Needs your attention" (issue #22): everything that waits for a person,
gathered from each app's ``attention`` module and shown most urgent first
(``worklist.ordered``), and below it what they keep.

Each app reads its items from the selectors its own queue pages use, so the home and a
queue never disagree, and each costs a fixed number of queries whatever the data holds
(the items of one kind are cut at ``worklist.LIMIT``): the page's count does not grow.
"""

from accounts import attention as accounts_attention
from accounts.selectors import my_accounts
from approvals import attention as approvals_attention
from approvals.selectors import mine
from compliance import attention as compliance_attention
from concerns import attention as concerns_attention
from credentials import attention as credentials_attention
from people import attention as people_attention
from roster import attention as roster_attention
from training import attention as training_attention

from .worklist import Entry, ordered

SOURCES = (approvals_attention, credentials_attention, accounts_attention, training_attention,
           concerns_attention, compliance_attention, people_attention, roster_attention)

KEPT = 10  # the accounts and applications listed under "What you keep"; their pages list all


def needs_attention(user, today) -> list[Entry]:
    """What ``user`` must do, most urgent first; empty when nothing waits for them."""
    return ordered([item for source in SOURCES for item in source.items(user, today)], today)


def kept(user) -> dict:
    """What ``user`` keeps: the accounts they manage or back up and their applications,
    the latest first (``KEPT`` of each, and one more to tell whether there are others)."""
    return {
        "accounts": list(my_accounts(user).order_by("display_name", "pk")[:KEPT + 1]),
        "applications": list(mine(user).order_by("-updated_at", "-pk")[:KEPT + 1]),
    }
