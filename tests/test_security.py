"""Hardening (issue [hardening]): the Content-Security-Policy, staff session timeouts, a
second factor for privileged roles (the admin's staff included), and a deactivated
person's sessions ending."""

import time

import pytest
from django.urls import reverse

from mps_social import security
from people.models import User



def test_every_page_carries_the_content_security_policy(client_for):
    for persona, url in (("anonymous", "/"), ("anonymous", "/directory/"), ("teacher", "/applications/new/")):
        response = client_for(persona).get(url)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
        assert response["X-Frame-Options"] == "DENY" and response["Referrer-Policy"] == "same-origin"


def _age_session(client, **seconds_ago):
    session = client.session
    now = time.time()
    if "started" in seconds_ago:
        session[security.STARTED] = now - seconds_ago["started"]
    if "seen" in seconds_ago:
        session[security.SEEN] = now - seconds_ago["seen"]
    session.save()


@pytest.mark.parametrize("ago,ends", [
    ({"seen": 29 * 60, "started": 60 * 60}, False),
    ({"seen": 31 * 60, "started": 60 * 60}, True),     # idle for more than 30 minutes
    ({"seen": 60, "started": 12 * 3600 + 60}, True),   # signed in more than 12 hours ago
])
def test_staff_sessions_time_out(client_for, ago, ends):
    client = client_for("teacher")
    client.get("/")  # the session learns when it started
    _age_session(client, **ago)
    response = client.get(reverse("approvals:mine"))
    if ends:
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
        assert "next=/applications/" in response["Location"]
        assert client.get(reverse("approvals:mine")).status_code == 302  # signed out for good
    else:
        assert response.status_code == 200


def test_a_deactivated_person_is_signed_out_at_their_next_request(district, client_for):
    client = client_for("teacher")
    assert client.get(reverse("approvals:mine")).status_code == 200
    User.objects.filter(pk=district.teacher.pk).update(is_active=False)
    assert client.get(reverse("approvals:mine")).status_code == 302


@pytest.mark.parametrize("persona,must", [
    ("superintendent", True), ("designee", True), ("admin", True), ("teacher", False), ("coach", False),
])
def test_privileged_roles_must_enrol_a_second_factor(district, client_for, settings, persona, must):
    settings.MFA_REQUIRED_FOR_PRIVILEGED = True
    client = client_for(persona)
    response = client.get("/")
    if must:
        assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
        assert client.get(reverse("mfa_index")).status_code == 200  # the way out stays open
    else:
        assert response.status_code == 200


def test_a_supervisor_of_a_site_manager_must_too(district, client_for, settings):
    from tests.matrix_registry import registry_account

    settings.MFA_REQUIRED_FOR_PRIVILEGED = True
    assert client_for("principal").get("/").status_code == 200  # supervises, but no site manager yet
    registry_account(district)  # the teacher becomes a site manager
    assert client_for("principal").get("/").status_code == 302


def test_staff_without_a_second_factor_enrol_before_the_admin_opens(district, client_for, settings):
    """The admin is no way round the second factor (R-III-E): staff are sent to enrol it."""
    settings.MFA_REQUIRED_FOR_PRIVILEGED = True
    client = client_for("admin")
    for url in ("/admin/", "/admin/login/", "/admin/people/user/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp"), url
