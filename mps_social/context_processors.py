"""What every page's layout needs: the portal's name and the navigation for this user."""

from django.conf import settings
from django.urls import reverse

from .permissions import has_perm

# (label, url name, permission). Entries appear only for users who hold the permission.
NAVIGATION = [
    ("Home", "home", "people.view_portal"),
    ("My accounts", "accounts:mine", "accounts.view_my_accounts"),
    ("Registry", "accounts:registry", "accounts.view_registry"),
    ("Delegations", "people:delegations", "people.manage_delegations"),
    ("Concerns", "concerns:queue", "concerns.triage"),
]


def portal(request):
    user = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated:
        for label, url_name, perm in NAVIGATION:
            if has_perm(user, perm):
                items.append({"label": label, "url": reverse(url_name), "current": False})
    # The current section is the item whose address is the longest prefix of this page's
    # (a report's page is under Concerns); Home ("/") only on the home page itself.
    path = request.path
    matches = [item for item in items if path == item["url"] or (item["url"] != "/" and path.startswith(item["url"]))]
    if matches:
        max(matches, key=lambda item: len(item["url"]))["current"] = True
    return {
        "portal_name": settings.PORTAL_NAME,
        "district_name": settings.DISTRICT_NAME,
        "nav_items": items,
    }
