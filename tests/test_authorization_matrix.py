"""Every URL of the project × every persona → the status each must get.

The URLs come from the resolver, not from a hand list: a new URL pattern without a row in
``MATRIX`` fails ``test_every_url_has_a_row``. Django admin URLs share one row (the admin
site's own gate); every other pattern has its own.

Statuses: 200 the page; 302 a redirect (to sign in, for anonymous visitors); 403 signed in
without the page's permission; 404 not found or outside the user's scope; 405 wrong method.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from people.models import Delegation, Power
from roster.models import RosterImport

from .conftest import PERSONAS
from .matrix import DISTRICT, SIGNED_IN, Row, only, public, signed_out_only, staff
from .matrix_approvals import APPROVAL_ROWS
from .matrix_concerns import CONCERN_ROWS
from .matrix_compliance import COMPLIANCE_ROWS
from .matrix_credentials import CREDENTIAL_ROWS
from .matrix_inbox import INBOX_ROWS
from .matrix_registry import REGISTRY_ROWS
from .matrix_training import TRAINING_ROWS

ROSTER = frozenset({Power.IMPORT_ROSTER})


def own_delegation(district):
    return {"pk": Delegation.objects.get(grantee=district.designee).pk}


def a_roster(district):
    upload = RosterImport.objects.first() or RosterImport.objects.create(
        uploaded_by=district.superintendent, filename="roster.csv",
        data=b"employee_id,email,full_name,kind,org_unit,supervisor_id,active\n")
    return {"pk": upload.pk}


CORE_ROWS = {
    # Portal pages
    "home": Row(public()),
    "healthz": Row(public()),
    # The public pages' language switch: keeps the choice, goes back (home when no address).
    "language": Row(public(302), anonymous_redirect="/"),
    "people:delegations": Row(only({"superintendent": 200})),
    "people:grant_delegation": Row(only({"superintendent": 200})),
    # An empty POST changes nothing: the superintendent is sent back with a message.
    "people:revoke_delegation": Row(only({"superintendent": 302}), method="post", kwargs=own_delegation),
    # The HR roster: the superintendent's office (tests/test_roster.py).
    "roster:upload": Row(only({"superintendent": 200, "designee": 200}), powers=ROSTER, reach=DISTRICT),
    "roster:preview": Row(only({"superintendent": 200, "designee": 200}), kwargs=a_roster,
                          powers=ROSTER, reach=DISTRICT),
    # Applying a previewed roster queues it and returns to its page.
    "roster:apply": Row(only({"superintendent": 302, "designee": 302}), method="post", kwargs=a_roster,
                        powers=ROSTER, reach=DISTRICT),
    "roster:progress": Row(only({"superintendent": 200, "designee": 200}), kwargs=a_roster,
                           powers=ROSTER, reach=DISTRICT),
    # Declining is the superintendent's alone; an empty POST shows the form's error again.
    "roster:decline": Row(only({"superintendent": 200}), method="post", kwargs=a_roster),
    # Sign-in pages (allauth)
    "account_login": Row(signed_out_only()),
    "account_logout": Row(staff(200, anonymous=302), anonymous_redirect="/"),
    "account_inactive": Row(public()),
    "account_signup": Row(signed_out_only()),  # shows "accounts come from the roster"
    "account_reauthenticate": Row(staff()),
    # Re-authenticating by a mailed code is off (settings.ACCOUNT_REAUTHENTICATION_METHODS).
    "account_request_reauthentication_code": Row(staff(403)),
    "account_confirm_reauthentication_code": Row(staff(403)),
    "account_email": Row(staff()),
    "account_email_verification_sent": Row(public()),
    "account_change_password": Row(staff()),
    "account_set_password": Row(staff(302)),  # everyone has a password: sent to "change"
    "account_reset_password": Row(public()),
    "account_reset_password_done": Row(public()),
    "account_reset_password_from_key": Row(public(), kwargs=lambda d: {"uidb36": "zz", "key": "bad-key"}),
    "account_reset_password_from_key_done": Row(public()),
    "account_confirm_login_code": Row(public(302)),  # no sign-in code pending
    "account_confirm_email": Row(public(), kwargs=lambda d: {"key": "no-such-key"}),  # "invalid link"
    "socialaccount_login_cancelled": Row(public()),
    "socialaccount_login_error": Row(public(401)),
    "socialaccount_signup": Row(public(302)),  # no Google sign-in pending
    "socialaccount_connections": Row(staff()),
    # Two-factor sign-in (allauth.mfa): each person's own, nobody else's. The matrix's
    # personas have no second factor and were signed in without a password just now, so
    # enrolling or changing one first asks them to confirm their password, and the pages
    # of a factor they do not have are 404. tests/test_mfa.py walks them enrolled.
    "mfa_index": Row(staff()),
    "mfa_authenticate": Row(public(302)),  # only halfway through a sign-in that needs the code
    "mfa_reauthenticate": Row(staff(302)),  # no second factor: confirm with the password instead
    "mfa_activate_totp": Row(staff(302)),  # to /accounts/reauthenticate/ first
    "mfa_deactivate_totp": Row(staff(404)),
    "mfa_view_recovery_codes": Row(staff(404)),
    "mfa_generate_recovery_codes": Row(staff(302)),  # to /accounts/reauthenticate/ first
    "mfa_download_recovery_codes": Row(staff(404)),
    # allauth's old addresses, kept as redirects to the ones above
    "accounts/social/login/cancelled/": Row(public(301)),
    "accounts/social/login/error/": Row(public(301)),
    "accounts/social/signup/": Row(public(301)),
    "accounts/social/connections/": Row(public(301)),
    # The admin's sign-in is the portal's (allauth's secure_admin_login, mps_social/urls.py):
    # anonymous visitors are sent to /accounts/login/, people signed in without admin
    # access get 403, staff go on in.
    "admin:login": Row(only({"admin": 302})),
    "admin:logout": Row({**public(302), "admin": 405}, anonymous_redirect="/admin/"),  # sign-out is a POST
    # Any other address under /admin/: sign in first, then a plain 404.
    "admin/(?P<url>.*)$": Row({**public(302), "admin": 404}, kwargs=lambda d: {"url": "no-such-page/"},
                              anonymous_redirect="/admin/login/"),
}

# Each area of the portal keeps its rows in its own module (tests/matrix_*.py).
MATRIX = {**CORE_ROWS, **REGISTRY_ROWS, **CONCERN_ROWS, **APPROVAL_ROWS, **CREDENTIAL_ROWS,
          **TRAINING_ROWS, **COMPLIANCE_ROWS, **INBOX_ROWS}

# Django admin: the admin site itself admits only staff. Anonymous visitors and people
# without admin access are sent to the admin's sign-in page (the "admin:login" row above:
# from there to the portal's sign-in, or 403); the administrator reaches every page (some
# of which answer 302, 403 for read-only history, or 405).
ADMIN_ROW = {"anonymous": {302}, **{p: {302} for p in SIGNED_IN}, "admin": {200, 302, 403, 405}}


def walk(patterns, prefix="", namespace=None):
    """Yield (key, route, pattern) for every URL pattern under ``patterns``."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            if pattern.name:
                key = f"{namespace}:{pattern.name}" if namespace else pattern.name
            else:
                key = route
            yield key, route, pattern


