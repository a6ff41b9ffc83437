"""The public front door (issue [public], Policy 4038 §III.A, §III.E, §III.F, §II.B).

R-III-A: a parent can tell the school's real account from a fake: the home page leads with
"Is this account official?", and every answer ends with the right next step. R-III-F: each
account says what it posts, and only accounts open to the public are public (§II.B).
§III.E: an account the district lost control of is marked compromised, and families are
warned wherever it is shown, until its recovery. A surge holds: anonymous public pages are
served whole from the cache, and no change to the registry is answered from before it.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urlparse

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import page_cache, services
from accounts.models import COMPROMISED_WARNING, Designation, OfficialAccount, Platform
from approvals import services as approvals
from approvals.models import Application
from audits.models import AuditEvent
from notifications.models import OutboxMessage

from .a11y import assert_accessible
from .factories import ProtectedNameFactory
from .test_approvals import form_data
from .test_directory import account

Status = OfficialAccount.Status
WARNING = "Do not trust messages from this account for now: the district has lost control of it."


def html_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def get(url, **params):
    return Client().get(url, params)


def queries(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def compromise(district, row, reason="Someone else changed its password and posts as the school."):
    return services.mark_compromised(actor=district.superintendent, account=row, reason=reason)


# --- the front door -------------------------------------------------------------------------


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.forms = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "form":
            self.forms.append((attrs.get("method", "get").lower(), attrs.get("action", "")))


def links_of(html) -> Links:
    parser = Links()
    parser.feed(html)
    return parser


def test_r_iii_a_the_public_home_leads_with_the_verify_box_then_the_directory_then_a_report(db):
    """The verify box comes first (a GET form to /verify/ with a label), then finding a
    school's accounts, then "Report an account" linked to /report/."""
    html = assert_accessible(html_of(get("/")), "/")
    form = html.index(f'action="{reverse("verify")}"')
    assert re.search(r'<label for="home-q"[^>]*>Profile address or @handle</label>', html)
    assert ("get", reverse("verify")) in links_of(html).forms
    directory = html.index(f'href="{reverse("directory")}"', form)
    report = html.index(f'href="{reverse("concerns:report")}"', directory)
    assert form < directory < report and "Report an account" in html[report:report + 200]


