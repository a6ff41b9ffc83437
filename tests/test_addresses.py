"""Verified by HR (people/addresses.py): the addresses the roster, the admin and the demo
give people are verified ones, so a privileged person from the roster can turn on the
second factor their role needs (R-III-E); an address the roster changes is confirmed by
mail first. Everything through the real pages: the roster import, "Forgot password",
enrolling an authenticator app, signing in with its code."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from audits.models import AuditEvent
from credentials.keyring import new_key_line
from notifications import services as outbox
from notifications.models import OutboxMessage
from people import services
from roster import effects, sync
from roster import services as roster_services
from people.demo import PEOPLE
from people.models import User

from .test_mfa import current_code, enroll, signed_in
from .test_roster import HEADER, line
from .test_escrow_keys import seal_canary

NEW_PASSWORD = "Lake-Harriet-sailboats-42"


@pytest.fixture(autouse=True)
def _ring_and_cache(settings, db):
    """A ring of the test's own, which seals the authenticator's secret, and the key ring
    canary sealed under it, as the migrations seal it under the ring a database is written with."""
    settings.ESCROW_KEYS = new_key_line("test1")
    seal_canary(settings.ESCROW_KEYS)
    cache.clear()
    yield
    cache.clear()


def import_roster(data: bytes, actor=None):
    plan = sync.compare(sync.read(data))
    return roster_services.apply_plan(plan, effects.authority_lines(plan), actor=actor)


def the_district_with(district, *extra, changes=None) -> bytes:
    changes = changes or {}
    people = ["superintendent", "designee", "principal", "teacher", "coach", "contractor", "outsider"]
    return "\n".join([HEADER, *(line(district.persona(name), **changes.get(name, {})) for name in people),
                      *extra, ""]).encode()


def link_in_mail(to: str, path: str) -> str:
    """The one link to ``path`` in the last mail sent to ``to``, delivered from the outbox."""
    outbox.deliver_pending()
    body = [message for message in mail.outbox if message.to == [to]][-1].body
    return re.search(rf"https?://[^/\s]+({re.escape(path)}\S+)", body).group(1)


def reset_password(client, email):
    client.post(reverse("account_reset_password"), {"email": email})
    key_form = client.get(link_in_mail(email, "/accounts/password/reset/key/"))
    assert key_form.status_code == 302  # allauth moves the key out of the address
    done = client.post(key_form["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("account_reset_password_from_key_done")


def sign_in(client, email):
    return client.post(reverse("account_login"), {"login": email, "password": NEW_PASSWORD})


def enroll_after_reset(client) -> str:
    """enroll() confirms with the factories' password; a person from the roster has their own."""
    response = client.get(reverse("mfa_activate_totp"))
    if response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate")):
        client.post(reverse("account_reauthenticate"), {"password": NEW_PASSWORD})
    return enroll(client)


def test_r_iii_e_a_superintendent_from_the_roster_resets_the_password_enrols_and_signs_in_with_the_code(
        district, settings):
    """Day one: HR's roster brings the new superintendent, the board's appointment is
    recorded, she sets her password through "Forgot password", is sent to turn on the second
    factor her role needs, does, and signs in with its code."""
    settings.MFA_REQUIRED_FOR_PRIVILEGED = True
    import_roster(the_district_with(district, "E900,nina.new@example.org,Nina New,employee,DIST,,yes,Superintendent"))
    nina = User.objects.get(email="nina.new@example.org")
    services.appoint_superintendent(actor=district.admin, appointee=nina, reason="Appointed by the board.")

    client = Client()
    reset_password(client, "nina.new@example.org")
    assert sign_in(client, "nina.new@example.org")["Location"] == "/"
    assert client.get("/")["Location"] == reverse("mfa_activate_totp")  # her role needs a second factor
    secret = enroll_after_reset(client)
    assert Authenticator.objects.filter(user=nina, type="totp").exists()

    client.post(reverse("account_logout"))
    assert sign_in(client, "nina.new@example.org")["Location"] == reverse("mfa_authenticate")
    assert not signed_in(client)
    assert client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200 and "Nina" in home.content.decode()


def test_the_roster_records_new_addresses_as_verified_once(district):
    data = the_district_with(district, "E900,nina.new@example.org,Nina New,employee,NORTH,,yes,")
    import_roster(data, actor=district.superintendent)
    nina = User.objects.get(email="nina.new@example.org")
    address = EmailAddress.objects.get(user=nina)
    assert (address.email, address.verified, address.primary) == ("nina.new@example.org", True, True)
    event = AuditEvent.objects.get(verb="person.email_verified")
    assert event.target_id == str(nina.pk) and event.actor == district.superintendent
    assert event.after == {"email": "nina.new@example.org", "verified_by": "roster"}

    import_roster(data, actor=district.superintendent)  # the same file again changes nothing
    assert AuditEvent.objects.filter(verb="person.email_verified").count() == 1
    assert EmailAddress.objects.filter(user=nina).count() == 1


