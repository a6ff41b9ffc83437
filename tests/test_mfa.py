"""Two-factor sign-in (allauth.mfa): an authenticator app and recovery codes, enrolled and
used through the real pages, with the TOTP seed sealed by the escrow's key ring
(credentials.mfa) so the database never holds it in clear (Policy 4038 §III.E, R-III-E)."""

import base64
import json
import time

import pytest
from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.core.cache import cache
from django.test import Client

from credentials import mfa
from credentials.keyring import CannotDecrypt, new_key_line, parse

from .a11y import assert_accessible
from .factories import TEST_PASSWORD
from .test_escrow import CANARY, escrowed, reauthenticated, reveals
from .test_escrow_keys import seal_canary


@pytest.fixture(autouse=True)
def _ring_and_cache(settings, db):
    """A ring of the test's own, and the key ring canary sealed under it, as the migrations seal
    it under the ring a database is written with."""
    settings.ESCROW_KEYS = new_key_line("test1")
    seal_canary(settings.ESCROW_KEYS)
    cache.clear()  # rate limits and used codes live in the cache, which outlives a test
    yield
    cache.clear()


def current_code(secret: str) -> str:
    """What the authenticator app shows now (allauth's own HOTP; 30-second steps)."""
    if 30 - time.time() % 30 < 2:  # never compute a code a moment before it changes
        time.sleep(2.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in(client, email="teacher@example.org", password=TEST_PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def enroll(client) -> str:
    """Turn on the authenticator app through the pages; returns the secret the page showed."""
    response = client.get("/accounts/2fa/totp/activate/")
    if response.status_code == 302:  # signed in a while ago: confirm the password first
        assert response["Location"].startswith("/accounts/reauthenticate/")
        response = client.post("/accounts/reauthenticate/",
                               {"password": TEST_PASSWORD, "next": "/accounts/2fa/totp/activate/"})
        assert response["Location"] == "/accounts/2fa/totp/activate/"
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    assert secret in page.content.decode()  # shown for typing in, beside the QR code
    assert_accessible(page.content.decode(), "activate")
    response = client.post("/accounts/2fa/totp/activate/", {"code": current_code(secret)})
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/recovery-codes/"
    return secret


def test_enrolling_an_authenticator_app_through_the_pages(district):
    client = Client()
    sign_in(client)
    index = client.get("/accounts/2fa/").content.decode()
    assert "Set up an authenticator app" in index
    assert_accessible(index, "two-factor index")
    # Even just signed in, setting it up first asks for the password again.
    response = client.get("/accounts/2fa/totp/activate/")
    assert response["Location"] == "/accounts/reauthenticate/?next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F"
    client.post("/accounts/reauthenticate/", {"password": TEST_PASSWORD})

    # A wrong code turns nothing on.
    client.get("/accounts/2fa/totp/activate/")
    refused = client.post("/accounts/2fa/totp/activate/", {"code": "000000"})
    assert refused.status_code == 200 and "Incorrect code." in refused.content.decode()
    assert not Authenticator.objects.filter(user=district.teacher).exists()

    secret = enroll(client)
    assert Authenticator.objects.get(user=district.teacher, type="totp")
    codes = client.get("/accounts/2fa/recovery-codes/")
    assert_accessible(codes.content.decode(), "recovery codes")
    assert len(RecoveryCodes(Authenticator.objects.get(user=district.teacher, type="recovery_codes"))
               .get_unused_codes()) == 10
    index = client.get("/accounts/2fa/").content.decode()
    assert "10 of 10 one-time codes left" in index and "Turn off" in index
    assert_accessible(index, "two-factor index, on")
    assert secret not in index


def test_the_stored_secrets_are_sealed_not_plain(district):
    client = Client()
    sign_in(client)
    secret = enroll(client)
    totp = Authenticator.objects.get(user=district.teacher, type="totp")
    stored = totp.data["secret"]
    assert stored.startswith("escrow1$test1$")
    assert secret not in json.dumps(totp.data) and secret.lower() not in json.dumps(totp.data).lower()
    assert get_adapter().decrypt(stored) == secret

    recovery = Authenticator.objects.get(user=district.teacher, type="recovery_codes")
    assert recovery.data["seed"].startswith("escrow1$test1$")
    assert len(mfa.unseal(recovery.data["seed"])) == 80  # allauth's 40-byte hex seed


def test_signing_in_asks_for_the_code(district):
    client = Client()
    sign_in(client)
    secret = enroll(client)
    client.post("/accounts/logout/")

    response = sign_in(client)
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/authenticate/"
    assert not signed_in(client)  # the password alone is not enough
    page = client.get("/accounts/2fa/authenticate/").content.decode()
    assert "Two-factor sign-in" in page and 'class="skip-link"' in page
    assert_accessible(page, "authenticate")

    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200 and "Incorrect code." in wrong.content.decode()
    assert not signed_in(client)

    code = current_code(secret)
    right = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert right.status_code == 302 and right["Location"] == "/"
    assert signed_in(client)
    assert 'href="/accounts/2fa/"' in client.get("/").content.decode()  # "Security" in the menu

    # The same code does not sign in twice.
    client.post("/accounts/logout/")
    sign_in(client)
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 200
    assert not signed_in(client)


def test_guessing_codes_is_rate_limited(district):
    client = Client()
    sign_in(client)
    secret = enroll(client)
    client.post("/accounts/logout/")
    sign_in(client)
    responses = [client.post("/accounts/2fa/authenticate/", {"code": f"00000{n}"}) for n in range(6)]
    assert responses[0].status_code == 200 and "Too many failed sign-in attempts" not in responses[0].content.decode()
    # Refused with 429 Too Many Requests, saying why and how long to wait, beside the code.
    refused = responses[-1]
    assert refused.status_code == 429 and refused["Retry-After"] == "300"
    assert "Too many failed sign-in attempts" in refused.content.decode()
    assert "wait 5 minutes, then try again" in refused.content.decode()
    # While the limit holds, even the right code is refused.
    assert client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)}).status_code == 429
    assert not signed_in(client)


