"""The authenticator's code instead of its secret (R-III-E, Policy 4038 §III.E): a reveal of
the credentials shows the current RFC 6238 code and how long it is valid; the secret
itself is a reveal of its own, with its own reason and record."""

import base64
import hashlib
from datetime import datetime, timezone as dt_timezone

import pytest
from django.urls import reverse
from django.utils import timezone
from zeal import zeal_ignore

from accounts import services as registry
from audits.models import AuditEvent
from credentials import services, totp
from credentials.models import Secrets
from notifications.models import OutboxMessage
from people.models import User

from .a11y import assert_accessible
from .test_escrow import pending, reauthenticated

SEED = "JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP"  # 160 bits, as platforms print it: groups of four
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
PASSWORD = "Totp-Pw-5d1c"

# RFC 6238, appendix B: SHA-1, the ASCII seed "12345678901234567890", 8 digits, 30 s steps.
RFC_6238_SHA1 = [
    (59, "94287082"),
    (1111111109, "07081804"),
    (1111111111, "14050471"),
    (1234567890, "89005924"),
    (2000000000, "69279037"),
    (20000000000, "65353130"),
]


@pytest.mark.parametrize("seconds, expected", RFC_6238_SHA1)
def test_the_code_is_rfc_6238s_test_vector(seconds, expected):
    seed = base64.b32encode(b"12345678901234567890").decode()
    at = datetime.fromtimestamp(seconds, tz=dt_timezone.utc)
    assert totp.code_at(seed, at, digits=8, digest=hashlib.sha1) == expected


def test_the_current_code_says_how_long_it_is_valid_and_the_next_one_near_its_end():
    at = datetime.fromtimestamp(1111111109, tz=dt_timezone.utc)  # 29 s into its step: 1 s left
    code = totp.current_code(base64.b32encode(b"12345678901234567890").decode(), at)
    assert code.valid_for == 1 and code.expires_at == datetime.fromtimestamp(1111111110, tz=dt_timezone.utc)
    assert code.code == "081804"  # the 8-digit vector's last six digits
    assert code.next_code == "050471"  # 1111111111 is in the next step
    early = totp.current_code(SECRET, datetime.fromtimestamp(1111111080, tz=dt_timezone.utc))
    assert early.valid_for == 30 and early.next_code is None


@pytest.mark.parametrize("text", [SECRET, SEED.lower(), SEED.replace(" ", "-"), SECRET + "=="])
def test_setup_keys_are_read_as_platforms_print_them(text):
    assert totp.normalized_secret(text) == SECRET


# The last: a secret of 80 bits, under the 112 pyotp asks for (RFC 4226 wants 128): no code
# is made from it; the secret itself can still be revealed.
@pytest.mark.parametrize("text", ["", "   ", "not a key!", "12345678", "JBSWY3DPEHPK3PXP"])
def test_anything_else_gives_no_code(text):
    assert totp.current_code(text) is None


def with_authenticator(district, seed=SEED):
    account = pending(district, handle="north_totp")
    with zeal_ignore([{"model": "accounts.OfficialAccount", "field": "designations"}]):
        services.escrow(actor=registry.current(account).person, account=account,
                        secrets=Secrets(login="north@example.org", password=PASSWORD, totp_seed=seed))
    account.refresh_from_db()
    return account


def reveal(user, account, **kwargs):
    with zeal_ignore([{"model": "accounts.OfficialAccount", "field": "designations"},
                      {"model": "accounts.OfficialAccount", "field": "org_unit"}]):
        return services.reveal(actor=User.objects.get(pk=user.pk), account=account, reason_kind="recover",
                               reason="Signing in for the site manager.", second_factor_used=True, **kwargs)