def test_a_person_known_before_is_verified_when_the_roster_lists_them_again(district):
    """Someone whose only record is the unverified one allauth writes at a password reset
    (before addresses were verified by HR) could never turn on a second factor."""
    EmailAddress.objects.filter(user=district.principal).update(verified=False, primary=False)
    import_roster(the_district_with(district))
    assert EmailAddress.objects.get(user=district.principal).verified
    assert AuditEvent.objects.filter(verb="person.email_verified").count() == 1


def test_r_iii_e_an_address_the_roster_changes_is_confirmed_by_mail_before_a_second_factor(district, settings):
    settings.PORTAL_BASE_URL = "https://social.example.org"
    import_roster(the_district_with(district, changes={"principal": {"email": "pat.principal@example.org"}}))
    address = EmailAddress.objects.get(user=district.principal)
    assert (address.email, address.verified) == ("pat.principal@example.org", False)
    assert AuditEvent.objects.filter(verb="person.email_to_confirm", target_id=str(district.principal.pk)).exists()
    confirmation = OutboxMessage.objects.get(to="pat.principal@example.org", template="email_confirmation")
    assert confirmation.sensitive and "Until you do, you can sign in as before" in confirmation.body_text
    assert "https://social.example.org/accounts/confirm-email/" in confirmation.body_text
    # The old address no longer resets the password.
    Client().post(reverse("account_reset_password"), {"email": "principal@example.org"})
    assert not OutboxMessage.objects.filter(to="principal@example.org", template="password_reset_key")

    # The principal signs in as before, but the second factor waits, and the pages say why.
    client = Client()
    reset_password(client, "pat.principal@example.org")
    sign_in(client, "pat.principal@example.org")
    assert signed_in(client)
    client.post(reverse("account_reauthenticate"), {"password": NEW_PASSWORD})
    refused = client.get(reverse("mfa_activate_totp"), follow=True).content.decode()
    assert "you can turn on two-factor sign-in once you have opened the link we sent" in refused
    page = client.get(reverse("account_email")).content.decode()
    assert "Confirm your new address" in page and "Send the link again" in page

    # A new link on request, not twice in a row.
    assert client.post(reverse("account_email"))["Location"] == reverse("account_email")
    assert OutboxMessage.objects.filter(to="pat.principal@example.org",
                                        template="email_confirmation").count() == 2
    client.post(reverse("account_email"))
    assert OutboxMessage.objects.filter(to="pat.principal@example.org",
                                        template="email_confirmation").count() == 2

    # Following the link confirms it; then the second factor can be turned on.
    confirm = link_in_mail("pat.principal@example.org", "/accounts/confirm-email/")
    assert client.get(confirm).status_code == 200
    client.post(confirm)
    assert EmailAddress.objects.get(user=district.principal).verified
    assert AuditEvent.objects.filter(verb="person.email_confirmed", actor=district.principal).exists()
    assert "The address is confirmed" in client.get(reverse("account_email")).content.decode()
    enroll_after_reset(client)


def test_addresses_typed_in_the_admin_are_verified(district, client_for):
    client = client_for("admin")
    fields = {"full_name": "Ada Added", "kind": "employee", "employee_id": "E901", "org_unit": district.north.pk,
              "is_active": "on"}
    response = client.post(reverse("admin:people_user_add"), {"email": "ada.added@example.org", **fields})
    assert response.status_code == 302, response.content.decode()[:2000]
    added = User.objects.get(email="ada.added@example.org")
    assert EmailAddress.objects.get(user=added).verified
    client.post(reverse("admin:people_user_change", args=[added.pk]), {"email": "ada.a@example.org", **fields})
    address = EmailAddress.objects.get(user=added)
    assert (address.email, address.verified) == ("ada.a@example.org", True)
    assert [event.after for event in AuditEvent.objects.filter(verb="person.email_verified").order_by("pk")] == [
        {"email": "ada.added@example.org", "verified_by": "admin"},
        {"email": "ada.a@example.org", "verified_by": "admin"}]


def test_the_demo_people_have_verified_addresses(db):
    call_command("seed_demo", verbosity=0)
    verified = EmailAddress.objects.filter(verified=True, primary=True)
    assert sorted(verified.values_list("email", flat=True)) == sorted(row[0] for row in PEOPLE)
