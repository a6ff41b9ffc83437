"""What every page's layout needs: the portal's name and the navigation for this user."""

import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
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
    ("Compliance", "compliance:dashboard", "compliance.view_compliance", None),
]


# The layout's own links (base.html), by the name the template reads them with.
LAYOUT_LINKS = {"home": "home", "directory": "directory", "security": "mfa_index", "sign_in": "account_login",
                "sign_out": "account_logout", "admin": "admin:index", "inbox": "notifications:inbox"}

# The signed-in person's unread messages, beside "Inbox" in the header (one query a page).
UNREAD_COUNT = "notifications.selectors.unread_count"


@functools.cache
def _addresses(urlconf, script_prefix) -> dict[str, str]:
    """Every address the layout links to, by URL name, reversed once per URL configuration
    and script prefix (``reverse`` reads both), rather than a dozen ``reverse`` calls on
    every page."""
    names = {url_name for _, url_name, _, _ in NAVIGATION} | set(LAYOUT_LINKS.values())
    return {name: reverse(name) for name in names}


def layout_links() -> dict[str, str]:
    """The layout's links, for a page rendered without a request (the error pages), which
    no context processor reaches."""
    addresses = _addresses(get_urlconf(), get_script_prefix())
    return {key: addresses[name] for key, name in LAYOUT_LINKS.items()}


def portal(request):
    addresses = _addresses(get_urlconf(), get_script_prefix())
    user = getattr(request, "user", None)
    items = []
    unread = 0
    if user is not None and user.is_authenticated:
        unread = import_string(UNREAD_COUNT)(user)
        for label, url_name, perm, count in NAVIGATION:
            if has_perm(user, perm):
                waiting = import_string(count)(user) if count else 0
                items.append({"label": label, "url": addresses[url_name], "current": False, "count": waiting})
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
        "inbox_unread": unread,
        "layout_links": {key: addresses[name] for key, name in LAYOUT_LINKS.items()},
        # Public pages show the language switch (mps_social.i18n).
        "public_page": getattr(request, "public_page", False),
    }
