"""Signing in with django-allauth: email and password, Google for the district domain only,
no self sign-up, password reset through the outbox, rate limits on."""

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from allauth.core.exceptions import ImmediateHttpResponse
from django.core import mail
from django.test import Client, RequestFactory
from django.contrib.messages.storage.fallback import FallbackStorage

from notifications import services as outbox
from notifications.models import OutboxMessage
from people.adapters import DistrictGoogleAdapter
from people.models import User

from .factories import TEST_PASSWORD

ROOT = Path(__file__).resolve().parent.parent


def sign_in(client, email, password=TEST_PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_staff_sign_in_with_email_and_password(district):
    client = Client()
    response = sign_in(client, "Teacher@Example.org")
    assert response.status_code == 302 and response["Location"] == "/"
    home = client.get("/")
    assert "Hello, Tess" in home.content.decode()


def test_a_wrong_password_and_an_unknown_email_read_the_same(district):
    wrong = sign_in(Client(), "teacher@example.org", "not-the-password").content.decode()
    unknown = sign_in(Client(), "nobody@example.org", "not-the-password").content.decode()
    assert "The email address and/or password you specified are not correct." in wrong
    assert "The email address and/or password you specified are not correct." in unknown


def test_an_inactive_person_cannot_sign_in(district):
    district.teacher.is_active = False
    district.teacher.save()
    response = sign_in(Client(), "teacher@example.org")
    assert response.status_code != 302 or response["Location"] != "/"
    assert "_auth_user_id" not in Client().session


def test_self_sign_up_is_closed(district):
    client = Client()
    assert "Accounts come from the staff roster" in client.get("/accounts/signup/").content.decode()
    client.post("/accounts/signup/", {"email": "new@example.org", "password1": "x" * 16, "password2": "x" * 16})
    assert not User.objects.filter(email="new@example.org").exists()


def test_sign_in_pages_use_the_portal_layout(db):
    html = Client().get("/accounts/password/reset/").content.decode()
    assert 'class="skip-link"' in html and 'id="main"' in html and "site-header" in html


def test_password_reset_mail_goes_through_the_outbox_and_is_wiped_after(district):
    Client().post("/accounts/password/reset/", {"email": "teacher@example.org"})
    message = OutboxMessage.objects.get(to="teacher@example.org")
    assert message.sensitive and message.recipient == district.teacher
    assert outbox.deliver_pending() == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
    message.refresh_from_db()
    assert "/accounts/password/reset/key/" not in message.body_text


def test_the_reset_mail_names_the_portal(district, settings):
    """allauth's mail templates greet with the site's name; the portal runs without
    django.contrib.sites, and the mail read "Hello from !" until it was given one."""
    settings.PORTAL_BASE_URL = "https://social.example.org"
    Client().post("/accounts/password/reset/", {"email": "teacher@example.org"})
    message = OutboxMessage.objects.get(to="teacher@example.org")
    assert message.subject == "[MPS Social] Password Reset Email"
    assert message.body_text.startswith("Hello from MPS Social!")
    assert "Thank you for using MPS Social!\nsocial.example.org" in message.body_text
    assert " !" not in message.body_text


def test_password_reset_for_an_unknown_address_sends_nothing(db):
    response = Client().post("/accounts/password/reset/", {"email": "stranger@example.com"})
    assert response.status_code == 302  # same answer as for a known address
    assert not OutboxMessage.objects.exists()


PAUSED = "Too many failed sign-in attempts from this connection or for this email address."


def test_failed_sign_ins_are_rate_limited_and_refused_with_429(district):
    """Five wrong passwords for one email pause it: the refusal answers 429 Too Many
    Requests with a Retry-After, and the page says why and how long to wait, beside the
    form with the email as typed."""
    client = Client()
    responses = [sign_in(client, "teacher@example.org", f"wrong-{n}") for n in range(6)]
    assert responses[0].status_code == 200 and PAUSED not in responses[0].content.decode()
    refused = responses[-1]
    assert refused.status_code == 429 and refused["Retry-After"] == "300"
    html = refused.content.decode()
    assert PAUSED in html and "wait 5 minutes, then try again" in html
    assert 'value="teacher@example.org"' in html and "<form" in html
    # Even the right password is refused while the limit holds.
    assert sign_in(client, "teacher@example.org").status_code == 429


def test_too_many_sign_in_requests_get_the_portals_429_page(district):
    """allauth's limit on sign-in requests of any outcome (30 a minute from one address)
    answers 429 with the portal's page: in words, and what to do."""
    client = Client()
    for _ in range(30):
        client.post("/accounts/login/", {"login": "", "password": ""})
    refused = client.post("/accounts/login/", {"login": "", "password": ""})
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "Too many attempts in a short time" in html and "Wait a few minutes, then try again" in html
    assert 'class="skip-link"' in html  # the portal's layout, not a bare page


def test_failures_from_one_client_behind_the_proxy_do_not_lock_out_another(district, settings):
    """Behind one trusted proxy, allauth's per-address limit counts each client by the
    entry the proxy appended: eleven failures from one client (more than the 10 a minute
    its limit allows) lock that client, while a correct sign-in from another goes through."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    guesser = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7")
    for number in range(11):
        sign_in(guesser, f"nobody-{number}@example.org", "not-the-password")
    assert sign_in(guesser, "principal@example.org").status_code == 429
    # Another client, through the same proxy, forging the guesser's address on the left.
    teacher = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.20")
    response = sign_in(teacher, "teacher@example.org")
    assert response.status_code == 302 and response["Location"] == "/"


def test_google_is_absent_when_not_configured(db):
    html = Client().get("/accounts/login/").content.decode()
    assert "Sign in with Google" not in html
    assert Client().get("/accounts/google/login/").status_code == 404


def test_google_appears_and_asks_for_the_district_domain_when_configured():
    """Configured from the environment (a fresh process: installed apps are read at start)."""
    script = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='mps_social.settings'; django.setup();"
        "from django.core.management import call_command; call_command('migrate', verbosity=0);"
        "from django.test.utils import setup_test_environment; setup_test_environment();"
        "from django.test import Client; c = Client();"
        "print('button' if 'Sign in with Google' in c.get('/accounts/login/').content.decode() else 'no-button');"
        "r = c.post('/accounts/google/login/'); print(r.status_code, r['Location'])"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(GOOGLE_CLIENT_ID="client-id.apps.googleusercontent.com", GOOGLE_CLIENT_SECRET="test-secret",
               GOOGLE_WORKSPACE_DOMAIN="mpls.k12.mn.us", DATABASE_URL="sqlite:///:memory:")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60)
    lines = result.stdout.split("\n")
    assert lines[0] == "button", result.stderr
    status, location = lines[1].split(" ", 1)
    assert status == "302" and location.startswith("https://accounts.google.com/")
    assert "hd=mpls.k12.mn.us" in location


@pytest.mark.parametrize(
    "extra_data,admitted",
    [
        ({"email": "teacher@example.org", "hd": "example.org", "email_verified": True}, True),
        ({"email": "teacher@gmail.com", "email_verified": True}, False),
        ({"email": "teacher@example.org", "email_verified": True}, False),  # personal account, no hd claim
        ({"email": "teacher@example.org", "hd": "example.org", "email_verified": False}, False),
        ({"email": "teacher@evil.example.org", "hd": "example.org", "email_verified": True}, False),
    ],
)
def test_google_admits_only_the_district_workspace(db, settings, extra_data, admitted):
    settings.GOOGLE_WORKSPACE_DOMAIN = "example.org"
    request = RequestFactory().get("/accounts/google/login/callback/")
    request.session = {}
    request._messages = FallbackStorage(request)
    sociallogin = SimpleNamespace(account=SimpleNamespace(extra_data=extra_data))
    if admitted:
        DistrictGoogleAdapter(request).pre_social_login(request, sociallogin)
    else:
        with pytest.raises(ImmediateHttpResponse):
            DistrictGoogleAdapter(request).pre_social_login(request, sociallogin)