class TestAdminSignIn:
    """The Django admin signs in through the portal's own sign-in, second factor included
    (R-III-E: the admin keeps the catalogue and the people; a password alone opens neither)."""

    ADMIN = "admin@example.org"

    def enrolled_admin(self, settings) -> str:
        settings.MFA_REQUIRED_FOR_PRIVILEGED = True
        client = Client()
        sign_in(client, self.ADMIN)
        assert client.get("/admin/")["Location"] == "/accounts/2fa/totp/activate/"  # enrol first
        secret = enroll(client)
        client.post("/accounts/logout/")
        return secret

    def test_r_iii_e_a_password_posted_to_the_admin_sign_in_opens_no_session(self, district, settings):
        self.enrolled_admin(settings)
        client = Client()
        response = client.post("/admin/login/?next=/admin/", {"username": self.ADMIN, "password": TEST_PASSWORD})
        assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=%2Fadmin%2F"
        assert not signed_in(client)
        assert client.get("/admin/")["Location"] == "/admin/login/?next=/admin/"

    def test_r_iii_e_the_admin_is_reached_through_the_portal_sign_in_and_the_code(self, district, settings):
        secret = self.enrolled_admin(settings)
        client = Client()
        to_admin_sign_in = client.get("/admin/people/user/")["Location"]
        to_portal_sign_in = client.get(to_admin_sign_in)["Location"]
        assert to_portal_sign_in == "/accounts/login/?next=%2Fadmin%2Fpeople%2Fuser%2F"
        assert client.get(to_portal_sign_in).status_code == 200

        response = client.post(to_portal_sign_in, {"login": self.ADMIN, "password": TEST_PASSWORD})
        assert response["Location"] == "/accounts/2fa/authenticate/"
        assert not signed_in(client)
        response = client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
        assert response.status_code == 302 and response["Location"] == "/admin/people/user/"
        assert client.get("/admin/people/user/").status_code == 200
        assert client.get("/admin/login/")["Location"] == "/admin/"  # signed in: straight on

    def test_staff_signed_in_cannot_switch_person_through_the_admin_form(self, district, settings):
        """Posted by staff already signed in, the admin's form would sign them in as whoever
        they typed, on a password alone: it is refused."""
        district.designee.is_staff = True
        district.designee.save(update_fields=["is_staff"])
        self.enrolled_admin(settings)
        settings.MFA_REQUIRED_FOR_PRIVILEGED = False  # the designee's own second factor is not the point
        client = Client()
        client.force_login(district.designee)
        response = client.post("/admin/login/", {"username": self.ADMIN, "password": TEST_PASSWORD})
        assert response.status_code == 405
        assert client.session["_auth_user_id"] == str(district.designee.pk)


