"""Permissions over the catalogue and the public pages."""

from mps_social.permissions import register


@register("accounts.view_directory", "Browse the public directory of official accounts", public=True)
def view_directory(user, obj=None):
    return True  # Policy 4038 §III.F: the list of official accounts is public