class TestService:
    def test_r_iii_e_a_reveal_gives_the_current_code_never_the_secret(self, district):
        account = with_authenticator(district)
        before = timezone.now()
        revealed = reveal(district.principal, account)
        after = timezone.now()
        assert revealed.secrets.password == PASSWORD and revealed.secrets.totp_seed == ""
        assert revealed.has_authenticator_secret and not revealed.authenticator_secret
        assert revealed.code.code in {totp.code_at(SECRET, before), totp.code_at(SECRET, after)}
        assert 1 <= revealed.code.valid_for <= 30
        event = AuditEvent.objects.get(target_id=str(account.pk), verb__startswith="credentials.", at__gte=before)
        assert event.verb == "credentials.revealed"
        assert SECRET not in str(event.after) + event.reason

    def test_r_iii_e_the_secret_is_a_reveal_of_its_own_recorded_as_such(self, district):
        account = with_authenticator(district)
        revealed = reveal(district.principal, account, authenticator_secret=True)
        assert revealed.secrets.totp_seed == SEED and revealed.secrets.password == ""
        assert revealed.authenticator_secret and revealed.code is None
        event = AuditEvent.objects.get(verb="credentials.authenticator_secret_revealed")
        assert event.actor == district.principal and event.reason == "Signing in for the site manager."
        assert not AuditEvent.objects.filter(verb="credentials.revealed").exists()
        account.refresh_from_db()
        assert account.rotation_due and account.rotation_due_reason.startswith("Authenticator secret revealed to Pat")
        mail = OutboxMessage.objects.get(template="credentials_revealed")
        assert mail.recipient == district.teacher and "authenticator secret" in mail.subject
        assert "set up its two-factor sign-in again" in mail.body_text
        assert SECRET not in mail.body_text + mail.body_html and SEED not in mail.body_text

    def test_no_secret_no_secret_reveal(self, district):
        account = pending(district, handle="north_nototp")
        with zeal_ignore([{"model": "accounts.OfficialAccount", "field": "designations"}]):
            services.escrow(actor=district.teacher, account=account,
                            secrets=Secrets(login="north@example.org", password=PASSWORD))
        with pytest.raises(services.EscrowError, match="No authenticator secret"):
            reveal(district.principal, account, authenticator_secret=True)
        assert not AuditEvent.objects.filter(verb__in=["credentials.revealed",
                                                        "credentials.authenticator_secret_revealed"]).exists()
        assert reveal(district.principal, account).code is None

    def test_a_secret_the_portal_cannot_read_gives_no_code_but_says_so(self, district):
        account = with_authenticator(district, seed="security question: first pet")
        revealed = reveal(district.teacher, account)
        assert revealed.code is None and revealed.has_authenticator_secret


class TestPages:
    def test_the_reveal_page_shows_the_code_and_its_countdown_not_the_secret(self, district, client_for, settings):
        settings.ESCROW_REQUIRE_MFA = False
        account = with_authenticator(district)
        client = reauthenticated(client_for("principal"), district.principal)
        response = client.post(reverse("credentials:reveal", args=[account.pk]),
                               {"reason_kind": "recover", "reason": "Signing in."})
        html = response.content.decode()
        code = response.context["revealed"].code
        assert f"<code data-secret>{code.code}</code>" in html
        assert f'data-seconds="{code.valid_for}"' in html and "more second" in html  # said without JavaScript
        assert SECRET not in html and SEED not in html
        assert reverse("credentials:reveal_authenticator_secret", args=[account.pk]) in html
        assert "no-store" in response["Cache-Control"]
        assert_accessible(html, "reveal with code")

    def test_the_secret_page_asks_its_own_reason_and_shows_the_secret(self, district, client_for, settings):
        settings.ESCROW_REQUIRE_MFA = False
        account = with_authenticator(district)
        client = reauthenticated(client_for("superintendent"), district.superintendent)
        url = reverse("credentials:reveal_authenticator_secret", args=[account.pk])
        html = client.get(url).content.decode()
        assert "Reveal the authenticator secret" in html and SEED not in html
        response = client.post(url, {"reason_kind": "recover", "reason": ""})
        assert response.context["form"].errors["reason"] and SEED not in response.content.decode()
        response = client.post(url, {"reason_kind": "recover", "reason": "New phone for the site manager."})
        html = response.content.decode()
        assert SEED in html and PASSWORD not in html
        assert "no-store" in response["Cache-Control"]
        assert AuditEvent.objects.filter(verb="credentials.authenticator_secret_revealed").count() == 1
        assert_accessible(html, "reveal the authenticator secret")
        reveals = client.get(reverse("credentials:reveals")).content.decode()
        assert "Authenticator secret revealed" in reveals