def project_urls():
    seen = {}
    for key, route, pattern in walk(get_resolver().url_patterns):
        seen.setdefault(key, route)  # a shadowed pattern (account_email) resolves to the first
    return seen


def is_admin(key, route):
    return (key.startswith("admin:") or route.startswith("admin/")) and key not in MATRIX


def missing_rows(urls=None):
    urls = project_urls() if urls is None else urls
    return sorted(key for key, route in urls.items() if not is_admin(key, route) and key not in MATRIX)


def fill(route: str, kwargs: dict) -> str:
    """Turn a route (path converters or regex) into a concrete path with ``kwargs``."""
    path = re.sub(r"\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)", lambda m: str(kwargs[m.group(1)]), route)
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), path)
    return "/" + path.replace("^", "").replace("$", "")


def admin_kwargs(district, route):
    from django.contrib.contenttypes.models import ContentType

    return {
        "object_id": district.north.pk,
        "app_label": "people",
        "content_type_id": ContentType.objects.get_for_model(district.north).pk,
        "url": "no-such-page/",
    }


def test_every_url_has_a_row(db):
    assert missing_rows() == [], "Add these URLs to MATRIX in tests/test_authorization_matrix.py"


def test_a_url_without_a_row_is_reported(db, settings):
    """The guard itself works: an extra URL pattern with no row is named as missing."""
    settings.ROOT_URLCONF = "tests.urls_with_unlisted_page"
    assert missing_rows() == ["unlisted_page"]


def test_no_row_names_a_url_that_does_not_exist(db):
    stale = sorted(set(MATRIX) - set(project_urls()))
    assert stale == []


def _cases():
    urls = project_urls()
    for key, route in sorted(urls.items()):
        for persona in PERSONAS:
            yield pytest.param(key, route, persona, id=f"{key}-{persona}")


@pytest.mark.parametrize("key,route,persona", list(_cases()))
def test_authorization_matrix(key, route, persona, district, client_for):
    client = client_for(persona)
    if is_admin(key, route):
        path = fill(route, admin_kwargs(district, route))
        response = client.get(path)
        assert response.status_code in ADMIN_ROW[persona], f"{persona} GET {path}"
        if persona != "admin":
            assert "/admin/login/" in response["Location"]
        return
    row = MATRIX[key]
    path = fill(route, row.kwargs(district))
    response = getattr(client, row.method)(path)
    expected = row.expected[persona]
    assert response.status_code == expected, f"{persona} {row.method.upper()} {path}"
    if persona == "anonymous" and expected == 302 and row.expected["teacher"] != 302:
        assert response["Location"].startswith(row.anonymous_redirect)
