"""The home page's "Needs your attention" (issue #22): everything that waits for a person,
gathered from each app's ``attention`` module and shown most urgent first
(``worklist.ordered``), and below it what they keep.

Each app reads its items from the selectors its own queue pages use, so the home and a
queue never disagree, and each costs a fixed number of queries whatever the data holds
(the items of one kind are cut at ``worklist.LIMIT``): the page's count does not grow.
Each reads only the columns its items show (``only``): the home runs some twenty
queries, and at the largest district Django building whole rows, joins and all, cost
more than the database answering (bench/RESULTS.md).
"""

from accounts import attention as accounts_attention
from accounts.selectors import designations_of, keeps
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
    """What ``user`` keeps: the accounts they manage or back up (as designations, which
    say which) and their applications, the latest first (``KEPT`` of each, and one more to
    tell whether there are others); only the columns the page shows. The accounts are not
    asked for of someone who keeps none (``keeps``, the request's fact)."""
    return {
        "accounts": list(designations_of(user).select_related("account__platform")
                         .only("role", "account__display_name", "account__status", "account__rotation_due",
                               "account__rotation_due_reason", "account__platform__name")
                         .order_by("account__display_name", "account__pk")[:KEPT + 1]) if keeps(user) else [],
        "applications": list(mine(user).select_related(None).only("display_name", "status")
                             .order_by("-updated_at", "-pk")[:KEPT + 1]),
    }
