"""What waits for a person in the escrow, for their home page (``mps_social.worklist``),
read from ``credentials.selectors`` (R-III-E, Policy 4038 §III.E):

- the site manager: credentials to escrow (a new account turns active once they are) or
  to rotate (after a reveal or a handover);
- whoever holds lent access, and the superintendent's office in its reveal scope: lent
  access ending within two weeks;
- a supervisor: the reveals by others of the accounts their staff manage.
"""

from django.urls import reverse

from mps_social.worklist import LIMIT, Item, day_of, more
from people import roles

from . import selectors


def _escrow(account) -> Item:
    url = reverse("credentials:escrow", args=[account.pk])
    if not account.has_credentials:
        return Item(what=f"Escrow the credentials of {account.display_name}",
                    why=("The account turns active once its log-in is escrowed with the district."
                         if account.status == account.Status.PENDING_SETUP else
                         "The district holds no copy of its log-in: escrow it so the account can be recovered."),
                    url=url, action="Escrow the credentials", since=day_of(account.established_at))
    return Item(what=f"Change the password of {account.display_name} and escrow the new one",
                why=f"A rotation is due: {account.rotation_due_reason or 'its log-in must be changed.'}",
                url=url, action="Enter new credentials")


def _grant(grant, user) -> Item:
    ends = day_of(grant.ends_at)
    if grant.grantee_id == user.pk:
        return Item(what=f"Your access to the log-in of {grant.account.display_name} ends",
                    why=f"It was lent to you: {grant.reason}", url=reverse("credentials:access"),
                    action="The credentials you can reveal", due=ends)
    return Item(what=f"{grant.grantee.full_name}'s access to {grant.account.display_name} ends",
                why=f"Lent for: {grant.reason} Extend it with a new grant, or let it end.",
                url=reverse("credentials:grants", args=[grant.account_id]), action="See the lent access", due=ends)


_WHAT_REVEALED = {selectors.REVEALED: "the log-in", selectors.SECRET_REVEALED: "the authenticator secret"}


def items(user, today) -> list[Item]:
    """Two queries; two more for a supervisor (their staff's accounts, then their
    reveals). Each reads only the columns its items show (``mps_social.home``)."""
    escrow = list(selectors.to_escrow(user).select_related(None)
                  .only("display_name", "status", "established_at", "rotation_due_reason")[:LIMIT + 1])
    found = [_escrow(account) for account in escrow[:LIMIT]]
    found += more(escrow, "More credentials to escrow or rotate", reverse("accounts:mine"), "All your accounts")
    grants = list(selectors.grants_ending(user, today)
                  .only("account_id", "grantee_id", "reason", "ends_at", "account__display_name",
                        "grantee__full_name")[:LIMIT + 1])
    found += [_grant(grant, user) for grant in grants[:LIMIT]]
    found += more(grants, "More lent access ends soon", reverse("credentials:access"), "Credentials")
    if roles.is_supervisor(user):
        reveals = list(selectors.reveals_of_supervised(user, today)
                       .only("at", "verb", "target_id", "target_label", "reason", "actor_label", "actor__full_name")
                       [:LIMIT])
        found += [Item(what=f"{event.actor.full_name if event.actor else event.actor_label} revealed "
                            f"{_WHAT_REVEALED[event.verb]} of {event.target_label}",
                       why=f"You supervise its site manager and share its escrow access. The reason given: "
                           f"{event.reason}",
                       url=reverse("accounts:account", args=[event.target_id]), action="See the account",
                       since=day_of(event.at), later=True) for event in reveals]
    return found
