"""What waits for a person among delegations, for their home page
(``mps_social.worklist``): the superintendent's delegations ending within two weeks, to
renew or let end; a designee's own (a power holds only between its dates, R-III-C)."""

from django.urls import reverse

from mps_social.worklist import LIMIT, Item

from . import roles, selectors


def items(user, today) -> list[Item]:
    """One query for the superintendent; none for anybody else."""
    ending = selectors.delegations_ending(user, today)
    if roles.is_superintendent(user):
        return [Item(what=f"{delegation.grantee.full_name}'s delegation over {delegation.scope.name} ends",
                     why=f"{', '.join(delegation.get_powers_display())}. Grant a new one if it is still needed, "
                         "or let it end.",
                     url=reverse("people:delegations"), action="See the delegations", due=delegation.ends_on)
                for delegation in ending[:LIMIT]]
    return [Item(what=f"Your delegation over {delegation.scope.name} ends",
                 why=f"{', '.join(delegation.get_powers_display())}. Ask the superintendent for a new one if you "
                     "still need it.",
                 url=f"{reverse('home')}#your-delegations", action="See your delegations", due=delegation.ends_on)
            for delegation in ending[:LIMIT]]
