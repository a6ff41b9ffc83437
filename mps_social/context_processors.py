"""What every page's layout needs: the portal's name and the navigation for this user."""

from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string

from .permissions import has_perm

# (label, url name, permission, what waits there). Entries appear only for users who hold
# the permission; the last, when given, is the dotted path of ``count(user) -> int``,
# shown beside the label when it is not zero (one query per counted entry and page).
NAVIGATION = [
    ("Home", "home", "people.view_portal", None),
    ("My accounts", "accounts:mine", "accounts.view_my_accounts", None),
    ("Applications", "approvals:mine", "approvals.apply", None),
    ("Endorsements", "approvals:endorsements", "approvals.view_endorsements", "approvals.selectors.endorsement_count"),
    ("Decisions", "approvals:decisions", "approvals.view_decisions", "approvals.selectors.decision_count"),
    ("Credentials", "credentials:access", "credentials.view_access", None),
    ("Registry", "accounts:registry", "accounts.view_registry", None),
    ("Delegations", "people:delegations", "people.manage_delegations", None),
    ("Concerns", "concerns:queue", "concerns.triage", None),
    ("Training", "training:mine", "training.view_mine", None),
    ("Compliance", "audits:dashboard", "audits.view_compliance", None),
]


def portal(request):
    user = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated:
        for label, url_name, perm, count in NAVIGATION:
            if has_perm(user, perm):
                waiting = import_string(count)(user) if count else 0
                items.append({"label": label, "url": reverse(url_name), "current": False, "count": waiting})
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
