"""Django admin: administrators keep the catalogue; every edit is audited; history is read-only."""

import base64
import io

import pytest
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import reverse

from accounts.models import OfficialAccount, Platform, ProtectedName
from audits.models import AuditEvent
from credentials.models import CredentialVersion, KeyRingCanary
from people.models import User

from .admin_pages import (EDITABLE, HISTORY, NOT_IN_THE_ADMIN, ROSTER_HEADER, TOTP_SECRET, every_kind_of_row,
                          registered_models)


def test_admin_adds_a_platform_and_it_is_audited(district, client_for):
    client = client_for("admin")
    response = client.post(reverse("admin:accounts_platform_add"), {
        "name": "Mastodon", "slug": "mastodon", "kind": "social_network", "minimum_age": "16",
        "rules_url": "https://joinmastodon.org/covenant", "hosts": '["mastodon.social"]',
        "profile_url_template": "https://mastodon.social/@{handle}", "is_active": "on",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    platform = Platform.objects.get(slug="mastodon")
    event = AuditEvent.objects.get(verb="platform.created_in_admin")
    assert event.actor == district.admin and event.target_id == str(platform.pk)


def test_admin_edits_a_platform_with_before_and_after(district, client_for):
    instagram = Platform.objects.get(slug="instagram")
    client = client_for("admin")
    url = reverse("admin:accounts_platform_change", args=[instagram.pk])
    data = {f: getattr(instagram, f) for f in ["name", "slug", "kind", "rules_url", "profile_url_template"]}
    data.update(minimum_age="14", hosts='["instagram.com"]', is_active="on")
    assert client.post(url, data).status_code == 302
    event = AuditEvent.objects.get(verb="platform.changed_in_admin")
    assert event.before["minimum_age"] == 13 and event.after["minimum_age"] == 14


def test_bad_platform_input_is_explained(district, client_for):
    response = client_for("admin").post(reverse("admin:accounts_platform_add"), {
        "name": "Bad", "slug": "bad", "kind": "social_network", "minimum_age": "13",
        "hosts": '["https://bad.example/"]', "profile_url_template": "https://bad.example/",
    })
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "hosts" in errors and "profile_url_template" in errors
    assert not Platform.objects.filter(slug="bad").exists()


def test_admin_adds_a_protected_name(district, client_for):
    response = client_for("admin").post(reverse("admin:accounts_protectedname_add"), {
        "name": "North Stars", "kind": "mascot", "owner": district.north.pk, "notes": "",
    })
    assert response.status_code == 302
    assert ProtectedName.objects.get(name="North Stars").owner == district.north
    assert AuditEvent.objects.filter(verb="protectedname.created_in_admin").exists()


def test_the_platform_catalogue_is_seeded(db):
    """R-DEF-A / R-DEF-B: the policy's public media and the district's protected ones."""
    names = set(Platform.objects.values_list("slug", flat=True))
    assert {"facebook", "x", "instagram", "youtube", "linkedin", "flickr", "tumblr", "tiktok", "blogger"} <= names
    protected = Platform.objects.filter(district_protected=True)
    assert set(protected.values_list("slug", flat=True)) == {"mps-google", "mps-moodle"}
    assert Platform.objects.get(slug="x").hosts == ["x.com", "twitter.com", "mobile.twitter.com"]
    assert all(p.rules_url for p in Platform.objects.filter(district_protected=False))


def test_superintendent_flag_is_read_only_and_appointing_goes_through_the_service(district, client_for):
    client = client_for("admin")
    changelist = reverse("admin:people_user_changelist")
    client.post(changelist, {"action": "appoint_superintendent", "_selected_action": [district.principal.pk]})
    assert User.objects.get(is_superintendent=True) == district.principal
    assert AuditEvent.objects.filter(verb="superintendent.appointed").exists()
    form = client.get(reverse("admin:people_user_change", args=[district.teacher.pk])).context["adminform"].form
    assert "is_superintendent" not in form.fields and "password" not in form.fields


def test_r_iii_e_an_administrator_selecting_themselves_is_refused_with_a_message(district, client_for):
    client = client_for("admin")
    response = client.post(reverse("admin:people_user_changelist"),
                           {"action": "appoint_superintendent", "_selected_action": [district.admin.pk]}, follow=True)
    assert "You cannot appoint yourself superintendent: another administrator must do it." in [
        str(message) for message in response.context["messages"]]
    assert User.objects.get(is_superintendent=True) == district.superintendent
    assert not AuditEvent.objects.filter(verb="superintendent.appointed").exists()


def test_history_cannot_be_edited_in_the_admin(district, client_for):
    client = client_for("admin")
    delegation = district.designee.delegations.get()
    assert client.get(reverse("admin:people_delegation_add")).status_code == 403
    page = client.get(reverse("admin:people_delegation_change", args=[delegation.pk])).content.decode()
    assert 'name="_save"' not in page
    assert client.get(reverse("admin:audits_auditevent_add")).status_code == 403


def test_non_staff_cannot_reach_the_admin(district, client_for):
    """Signed in, but not staff: the admin's sign-in answers 403 rather than a second sign-in."""
    client = client_for("superintendent")
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response["Location"] == "/admin/login/?next=/admin/"
    assert client.get(response["Location"]).status_code == 403


def test_anonymous_visitors_are_sent_to_the_portal_sign_in(district, client):
    """The admin has no sign-in form of its own: the portal's, coming back to the page asked for."""
    response = client.get(reverse("admin:people_user_changelist"))
    assert response["Location"] == "/admin/login/?next=/admin/people/user/"
    assert client.get(response["Location"])["Location"] == "/accounts/login/?next=%2Fadmin%2Fpeople%2Fuser%2F"


# --- every model, every page -------------------------------------------------------------


@pytest.fixture
def demo_admin(db, client):
    """The demo district with a row of every kind, and its administrator signed in."""
    call_command("seed_demo", stdout=io.StringIO())
    every_kind_of_row()
    client.force_login(User.objects.get(email="admin@example.org"))
    return client


def test_every_model_is_in_the_admin_or_left_out_with_its_reason(db):
    labels = {model._meta.label for model in apps.get_models()}
    shown = {model._meta.label for model in registered_models()}
    assert labels - shown == set(NOT_IN_THE_ADMIN), "register these models, or say why they are left out"
    assert all(reason.strip() for reason in NOT_IN_THE_ADMIN.values())
    # Each one shown is either history or kept here, and said to be which.
    assert sorted(shown) == sorted(HISTORY + EDITABLE)


def test_history_cannot_be_added_changed_or_deleted_in_the_admin(district, rf):
    """Audit events, the chain, compliance runs and findings, roster imports, comments, the
    registry's accounts, keepers and reviews, escrow metadata, second factors: read-only
    (their changes go through the portal's services, with their audit events)."""
    request = rf.get("/admin/")
    request.user = district.admin
    for label in HISTORY:
        model_admin = admin.site._registry[apps.get_model(label)]
        assert not model_admin.has_add_permission(request), label
        assert not model_admin.has_change_permission(request), label
        assert not model_admin.has_delete_permission(request), label
        assert model_admin.has_view_permission(request), label


def test_r_iii_e_every_admin_page_opens_and_none_shows_a_sealed_value(demo_admin):
    """Every changelist (and its search), every add page the admin offers, one change page
    per model: they open, without an N+1 (zeal), and none shows a sealed value: escrowed
    credentials' ciphertext, the key ring's canary, an authenticator app's secret (in clear
    or sealed), a roster's uploaded file."""
    sealed = [bytes(version.sealed) for version in CredentialVersion.objects.all()]
    sealed.append(bytes(KeyRingCanary.objects.get().sealed))
    authenticator = Authenticator.objects.get(type="totp")
    forbidden = [TOTP_SECRET, authenticator.data["secret"], ROSTER_HEADER]
    for value in sealed:
        forbidden += [repr(value)[2:40], value[:24].hex(), base64.b64encode(value)[:32].decode()]
    for model in registered_models():
        info = model._meta.app_label, model._meta.model_name
        model_admin = admin.site._registry[model]
        pages = [reverse("admin:%s_%s_changelist" % info)]
        if model_admin.search_fields:
            pages.append(pages[0] + "?q=north")
        row = model._default_manager.order_by("pk").first()
        assert row is not None, f"no {model._meta.label} to show: add one to every_kind_of_row"
        pages.append(reverse("admin:%s_%s_change" % info, args=[row.pk]))
        for url in pages:
            response = demo_admin.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            for value in forbidden:
                assert value not in html, f"{url} shows a sealed value"
        add = demo_admin.get(reverse("admin:%s_%s_add" % info))
        assert add.status_code == (200 if model._meta.label not in HISTORY else 403), model._meta.label


def test_the_admin_links_an_account_to_its_page_in_the_portal(demo_admin):
    account = OfficialAccount.objects.first()
    page = demo_admin.get(reverse("admin:accounts_officialaccount_change", args=[account.pk])).content.decode()
    assert 'name="_save"' not in page and "View on site" in page
    link = reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(account).pk, account.pk])
    assert link in page
    assert demo_admin.get(link)["Location"].endswith(account.get_absolute_url())
