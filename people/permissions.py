"""Permissions over people and delegations (registered in ``mps_social.permissions``)."""

from mps_social.permissions import register

from . import roles


@register("people.view_portal", "Use the staff side of the portal")
def view_portal(user, obj=None):
    return True  # any active, signed-in staff member


@register("people.manage_delegations", "Grant and revoke the superintendent's delegations")
def manage_delegations(user, obj=None):
    # Policy 4038 §III.C/§III.E: designees are the superintendent's to name, nobody else's.
    return roles.is_superintendent(user)


@register("people.view_delegation", "See a delegation")
def view_delegation(user, delegation=None):
    if roles.is_superintendent(user):
        return True
    return delegation is not None and delegation.grantee_id == user.pk
