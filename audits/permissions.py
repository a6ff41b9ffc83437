"""Who reads the audit trail (R-V-D): the superintendent, all of it; designees holding
"oversee compliance", the events within their delegations' scope.
"""

from mps_social.permissions import register
from people import roles
from people.models import Power


def oversees_compliance(user, org_unit=None) -> bool:
    """Whether ``user`` holds "oversee compliance" somewhere, or over ``org_unit`` when
    given: the office that reads the trail and the compliance audit's pages."""
    if org_unit is None:
        return roles.holds_power_somewhere(user, Power.OVERSEE_COMPLIANCE)
    return Power.OVERSEE_COMPLIANCE in roles.powers_over(user, org_unit)


@register("audits.view_trail", "Read and export the audit trail (the office's, within its delegations' scope)")
def view_trail(user, obj=None):
    if obj is None:
        return oversees_compliance(user)
    if obj.org_unit_id is None:
        return roles.is_superintendent(user)
    return oversees_compliance(user, obj.org_unit)