def test_r_iii_a_a_crawl_of_every_public_link_from_the_home_reaches_the_report_form(district):
    """The issue's crawl: following every link of the public pages from the home, as a
    parent who is not signed in would, reaches /report/ (the crawl follows only links on
    the portal's own pages, and a verify answer through the home's form)."""
    account(district, district.north, "north.news", name="North News")
    client = Client()
    seen, queue = set(), ["/", f"{reverse('verify')}?q=%40lakers_fan_page_xyz"]
    while queue and len(seen) < 60:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        for href in links_of(response.content.decode()).links:
            parts = urlparse(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("/static/"):
                continue
            if parts.path.startswith(("/accounts/", "/admin/")):  # sign-in pages: staff, not families
                continue
            queue.append(href)
    assert any(urlparse(url).path == reverse("concerns:report") for url in seen), sorted(seen)


def test_r_iii_a_an_unknown_lookalike_is_answered_with_a_report_link(db):
    """An unknown handle without a protected name still ends with "Report this account"
    (the issue: "@lakers_fan_page_xyz" got no link), and a way to the real accounts."""
    html = html_of(get(reverse("verify"), q="@lakers_fan_page_xyz"))
    assert "Not an account we know" in html
    assert 'href="/report/?kind=impersonation&amp;link=%40lakers_fan_page_xyz">Report this account</a>' in html
    assert f'href="{reverse("directory")}">Find a school' in html
    assert_accessible(html)


def test_r_iii_a_an_official_account_ends_with_its_schools_other_accounts_and_a_concern(district):
    account(district, district.north, "north.news", name="North News")
    html = html_of(get(reverse("verify"), q="@north.news"))
    assert "Yes: an official account of North High School" in html
    assert f'href="{reverse("directory_unit", args=[district.north.slug])}">See the other official accounts' in html
    assert ('href="/report/?kind=inappropriate_content&amp;link=%40north.news">Raise a concern about this account'
            in html)
    assert "Report this account" not in html


def test_r_iii_a_a_retired_account_ends_with_the_current_ones_and_a_report(district):
    account(district, district.north, "north.old", status=Status.RETIRED, changed=timezone.now())
    html = html_of(get(reverse("verify"), q="@north.old"))
    assert "No longer official" in html
    assert "See the current official accounts of North High School" in html
    assert 'href="/report/?kind=impersonation&amp;link=%40north.old">Report this account</a>' in html


def test_r_iii_a_the_report_form_comes_with_its_kind_chosen_and_the_account_filled_in(db):
    html = html_of(get(reverse("concerns:report"), kind="inappropriate_content", link="@north.news"))
    assert re.search(r'<input type="radio" name="kind" value="inappropriate_content"[^>]* checked', html)
    assert 'value="@north.news"' in html
    html = html_of(get(reverse("concerns:report"), kind="<script>", link="@x"))
    assert " checked" not in html  # an unknown kind chooses nothing


# --- what each account posts --------------------------------------------------------------


def test_r_iii_f_the_application_asks_what_the_account_posts_and_the_account_keeps_it(district):
    """The description is asked on the application and carried to the account it becomes."""
    line = "News, events and closures of North High, for families."
    application = approvals.submit(actor=district.teacher, data=form_data(district, description=line))
    application = approvals.endorse(actor=district.principal, application=application)
    application = approvals.approve(actor=district.superintendent, application=application)
    assert application.status == Application.Status.APPROVED
    assert application.account.description == line


def test_r_iii_f_the_application_form_and_the_establish_form_ask_for_it(client_for):
    assert 'name="description"' in html_of(client_for("teacher").get(reverse("approvals:new")))
    assert 'name="description"' in html_of(client_for("superintendent").get(reverse("accounts:establish")))


def test_r_iii_f_the_description_is_one_line_of_plain_text(district):
    row = services.establish_account(
        actor=district.superintendent, platform=Platform.objects.get(slug="instagram"), org_unit=district.north,
        display_name="North News", handle="north.news", site_manager=district.teacher,
        origin=OfficialAccount.Origin.DIRECT, reason="Test", description="  News   and   events  ")
    assert row.description == "News and events"
    with pytest.raises(services.RegistryError) as refused:
        services.establish_account(
            actor=district.superintendent, platform=Platform.objects.get(slug="x"), org_unit=district.north,
            display_name="North News", handle="north_news", site_manager=district.teacher,
            origin=OfficialAccount.Origin.DIRECT, reason="Test", description="News\u202eevents")
    assert "description" in refused.value.errors


def test_r_iii_f_the_description_is_shown_in_the_directory_unit_page_feed_and_embed(district):
    row = account(district, district.north, "north.news", name="North News", save=False)
    row.description = "Scores & news of <North> teams"
    row.save()
    escaped = "Scores &amp; news of &lt;North&gt; teams"
    assert escaped in html_of(get(reverse("directory")))
    assert escaped in html_of(get(reverse("directory_unit", args=[district.north.slug])))
    assert get(reverse("directory_feed")).json()["accounts"][0]["description"] == row.description
    embed = html_of(get(reverse("directory_embed"), org=district.north.slug))
    assert "Scores &amp;amp; news of &amp;lt;North&amp;gt; teams" in embed  # the snippet, shown as text


# --- only public accounts are public (Policy 4038 §II.B) ----------------------------------


def test_r_iii_f_accounts_on_password_protected_platforms_are_never_public(district):
    account(district, district.north, "north.news", name="North News")
    account(district, district.north, "north_class", on="mps-google", name="North Class Stream", url="")
    assert list(OfficialAccount.objects.public().values_list("handle", flat=True)) == ["north.news"]
    for url in (reverse("directory"), reverse("directory_unit", args=[district.north.slug])):
        html = html_of(get(url))
        assert "North News" in html and "North Class Stream" not in html, url
        assert "1 official account." in html, url  # the counts too
        assert "MPS Google Workspace" not in html, url  # nor offered as a filter
    feed = get(reverse("directory_feed"), org=district.north.slug).json()["accounts"]
    assert [row["name"] for row in feed] == ["North News"]
    assert "North Class Stream" not in html_of(get(reverse("directory_embed"), org=district.north.slug))
    html = html_of(get(reverse("verify"), q="@north_class"))
    assert "Not an account we know" in html and "North Class Stream" not in html
    data = get(reverse("verify"), q="@north_class", format="json").json()
    assert data["status"] == "unknown" and data["matches"] == []


# --- an account in trouble (Policy 4038 §III.E) -------------------------------------------


@pytest.fixture
def official(district):
    row = account(district, district.north, "north.news", name="North News")
    Designation.objects.create(account=row, person=district.teacher, role=Designation.Role.SITE_MANAGER,
                               started_at=timezone.now(), designated_by=district.superintendent)
    return row


def test_iii_e_marking_compromised_is_audited_makes_rotation_due_and_tells_the_keepers_and_the_office(
        district, official):
    compromise(district, official)
    official.refresh_from_db()
    assert official.is_compromised and official.status == Status.ACTIVE
    assert official.rotation_due and official.rotation_due_reason == "The account was compromised."
    event = AuditEvent.objects.filter(verb="account.compromised", target_id=str(official.pk)).get()
    assert event.reason == "Someone else changed its password and posts as the school."
    told = set(OutboxMessage.objects.filter(template="account_compromised").values_list("to", flat=True))
    # Its site manager, their supervisor, and those holding the power to establish accounts
    # over North High (the designee); not the superintendent who acted.
    assert told == {district.teacher.email, district.principal.email, district.designee.email}


def test_iii_e_recovery_is_a_second_audited_action_with_a_note(district, official):
    compromise(district, official)
    services.mark_recovered(actor=district.designee, account=official, note="Password reset with the platform.")
    official.refresh_from_db()
    assert not official.is_compromised and official.compromised_reason == ""
    assert official.rotation_due  # until new credentials are escrowed
    event = AuditEvent.objects.get(verb="account.recovered", target_id=str(official.pk))
    assert event.reason == "Password reset with the platform."
    told = set(OutboxMessage.objects.filter(template="account_recovered").values_list("to", flat=True))
    assert told == {district.teacher.email, district.principal.email, district.superintendent.email}


def test_iii_e_a_reason_and_a_note_are_required_and_the_state_is_checked(district, official):
    with pytest.raises(services.RegistryError) as refused:
        services.mark_compromised(actor=district.superintendent, account=official, reason="  ")
    assert "reason" in refused.value.errors
    with pytest.raises(services.RegistryError):
        services.mark_recovered(actor=district.superintendent, account=official, note="Back.")
    compromise(district, official)
    with pytest.raises(services.RegistryError):
        compromise(district, official)
    with pytest.raises(services.RegistryError) as refused:
        services.mark_recovered(actor=district.superintendent, account=official, note="")
    assert "note" in refused.value.errors
    with pytest.raises(services.RegistryError):  # the keepers do not decide it: the office does
        services.mark_compromised(actor=district.principal, account=official, reason="Hacked")
    assert AuditEvent.objects.filter(verb="account.compromised").count() == 1


def test_iii_e_the_office_marks_it_on_the_account_page_with_messages_beside_the_field(district, official,
                                                                                      client_for):
    client = client_for("designee")
    page = html_of(client.get(reverse("accounts:account", args=[official.pk])))
    assert f'action="{reverse("accounts:mark_compromised", args=[official.pk])}"' in page
    response = client.post(reverse("accounts:mark_compromised", args=[official.pk]), {"reason": ""})
    html = html_of(response)
    assert "Say what happened: how the district lost control of the account." in html
    assert not OfficialAccount.objects.get(pk=official.pk).is_compromised
    response = client.post(reverse("accounts:mark_compromised", args=[official.pk]), {"reason": "Hacked."})
    assert response.status_code == 302
    page = html_of(client.get(reverse("accounts:account", args=[official.pk])))
    assert "Compromised since" in page and f'action="{reverse("accounts:mark_recovered", args=[official.pk])}"' in page
    response = client.post(reverse("accounts:mark_recovered", args=[official.pk]), {"note": ""})
    assert "Say how the district got the account back." in html_of(response)
    response = client.post(reverse("accounts:mark_recovered", args=[official.pk]), {"note": "Reset."})
    assert response.status_code == 302 and not OfficialAccount.objects.get(pk=official.pk).is_compromised
    # The site manager sees the account, and no such action.
    page = html_of(client_for("teacher").get(reverse("accounts:account", args=[official.pk])))
    assert "mark_compromised" not in page and "/compromised/" not in page


def test_iii_e_families_are_warned_on_verify_directory_unit_page_feed_and_embed(district, official):
    compromise(district, official)
    assert str(COMPROMISED_WARNING).startswith(WARNING)
    html = html_of(get(reverse("verify"), q="@north.news"))
    assert "Yes: an official account of North High School" in html and WARNING in html
    data = get(reverse("verify"), q="@north.news", format="json").json()
    assert data["account"]["compromised"] is True and data["account"]["warning"].startswith(WARNING)
    assert WARNING in html_of(get(reverse("directory")))
    assert WARNING in html_of(get(reverse("directory_unit", args=[district.north.slug])))
    feed = get(reverse("directory_feed")).json()["accounts"][0]
    assert feed["compromised"] is True and feed["warning"].startswith(WARNING)
    embed = html_of(get(reverse("directory_embed"), org=district.north.slug))
    assert WARNING in embed
    services.mark_recovered(actor=district.superintendent, account=official, note="Back.")
    for url in (reverse("directory"), f"{reverse('verify')}?q=%40north.news", reverse("directory_feed")):
        assert WARNING not in Client().get(url).content.decode(), url


# --- a surge holds: whole pages from the cache ---------------------------------------------


PUBLIC_PAGES = ["/", "/directory/", "/directory/{slug}/", "/verify/?q=%40north.news",
                "/verify/?q=%40north.news&format=json", "/directory/embed/?org={slug}"]


@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_a_public_page_is_served_whole_from_the_cache_to_anonymous_visitors(district, page):
    account(district, district.north, "north.news", name="North News")
    url = page.format(slug=district.north.slug)
    client = Client()
    first = client.get(url)
    assert first.status_code == 200 and "Accept-Language" in first["Vary"] and "Cookie" in first["Vary"]
    with CaptureQueriesContext(connection) as captured:
        again = client.get(url)
    assert len(captured.captured_queries) == 0, url
    assert again.content == first.content and again["Content-Type"] == first["Content-Type"]
    assert again["Content-Security-Policy"] and again["X-Request-ID"] != first["X-Request-ID"]


@pytest.mark.parametrize("change", ["new account", "compromised", "protected name", "retired"])
def test_a_change_to_the_registry_is_never_answered_from_before_it(district, change):
    row = account(district, district.north, "north.news", name="North News")
    pages = {url: get(url).content.decode() for url in (
        "/directory/", f"/directory/{district.north.slug}/", "/verify/?q=%40north_news_fans")}
    if change == "new account":
        account(district, district.north, "north.sports", name="North Sports Desk")
        expected = "North Sports Desk"
    elif change == "compromised":
        Designation.objects.create(account=row, person=district.teacher, role=Designation.Role.SITE_MANAGER,
                                   started_at=timezone.now(), designated_by=district.superintendent)
        compromise(district, row)
        expected = WARNING
    elif change == "protected name":
        ProtectedNameFactory(name="North News", owner=district.north)
        expected = "It uses a protected name"
    else:
        services.change_status(actor=district.superintendent, account=row, status=Status.RETIRED, reason="Done.")
        expected = "No official accounts"
    now = {url: get(url).content.decode() for url in pages}
    assert any(expected in html for html in now.values()), change
    assert now != pages


def test_a_signed_in_visitor_never_gets_the_anonymous_page_nor_fills_the_cache(district, client_for):
    anonymous = html_of(get("/"))
    assert "Staff sign in" in anonymous
    staff = html_of(client_for("teacher").get("/"))
    assert "Hello, Tess" in staff and "Staff sign in" not in staff
    assert html_of(get("/")) == anonymous
    # And a page the signed-in visitor saw first is not kept for the next anonymous one.
    client_for("teacher").get(reverse("directory"))
    assert "Sign out" not in html_of(get(reverse("directory")))


def test_a_page_with_a_form_that_posts_or_a_message_waiting_is_not_kept(db):
    calls = []

    @page_cache.public_page
    def with_token(request):
        calls.append(1)
        return HttpResponse(get_token(request))

    def request():
        made = RequestFactory().get("/with-token/")
        made.user, made.session = AnonymousUser(), SessionStore()
        made._messages = FallbackStorage(made)
        return made

    with_token(request())
    with_token(request())
    assert len(calls) == 2  # a CSRF token is never kept

    @page_cache.public_page
    def plain(request):
        calls.append(1)
        return HttpResponse("Hello")

    calls.clear()
    plain(request())
    plain(request())
    assert len(calls) == 1
    waiting = request()
    waiting._messages.add(20, "Your report was sent.")
    plain(waiting)
    assert len(calls) == 2  # a visit with messages waiting is rendered, not served from the cache


def test_each_language_has_its_own_cached_page(district):
    client = Client()
    client.get("/directory/")
    assert queries(client, "/directory/") == 0
    with override_settings(LANGUAGE_CODE="es"):
        assert queries(client, "/directory/") > 0
        assert queries(client, "/directory/") == 0
