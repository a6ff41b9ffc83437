"""Pages every visitor meets: home per role, the directory, and the error pages."""

import pytest
from django.test import Client
from django.urls import reverse

from approvals.models import Application


def test_public_home_invites_to_check_accounts(db):
    html = Client().get("/").content.decode()
    assert "Browse official accounts" in html and "Staff sign in" in html
    assert "Is this account official?" in html and 'href="/report/"' in html


@pytest.mark.parametrize(
    "persona,shows,hides",
    [
        ("superintendent", ["Manage delegations", 'href="/people/delegations/"'], []),
        ("designee", ["Your delegations", "Reveal escrowed credentials"], ['href="/people/delegations/"']),
        ("principal", ["Needs your attention", "What you keep"], ['href="/people/delegations/"']),
        ("teacher", ["Hello, Tess", "Pat Principal", "Nothing needs you now"], ['href="/people/delegations/"']),
        ("admin", ['href="/admin/"'], ['href="/people/delegations/"']),
    ],
)
def test_home_by_role(district, client_for, persona, shows, hides):
    html = client_for(persona).get("/").content.decode()
    for text in shows:
        assert text in html, text
    for text in hides:
        assert text not in html, text


def test_what_needs_attention_is_escaped(district, client_for):
    """The home page's "Needs your attention" escapes what people typed (a draft's name)."""
    Application.objects.create(applicant=district.teacher, display_name='Tess <b>"Club"</b> & <i>Art</i>')
    html = client_for("teacher").get("/").content.decode()
    assert "Finish your draft: Tess &lt;b&gt;&quot;Club&quot;&lt;/b&gt; &amp; &lt;i&gt;Art&lt;/i&gt;" in html
    assert "<b>" not in html and "<i>" not in html


def test_directory_lists_units_with_an_empty_state(district):
    html = Client().get(reverse("directory")).content.decode()
    assert "No official accounts are listed yet" in html and "North High School" in html
    assert Client().get(reverse("directory_unit", args=["no-such-unit"])).status_code == 404


def test_error_pages_use_the_layout_and_show_no_trace(db, settings):
    settings.DEBUG = False
    html = Client().get("/no/such/page/").content.decode()
    assert "We could not find that page" in html and 'class="skip-link"' in html


def test_a_crash_shows_the_friendly_page_and_no_stack_trace(db, settings):
    from unittest import mock

    client = Client(raise_request_exception=False)
    with mock.patch("mps_social.views.render", side_effect=RuntimeError("secret-internal-detail")):
        response = client.get("/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert "secret-internal-detail" not in html and "Traceback" not in html
    # Rendered without the request, it still links home and to the directory
    # (mps_social.context_processors.layout_links).
    assert '<a class="brand" href="/">' in html and '<a href="/directory/">' in html


def test_the_layout_links_the_same_pages_for_everyone(district, client_for):
    """The layout's links are reversed once (context_processors._addresses), not per page."""
    for persona in ["anonymous", "teacher", "admin"]:
        html = client_for(persona).get("/").content.decode()
        assert '<a class="brand" href="/">' in html and '<a href="/directory/">Official accounts</a>' in html
    teacher = client_for("teacher").get("/").content.decode()
    assert 'href="/accounts/2fa/"' in teacher and 'action="/accounts/logout/"' in teacher
    assert 'href="/admin/"' in client_for("admin").get("/").content.decode()
    assert 'href="/accounts/login/"' in client_for("anonymous").get("/").content.decode()


@pytest.mark.parametrize("persona,most", [("teacher", 18), ("principal", 21), ("superintendent", 24)])
def test_home_asks_the_database_a_few_questions(district, client_for, persona, most, django_assert_max_num_queries):
    """Issue [performance]: the home page's queries are about the person only (the training
    catalogue is cached; the superintendent holds no delegation; the header counts their
    unread messages, as on every page). Issue #22 adds a fixed few
    per kind of thing that may wait for them (mps_social.home; two for the concern reports they
    follow), whatever the data holds:
    tests/test_home.py asserts the count stays the same as the data grows."""
    client = client_for(persona)
    client.get("/")
    with django_assert_max_num_queries(most):
        assert client.get("/").status_code == 200


def test_every_page_is_served_without_a_cdn(district, client_for):
    for persona in ["anonymous", "superintendent"]:
        html = client_for(persona).get("/").content.decode()
        assert "https://" not in html.split("<body>")[0], "assets must be served by the portal itself"
    assert Client().get("/static/css/portal.css").status_code == 200
