"""Permissions over the HR roster (registered in ``mps_social.permissions``)."""

from mps_social.permissions import register
from people import roles
from people.models import Power


@register("roster.import", "Import the staff roster from HR (the superintendent, or a district-wide designee)")
def import_roster(user, obj=None):
    # The roster names everybody's supervisor, email and status, and through them who may
    # reveal escrowed credentials (R-III-E): a power over part of the district cannot hold it.
    return roles.holds_over_district(user, Power.IMPORT_ROSTER)


@register("roster.confirm", "Confirm a roster's changes of authority (the superintendent alone)")
def confirm(user, obj=None):
    return roles.is_superintendent(user)