def test_a_recovery_code_signs_in_once(district):
    client = Client()
    sign_in(client)
    enroll(client)
    recovery = RecoveryCodes(Authenticator.objects.get(user=district.teacher, type="recovery_codes"))
    code = recovery.get_unused_codes()[0]
    client.post("/accounts/logout/")

    sign_in(client)
    assert client.post("/accounts/2fa/authenticate/", {"code": code})["Location"] == "/"
    client.post("/accounts/logout/")
    sign_in(client)
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 200
    assert not signed_in(client)


def test_a_password_session_must_confirm_before_changing_the_second_factor(district):
    """Turning the app off (or on, or new recovery codes) asks for the password or a code
    again, even right after signing in."""
    client = Client()
    sign_in(client)
    secret = enroll(client)
    other = Client()
    sign_in(other)
    other.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
    for path in ("/accounts/2fa/totp/deactivate/", "/accounts/2fa/recovery-codes/generate/"):
        response = other.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/")
    assert Authenticator.objects.filter(user=district.teacher).count() == 2
    # A code confirms as well as the password: here a recovery code.
    recovery = RecoveryCodes(Authenticator.objects.get(user=district.teacher, type="recovery_codes"))
    confirmed = other.post("/accounts/2fa/reauthenticate/",
                           {"code": recovery.get_unused_codes()[0], "next": "/accounts/2fa/totp/deactivate/"})
    assert confirmed["Location"] == "/accounts/2fa/totp/deactivate/"
    assert other.get("/accounts/2fa/totp/deactivate/").status_code == 200

    # Another person cannot see or change the teacher's factor: the pages are their own.
    principal = Client()
    sign_in(principal, "principal@example.org")
    assert principal.get("/accounts/2fa/recovery-codes/").status_code == 404
    assert principal.get("/accounts/2fa/recovery-codes/download/").status_code == 404


def test_turning_the_app_off(district):
    client = Client()
    sign_in(client)
    enroll(client)  # reauthenticated just now
    page = client.get("/accounts/2fa/totp/deactivate/")
    assert page.status_code == 200
    assert_accessible(page.content.decode(), "deactivate")
    assert client.post("/accounts/2fa/totp/deactivate/")["Location"] == "/accounts/2fa/"
    assert not Authenticator.objects.filter(user=district.teacher).exists()  # recovery codes go too


def test_the_mfa_pages_ask_anonymous_visitors_to_sign_in(db):
    for path in ("/accounts/2fa/", "/accounts/2fa/totp/activate/", "/accounts/2fa/recovery-codes/"):
        response = Client().get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_sealed_secret_round_trips_and_differs_each_time(settings):
    adapter = get_adapter()
    first, second = adapter.encrypt("JBSWY3DPEHPK3PXP"), adapter.encrypt("JBSWY3DPEHPK3PXP")
    assert first != second and "JBSWY3DPEHPK3PXP" not in first
    assert adapter.decrypt(first) == adapter.decrypt(second) == "JBSWY3DPEHPK3PXP"


def test_decrypt_refuses_anything_but_an_intact_sealed_value(settings):
    adapter = get_adapter()
    sealed = adapter.encrypt("JBSWY3DPEHPK3PXP")
    prefix, key_id, payload = sealed.split("$")
    middle = len(payload) // 2
    tampered = f"{prefix}${key_id}${payload[:middle]}{'A' if payload[middle] != 'A' else 'B'}{payload[middle + 1:]}"
    for value in (
        tampered,
        "JBSWY3DPEHPK3PXP",  # allauth's default: plain text is never passed through
        f"{prefix}${key_id}$",
        f"{prefix}$nokey${payload}",  # a key the ring lacks
        f"escrow2${key_id}${payload}",
        f"{prefix}${key_id}$not base64!",
        None,
    ):
        with pytest.raises(CannotDecrypt):
            adapter.decrypt(value)
    # A value sealed for the escrow (another aad) does not open as a two-factor secret.
    key_id, escrow_sealed = parse(settings.ESCROW_KEYS).seal(b"JBSWY3DPEHPK3PXP", aad=b"credentials:1:1")
    with pytest.raises(CannotDecrypt):
        adapter.decrypt(f"escrow1${key_id}${base64.urlsafe_b64encode(escrow_sealed).decode()}")
    # Once the key that sealed it is gone from the ring, it no longer opens.
    settings.ESCROW_KEYS = new_key_line("test2")
    with pytest.raises(CannotDecrypt):
        adapter.decrypt(sealed)


def test_a_tampered_stored_secret_fails_closed(district):
    """The right code does not sign in over a secret that does not open: the form says so
    in plain words beside the code (credentials.mfa.UNREADABLE), not a server error."""
    client = Client()
    sign_in(client)
    secret = enroll(client)
    totp = Authenticator.objects.get(user=district.teacher, type="totp")
    totp.data["secret"] = totp.data["secret"][:-6] + ("AAAAAA" if not totp.data["secret"].endswith("AAAAAA")
                                                       else "BBBBBB")
    totp.save()
    client.post("/accounts/logout/")
    sign_in(client)
    response = client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
    assert response.status_code == 200
    assert "the portal cannot unlock what it keeps for it" in response.content.decode()
    assert not signed_in(client)


class TestTheSecondFactorOfThisSession:
    """R-III-E: what counts is that this session used its second factor (signed in with the
    code, or confirmed it since), not that the person has an authenticator. allauth records
    how each session authenticated; a session opened with a password alone is asked for the
    code and comes back to the page it asked for."""

    def enrolled(self, email) -> str:
        client = Client()
        sign_in(client, email)
        return enroll(client)

    def test_r_iii_e_a_password_only_session_is_refused_a_reveal_and_asked_for_the_code(self, district, settings):
        settings.ESCROW_REQUIRE_MFA = True
        account = escrowed(district)  # the teacher manages it; the principal supervises her
        secret = self.enrolled("principal@example.org")
        client = Client()
        client.force_login(district.principal)  # the password alone, as far as allauth knows
        reauthenticated(client, district.principal)
        url = f"/credentials/{account.pk}/reveal/"

        refused = client.post(url, {"reason_kind": "recover", "reason": "She is away."})
        html = refused.content.decode()
        assert "needs two-factor sign-in in this session" in html and "She is away." in html  # nothing lost
        assert CANARY not in html and reveals(account) == 0
        assert_accessible(html, "reveal refused without the code")
        asked = client.get(url)
        assert asked.status_code == 302 and asked["Location"] == "/accounts/2fa/reauthenticate/?next=" + url.replace(
            "/", "%2F")
        page = client.get(asked["Location"]).content.decode()
        assert "enter the code from your authenticator app" in page
        assert_accessible(page, "asked for the code")

        back = client.post(asked["Location"], {"code": current_code(secret)})
        assert back.status_code == 302 and back["Location"] == url
        assert client.get(url).status_code == 200
        shown = client.post(url, {"reason_kind": "recover", "reason": "She is away."}).content.decode()
        assert CANARY in shown and reveals(account) == 1

    def test_a_session_signed_in_with_the_code_reveals(self, district, settings):
        settings.ESCROW_REQUIRE_MFA = True
        account = escrowed(district)
        secret = self.enrolled("principal@example.org")
        client = Client()
        sign_in(client, "principal@example.org")
        client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
        url = f"/credentials/{account.pk}/reveal/"
        assert client.get(url).status_code == 200
        client.post("/accounts/reauthenticate/", {"password": TEST_PASSWORD})  # fresh, as a reveal wants
        assert CANARY in client.post(url, {"reason_kind": "recover", "reason": "She is away."}).content.decode()

    def test_r_iii_e_a_privileged_password_only_session_enters_the_code_before_any_page(self, district, settings):
        secret = self.enrolled("super@example.org")
        settings.MFA_REQUIRED_FOR_PRIVILEGED = True
        client = Client()
        client.force_login(district.superintendent)
        asked = client.get("/people/delegations/")
        assert asked["Location"] == "/accounts/2fa/reauthenticate/?next=%2Fpeople%2Fdelegations%2F"
        back = client.post(asked["Location"], {"code": current_code(secret)})
        assert back["Location"] == "/people/delegations/"
        assert client.get("/people/delegations/").status_code == 200
