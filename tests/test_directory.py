"""The public directory, its feed and embed kit, and "is this account official?".

R-III-F (Policy 4038 §III.F): a public directory page and a JSON feed per org unit, for
embedding. R-III-A (Policy 4038 §III.A): anyone can check whether an account is official.
"""

import re
import time
from datetime import date, datetime, timezone as dt_timezone
from urllib.parse import quote

import pytest
from django.core.cache import cache, caches
from django.db import transaction
from django.test import Client
from django.urls import resolve, reverse

from accounts import views_directory, views_feed
from accounts.models import OfficialAccount, Platform
from accounts.normalize import normalize
from people.models import OrgUnit

from .a11y import assert_accessible, assert_no_inline_script_or_style, audit
from .factories import OrgUnitFactory, ProtectedNameFactory
from .queries import assert_constant_queries, queries_for

Status = OfficialAccount.Status


def platform(slug):
    return Platform.objects.get(slug=slug)


def account(district, unit, handle, *, on="instagram", status=Status.ACTIVE, name=None, since=date(2024, 9, 3),
            url=None, changed=None, save=True):
    plat = platform(on)
    found = normalize(handle, platform=plat)
    assert found is not None, handle
    row = OfficialAccount(
        platform=plat, org_unit=unit, display_name=name or f"{unit.name} {found.handle}", handle=found.handle,
        handle_key=found.key, url=found.url if url is None else url, status=status,
        origin=OfficialAccount.Origin.DIRECT, established_by=district.superintendent,
        official_since=since if status != Status.PENDING_SETUP else None, status_changed_at=changed,
    )
    if save:
        row.save()
    return row


def html_of(response):
    assert response.status_code == 200
    return response.content.decode()


def get(url, **params):
    return Client().get(url, params)


@pytest.fixture
def program(district):
    """A program inside North High: part of North's subtree."""
    return OrgUnitFactory(code="NORTH-ROBO", name="North Robotics", kind=OrgUnit.Kind.PROGRAM, parent=district.north)


# --- the directory ------------------------------------------------------------------------


def test_r_iii_f_directory_lists_active_accounts_only(district):
    account(district, district.north, "north_active")
    account(district, district.north, "north_pending", status=Status.PENDING_SETUP)
    account(district, district.north, "north_suspended", status=Status.SUSPENDED)
    account(district, district.north, "north_retired", status=Status.RETIRED)
    html = html_of(get(reverse("directory")))
    assert "@north_active" in html
    for hidden in ("north_pending", "north_suspended", "north_retired"):
        assert hidden not in html
    assert "No official accounts are listed yet" not in html
    assert "1 official account." in html


def test_r_iii_f_directory_groups_accounts_by_unit_in_tree_order(district, program):
    account(district, district.south, "south_one")
    account(district, program, "robo_one")
    account(district, district.north, "north_one")
    account(district, district.north, "north_two", on="x")
    html = html_of(get(reverse("directory")))
    headings = re.findall(r'<h2 id="unit-\d+"><a href="([^"]+)">([^<]+)</a>', html)
    assert [name for _, name in headings] == ["North High School", "North Robotics", "South High School"]
    assert headings[0][0] == reverse("directory_unit", args=[district.north.slug])
    north = html.index("North High School</a></h2>")
    robo = html.index("North Robotics</a></h2>")
    south = html.index("South High School</a></h2>")
    assert north < html.index("@north_one") < robo
    assert north < html.index("@north_two") < robo
    assert robo < html.index("@robo_one") < south < html.index("@south_one")


def test_r_iii_f_each_account_shows_platform_link_and_official_since(district):
    account(district, district.north, "north.news", name="North News", since=date(2023, 1, 15))
    account(district, district.north, "NorthNoLink", on="x", url="")  # link built from the platform's template
    html = html_of(get(reverse("directory")))
    assert '<th scope="row">North News</th>' in html and "<td>Instagram</td>" in html
    assert ('<a href="https://www.instagram.com/north.news/" rel="noopener">@north.news'
            '<span class="visually-hidden">: North News on Instagram</span></a>') in html
    assert '<time datetime="2023-01-15">Jan 15, 2023</time>' in html
    assert '<a href="https://x.com/NorthNoLink" rel="noopener">@NorthNoLink' in html
    assert '<th scope="col">Official since</th>' in html


@pytest.mark.parametrize("q,shown", [
    ("Gazette", ["gazette_x"]),  # display name
    ("@robo_one", ["robo_one"]),  # handle, with "@"
    ("ROBO_ONE", ["robo_one"]),  # handle, any case
    ("south high", ["south_one"]),  # unit name
])
def test_r_iii_f_directory_search(district, program, q, shown):
    account(district, district.north, "gazette_x", name="North Gazette")
    account(district, program, "robo_one")
    account(district, district.south, "south_one")
    html = html_of(get(reverse("directory"), q=q))
    for handle in ["gazette_x", "robo_one", "south_one"]:
        assert (f"@{handle}" in html) == (handle in shown), handle


def test_r_iii_f_directory_filters_by_school_subtree_and_platform(district, program):
    account(district, district.north, "north_ig")
    account(district, district.north, "north_x", on="x")
    account(district, program, "robo_ig")
    account(district, district.south, "south_ig")
    html = html_of(get(reverse("directory"), school=district.north.slug))
    assert "@north_ig" in html and "@north_x" in html and "@robo_ig" in html and "@south_ig" not in html
    html = html_of(get(reverse("directory"), school=district.north.slug, platform="x"))
    assert "@north_x" in html and "@north_ig" not in html and "@robo_ig" not in html
    html = html_of(get(reverse("directory"), platform="instagram"))
    assert "@north_x" not in html and "@south_ig" in html


def test_r_iii_f_directory_filter_form_has_labels_and_keeps_its_values(district):
    html = html_of(get(reverse("directory"), q="north", platform="x"))
    for name, label in [("q", "Search"), ("school", "School or department"), ("platform", "Platform")]:
        assert f'<label for="id_{name}">{label}' in html
    assert 'value="north"' in html and '<option value="x" selected>' in html
    assert 'method="get"' in html


def test_r_iii_f_unknown_filter_values_are_explained_not_a_crash(district):
    account(district, district.north, "north_ig")
    html = html_of(get(reverse("directory"), school="no-such-school", platform="myspace"))
    assert "Choose a school or department from the list." in html
    assert "Choose a platform from the list." in html
    assert 'aria-invalid="true"' in html


def _selected(html, name) -> list[str]:
    """The values marked selected in the ``name`` select."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="([^"]*)" selected>', select)


def test_r_iii_f_filter_options_are_cached_until_the_directory_changes(district, django_assert_num_queries):
    """The school and platform options are written once per version of the directory
    (``filters.DirectoryChoiceField``, and the school filter rendered, ``{% cache %}``): a
    repeat view queries only its page of accounts (their count is kept too,
    ``views_directory._count``); the chosen values are still marked;
    adding or renaming a unit, renaming a platform, or adding or retiring an account
    shows at once."""
    north_ig = account(district, district.north, "north_ig")
    client = Client()
    url = reverse("directory")
    assert _selected(html_of(client.get(url)), "school") == [""]
    with django_assert_num_queries(1):  # another address: a repeat of the same one is a kept page (page_cache)
        html = html_of(client.get(url, {"page": "1"}))
    assert f'<option value="{district.north.slug}">North High School</option>' in html
    html = html_of(client.get(url, {"school": district.north.slug, "platform": "x"}))
    assert _selected(html, "school") == [district.north.slug] and _selected(html, "platform") == ["x"]
    assert _selected(html_of(client.get(url, {"school": "no-such-school"})), "school") == []

    district.north.name = "North Community High School"
    district.north.save()
    OrgUnitFactory(code="EAST", name="East High School", slug="east-high")
    x = platform("x")
    x.name = "X (Twitter)"
    x.save()
    html = html_of(client.get(url, {"school": district.north.slug}))
    assert f'<option value="{district.north.slug}" selected>North Community High School</option>' in html
    assert '<option value="east-high">East High School</option>' in html
    assert '<option value="x">X (Twitter)</option>' in html and ">North High School</option>" not in html

    account(district, district.south, "south_ig")
    north_ig.status = Status.RETIRED
    north_ig.save()
    html = html_of(client.get(url))
    assert "@south_ig" in html and "@north_ig" not in html


def test_r_iii_f_the_directory_counts_its_accounts_once_per_change(district, program, django_assert_num_queries):
    """How many accounts the whole directory, a unit's page and one school list (what
    their pages are numbered by) is counted once per version of the directory, so a
    repeat view of the directory reads only its page of accounts; a search or a platform
    counts what it finds. An account added or retired changes every count at once."""
    north_ig = account(district, district.north, "north_ig")
    account(district, district.south, "south_ig")
    client = Client()
    pages = [reverse("directory"), reverse("directory_unit", args=[district.north.slug]),
             reverse("directory") + f"?school={district.north.slug}", reverse("directory") + "?q=north",
             reverse("directory") + "?platform=instagram"]

    def counts():
        return [int(re.search(r"(\d+) official accounts?\b", html_of(client.get(url))).group(1)) for url in pages]

    assert counts() == [2, 1, 1, 1, 2]
    with django_assert_num_queries(1):  # another address: a repeat of the same one is a kept page (page_cache)
        client.get(pages[0] + "?page=1")
    account(district, program, "robo_ig")
    assert counts() == [3, 2, 2, 2, 3]
    north_ig.status = Status.RETIRED
    north_ig.save()
    assert counts() == [2, 1, 1, 1, 2]


def test_r_iii_f_filter_options_escape_names_and_mark_the_chosen_one(district):
    """Kept or freshly rendered, the school filter's options name every unit, escaped, and
    mark the chosen one."""
    OrgUnitFactory(code="ARTS", name='Arts & "Books" <Academy>', slug="arts-books")
    client = Client()
    for _ in range(2):  # rendered, then from the cache
        html = html_of(client.get(reverse("directory")))
        assert '<option value="arts-books">Arts &amp; &quot;Books&quot; &lt;Academy&gt;</option>' in html
        assert _selected(html, "school") == [""]
        html = html_of(client.get(reverse("directory"), {"school": "arts-books"}))
        assert _selected(html, "school") == ["arts-books"]
        assert '<option value="arts-books" selected>Arts &amp; &quot;Books&quot; &lt;Academy&gt;</option>' in html


def test_r_iii_f_result_rows_escape_and_link_what_they_show(district):
    """Each result row: the name escaped, a link only where the account has an address (its
    own, or one built from the platform's template), the date as "M j, Y" or "Not
    recorded"."""
    bare = Platform.objects.create(name="Bare <Site>", slug="bare", kind=platform("x").kind)
    account(district, district.north, "north.news", name='Arts & "Books" <Academy>', since=date(2023, 5, 7))
    account(district, district.north, "north_x", on="x", url="", since=date(2019, 12, 31))
    account(district, district.north, "no_since", since=None)
    OfficialAccount.objects.create(
        platform=bare, org_unit=district.north, display_name="Bare", handle="bare_one", handle_key="bare_one",
        status=Status.ACTIVE, origin=OfficialAccount.Origin.DIRECT, established_by=district.superintendent)
    html = html_of(get(reverse("directory")))
    assert '<th scope="row">Arts &amp; &quot;Books&quot; &lt;Academy&gt;</th>' in html
    assert '<time datetime="2023-05-07">May 7, 2023</time>' in html
    assert '<a href="https://x.com/north_x" rel="noopener">@north_x' in html
    assert '<span class="muted">Not recorded</span>' in html and "<td>@bare_one</td>" in html
    assert "<td>Bare &lt;Site&gt;</td>" in html


def test_r_iii_f_empty_search_says_what_to_do(district):
    account(district, district.north, "north_ig")
    html = html_of(get(reverse("directory"), q="nothing-like-this"))
    assert "No official accounts match your search" in html
    assert "clear the search and filters" in html and reverse("verify") in html


def test_r_iii_f_empty_directory_says_what_to_do(district):
    html = html_of(get(reverse("directory")))
    assert "No official accounts are listed yet" in html and "North High School" in html
    assert reverse("verify") in html


def _bulk(district, count, unit=None, start=0, on="instagram"):
    plat = platform(on)
    units = [unit] if unit else [district.north, district.south, district.athletics]
    rows = []
    for index in range(start, start + count):
        handle = f"acct_{index:05d}"
        rows.append(OfficialAccount(
            platform=plat, org_unit=units[index % len(units)], display_name=f"Account {index:05d}", handle=handle,
            handle_key=handle, url=f"https://www.instagram.com/{handle}/", status=Status.ACTIVE,
            origin=OfficialAccount.Origin.DIRECT, established_by=district.superintendent,
            official_since=date(2024, 1, 1),
        ))
    OfficialAccount.objects.bulk_create(rows)


def test_r_iii_f_directory_paginates_and_keeps_the_filters(district):
    _bulk(district, views_directory.PER_PAGE + 5, unit=district.north)
    html = html_of(get(reverse("directory"), q="acct"))
    assert html.count('<th scope="row">') == views_directory.PER_PAGE
    assert "Page 1 of 2" in html and "showing 1 to 100" in html
    assert 'href="?q=acct&amp;page=2" rel="next"' in html
    html = html_of(get(reverse("directory"), q="acct", page=2))
    assert html.count('<th scope="row">') == 5
    assert "(continued)" in html  # North's group was cut by the page break
    assert 'rel="prev"' in html
    assert html_of(get(reverse("directory"), page="not-a-number")).count('<th scope="row">') == views_directory.PER_PAGE


def test_r_iii_f_unit_page_shows_its_subtree(district, program):
    account(district, district.north, "north_ig")
    account(district, program, "robo_ig")
    account(district, district.south, "south_ig")
    html = html_of(get(reverse("directory_unit", args=[district.north.slug])))
    assert "<h1>North High School</h1>" in html
    assert "@north_ig" in html and "@robo_ig" in html and "@south_ig" not in html
    assert 'name="school"' not in html  # already one school's page
    assert f"{reverse('directory_feed')}?org={district.north.slug}" in html
    html = html_of(get(reverse("directory_unit", args=[district.north.slug]), q="robo"))
    assert "@robo_ig" in html and "@north_ig" not in html


def test_r_iii_f_unit_page_empty_state_and_unknown_slug(district):
    html = html_of(get(reverse("directory_unit", args=[district.south.slug])))
    assert "No official accounts are listed yet" in html and "not one the district has approved" in html
    assert get("/directory/no-such-unit/").status_code == 404


def test_r_iii_f_directory_queries_do_not_grow_with_accounts(district):
    """10 accounts or 1,000: the same number of queries, on every list."""
    client = Client()
    grown = [0]

    def grow(count):
        _bulk(district, count, start=grown[0])
        grown[0] += count

    assert_constant_queries(client, reverse("directory"), grow, small=10, large=1000)
    for url in [reverse("directory") + "?q=acct&platform=instagram&school=" + district.district.slug,
                reverse("directory_unit", args=[district.north.slug]),
                reverse("directory_feed"),
                reverse("directory_feed") + f"?org={district.north.slug}",
                reverse("directory_embed") + f"?org={district.north.slug}"]:
        grown[0] = OfficialAccount.objects.count()
        cache.clear()  # the feed's body is cached: count what building it costs
        before = queries_for(client, url)
        grow(500)
        cache.clear()
        assert queries_for(client, url) == before, url


def test_r_iii_f_feed_queries_do_not_grow_with_accounts(district):
    grown = [0]

    def grow(count):
        _bulk(district, count, start=grown[0])
        grown[0] += count
        cache.clear()  # bulk_create sends no signal; count what building the body costs

    assert assert_constant_queries(Client(), reverse("directory_feed"), grow, small=10, large=1000) == 1


# --- the feed -----------------------------------------------------------------------------


def test_r_iii_f_feed_shape(district):
    account(district, district.north, "north.news", name="North News", since=date(2023, 1, 15))
    account(district, district.north, "hidden", status=Status.SUSPENDED)
    response = get(reverse("directory_feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"accounts": [{
        "name": "North News", "description": "", "platform": "Instagram", "handle": "north.news",
        "url": "https://www.instagram.com/north.news/", "org_unit": "North High School",
        "org_unit_slug": district.north.slug, "official_since": "2023-01-15", "compromised": False, "warning": "",
    }]}


def test_r_iii_f_feed_is_cacheable_public_and_cors(district):
    account(district, district.north, "north_ig")
    response = get(reverse("directory_feed"))
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["ETag"].startswith('"') and response["ETag"].endswith('"')
    assert "Set-Cookie" not in response
    assert Client().post(reverse("directory_feed")).status_code == 405


def test_r_iii_f_feed_etag_gives_304_until_the_list_changes(district):
    row = account(district, district.north, "north_ig")
    client = Client()
    etag = client.get(reverse("directory_feed"))["ETag"]
    again = client.get(reverse("directory_feed"), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag and again["Access-Control-Allow-Origin"] == "*"
    assert again["Cache-Control"] == "public, max-age=300"
    assert client.get(reverse("directory_feed"), HTTP_IF_NONE_MATCH=f'W/{etag}').status_code == 304
    assert client.get(reverse("directory_feed"), HTTP_IF_NONE_MATCH='"something-else"').status_code == 200
    row.status = Status.RETIRED
    row.save()
    changed = client.get(reverse("directory_feed"), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag and changed.json() == {"accounts": []}
    # A unit's rename changes what the feed says, so it changes the ETag too.
    account(district, district.north, "north_two")
    etag = client.get(reverse("directory_feed"))["ETag"]
    district.north.name = "North Community High School"
    district.north.save()
    assert client.get(reverse("directory_feed"), HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_r_iii_f_the_feed_comes_from_the_cache_until_the_registry_changes(district, django_assert_num_queries):
    """The feed is built once per change of the registry, not per request
    (accounts/directory_cache.py): a repeat costs no query at all; saving an account,
    a platform or a unit makes the next request build it again."""
    row = account(district, district.north, "north_ig")
    client = Client()
    first = client.get(reverse("directory_feed"))
    with django_assert_num_queries(0):
        assert client.get(reverse("directory_feed")).content == first.content
    row.display_name = "North Instagram"
    row.save()
    assert client.get(reverse("directory_feed")).json()["accounts"][0]["name"] == "North Instagram"
    row.platform.name = "Instagram (Meta)"
    row.platform.save()
    assert client.get(reverse("directory_feed")).json()["accounts"][0]["platform"] == "Instagram (Meta)"


def test_r_iii_f_the_feed_is_held_in_the_process_until_the_registry_changes(district, monkeypatch):
    """Each web process holds the feed in memory while the registry's version stands
    (``VersionedCache.held``): a repeat reads the version token from the shared cache, not
    the body (megabytes at the largest district). A change, or the entry's age, drops it;
    a process holds a bounded number of feeds."""
    from accounts import directory_cache

    row = account(district, district.north, "north_ig")
    client = Client()
    first = client.get(reverse("directory_feed")).content
    read, shared = [], caches["default"]
    real_get = shared.get
    monkeypatch.setattr(shared, "get", lambda key, *args, **kwargs: read.append(key) or real_get(key, *args, **kwargs))
    assert client.get(reverse("directory_feed")).content == first
    assert read == [directory_cache.directory.version_key]

    row.display_name = "North Instagram"
    row.save()
    assert client.get(reverse("directory_feed")).json()["accounts"][0]["name"] == "North Instagram"

    held = directory_cache.directory._held
    later = views_feed.FEED_MAX_AGE + 1
    monkeypatch.setattr(directory_cache.directory, "HELD", 2)
    for unit in (district.north, district.south):
        client.get(reverse("directory_feed"), {"org": unit.slug})
    assert list(held) == [f"feed:en:{district.north.pk}", f"feed:en:{district.south.pk}"]
    OfficialAccount.objects.filter(pk=row.pk).update(display_name="Changed past the signals")
    clock = time.monotonic
    monkeypatch.setattr("mps_social.versioned_cache.time.monotonic", lambda: clock() + later)
    cache.delete(f"directory:feed:en:all:{directory_cache.directory.version()}")  # the shared entry expired too
    assert client.get(reverse("directory_feed")).json()["accounts"][0]["name"] == "Changed past the signals"
    assert list(held) == [f"feed:en:{district.south.pk}", "feed:en:all"]


def test_r_iii_f_a_rolled_back_change_leaves_the_feed_as_it_was(district):
    row = account(district, district.north, "north_ig")
    client = Client()
    before = client.get(reverse("directory_feed")).content
    with pytest.raises(RuntimeError), transaction.atomic():
        row.display_name = "Never saved"
        row.save()
        raise RuntimeError("rolled back")
    assert client.get(reverse("directory_feed")).content == before


def test_r_iii_f_feed_per_org_unit(district, program):
    account(district, district.north, "north_ig")
    account(district, program, "robo_ig")
    account(district, district.south, "south_ig")
    data = get(reverse("directory_feed"), org=district.north.slug).json()
    assert sorted(item["handle"] for item in data["accounts"]) == ["north_ig", "robo_ig"]
    assert {item["org_unit_slug"] for item in data["accounts"]} == {district.north.slug, program.slug}
    everything = get(reverse("directory_feed")).json()
    assert len(everything["accounts"]) == 3


def test_r_iii_f_feed_unknown_org_is_a_json_404(district):
    response = get(reverse("directory_feed"), org="no-such-unit")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "error" in response.json() and "no-such-unit" in response.json()["error"]
    assert response["Access-Control-Allow-Origin"] == "*"


def test_r_iii_f_feed_and_embed_are_not_taken_for_unit_slugs(district):
    assert reverse("directory_feed") == "/directory/feed.json"
    assert resolve("/directory/feed.json").url_name == "directory_feed"
    OrgUnitFactory(code="EMBED", name="Embed", parent=district.district)  # slug "embed"
    assert resolve("/directory/embed/").url_name == "directory_embed"
    assert "Show official accounts on your website" in html_of(get("/directory/embed/"))


# --- the embed kit ------------------------------------------------------------------------


def test_r_iii_f_embed_page_asks_for_a_unit_first(district):
    html = html_of(get(reverse("directory_embed")))
    assert re.search(r'<label for="id_org"[^>]*>School or department', html)
    assert "Choose a school or department" in html
    assert "embed.js" not in html


def test_r_iii_f_embed_snippet_uses_absolute_urls_and_no_inline_script(district):
    account(district, district.north, "north.news", name="North <News>")
    html = html_of(get(reverse("directory_embed"), org=district.north.slug))
    snippet = re.search(r'<pre class="snippet"><code>(.*?)</code></pre>', html, re.S).group(1)
    assert "&lt;div id=&quot;mps-social-accounts&quot;&gt;&lt;/div&gt;" in snippet
    assert "http://testserver/static/js/embed.js" in snippet
    assert "http://testserver/directory/feed.json" in snippet
    assert f"data-org=&quot;{district.north.slug}&quot;" in snippet and "defer" in snippet
    assert f"http://testserver/directory/feed.json?org={district.north.slug}" in html
    # The no-JavaScript list, rendered now and shown escaped (the display name is escaped twice).
    plain = re.findall(r'<pre class="snippet"><code>(.*?)</code></pre>', html, re.S)[1]
    assert "https://www.instagram.com/north.news/" in plain and "North &amp;lt;News&amp;gt;" in plain
    assert "&lt;script" not in plain
    assert f"http://testserver/directory/{district.north.slug}/" in plain
    # The preview loads the same file; our page has no inline script.
    assert_no_inline_script_or_style(html)


def test_r_iii_f_embed_unknown_unit_is_explained(district):
    html = html_of(get(reverse("directory_embed"), org="no-such-unit"))
    assert "Choose a school or department from the list." in html and "embed.js" not in html


def test_r_iii_f_embed_script_is_served_and_builds_dom_safely(db):
    response = Client().get("/static/js/embed.js")
    assert response.status_code == 200
    source = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    assert "mps-social-accounts" in source and "data-org" in source and "feed.json" in source
    assert "innerHTML" not in source and "eval(" not in source and "textContent" in source


# --- is this account official? ------------------------------------------------------------


@pytest.fixture
def official(district):
    return account(district, district.north, "north.news", name="North News", since=date(2023, 1, 15))


@pytest.mark.parametrize("q", [
    "https://www.instagram.com/north.news/",
    "http://instagram.com/north.news",
    "instagram.com/North.News?igshid=abc123",
    "  https://m.instagram.com/north.news/  ",
    "www.instagram.com/north.news/#top",
])
def test_r_iii_a_verify_recognises_an_official_account_by_url(official, q):
    html = html_of(get(reverse("verify"), q=q))
    assert "Yes: an official account of North High School" in html
    assert '<time datetime="2023-01-15">January 15, 2023</time>' in html
    assert '<a href="https://www.instagram.com/north.news/" rel="noopener">Open @north.news on Instagram</a>' in html
    assert "We read this as <strong>@north.news</strong> on Instagram" in html


@pytest.mark.parametrize("q", ["@north.news", "north.news", "@North.News"])
def test_r_iii_a_verify_recognises_a_bare_handle(official, q):
    html = html_of(get(reverse("verify"), q=q))
    assert "Yes: an official account of North High School" in html and "on any platform" in html


def test_r_iii_a_verify_a_bare_handle_on_several_platforms_lists_each(district):
    account(district, district.north, "northhigh", name="North on Instagram")
    account(district, district.south, "northhigh", on="x", status=Status.RETIRED, name="Old X",
            changed=datetime(2024, 6, 30, 12, tzinfo=dt_timezone.utc))
    account(district, district.north, "north.high", on="facebook", name="North on Facebook")  # key "northhigh"
    html = html_of(get(reverse("verify"), q="@northhigh"))
    assert html.count("Yes: an official account of North High School") == 2
    assert "North on Facebook" in html and "North on Instagram" in html
    assert "No longer official" in html and "until <time datetime=\"2024-06-30\">" in html
    data = get(reverse("verify"), q="@northhigh", format="json").json()
    assert data["status"] == "official"
    assert [match["status"] for match in data["matches"]] == ["official", "official", "retired"]
    assert data["matches"][2]["account"]["official_until"] == "2024-06-30"


def test_r_iii_a_verify_json_for_an_official_account(official):
    response = get(reverse("verify"), q="https://instagram.com/north.news", format="json")
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert data["query"] == "https://instagram.com/north.news"
    assert data["status"] == "official"
    assert data["account"] == {
        "name": "North News", "description": "", "platform": "Instagram", "handle": "north.news",
        "url": "https://www.instagram.com/north.news/", "org_unit": "North High School",
        "org_unit_slug": official.org_unit.slug, "official_since": "2023-01-15", "official_until": None,
        "compromised": False, "warning": "", "formerly": None,
    }
    assert data["protected_names"] == []


def test_r_iii_a_verify_a_retired_account(district):
    account(district, district.north, "old_north", status=Status.RETIRED, name="Old North",
            changed=datetime(2024, 6, 30, 12, tzinfo=dt_timezone.utc))
    html = html_of(get(reverse("verify"), q="https://www.instagram.com/old_north/"))
    assert "No longer official" in html
    assert "was an official account of North High School until" in html and "June 30, 2024" in html
    assert "It no longer speaks for the district." in html
    data = get(reverse("verify"), q="@old_north", format="json").json()
    assert data["status"] == "retired" and data["account"]["official_until"] == "2024-06-30"
    assert data["account"]["org_unit"] == "North High School"


@pytest.mark.parametrize("status", [Status.PENDING_SETUP, Status.SUSPENDED])
def test_r_iii_a_verify_pending_or_suspended_is_not_official(district, status):
    """Decision: only an active account is official. The JSON says "unknown" and gives no
    details; the page says "not currently an official account"."""
    account(district, district.north, "north_paused", status=status)
    html = html_of(get(reverse("verify"), q="@north_paused"))
    assert "Not currently an official account" in html and "Yes: an official account" not in html
    assert "North High School" not in html.split('id="answer"')[1]
    data = get(reverse("verify"), q="instagram.com/north_paused", format="json").json()
    assert data["status"] == "unknown" and data["account"] is None and data["matches"] == []


def test_r_iii_a_verify_prefers_the_live_account_over_a_retired_one(district):
    account(district, district.south, "same_name", status=Status.RETIRED,
            changed=datetime(2023, 5, 1, tzinfo=dt_timezone.utc))
    account(district, district.north, "same_name")
    data = get(reverse("verify"), q="https://www.instagram.com/same_name", format="json").json()
    assert data["status"] == "official" and data["account"]["org_unit"] == "North High School"
    assert len(data["matches"]) == 1


def test_r_iii_a_verify_an_unknown_account(official):
    html = html_of(get(reverse("verify"), q="https://x.com/north_news"))
    assert "Not an account we know" in html and "@north_news on X (Twitter)" in html
    assert "It uses a protected name" not in html
    data = get(reverse("verify"), q="https://x.com/north_news", format="json").json()
    assert data == {"query": "https://x.com/north_news", "status": "unknown", "account": None, "matches": [],
                    "protected_names": [],
                    "report_url": "/report/?kind=impersonation&link=https%3A%2F%2Fx.com%2Fnorth_news"}


def test_r_iii_a_verify_invites_a_report_when_an_unknown_account_uses_a_protected_name(district):
    ProtectedNameFactory(name="North Vikings", owner=district.north)
    ProtectedNameFactory(name="Test District", owner=district.district)
    q = "https://www.instagram.com/the_north_vikings_fans/"
    html = html_of(get(reverse("verify"), q=q))
    assert "Not an account we know" in html and "It uses a protected name" in html
    assert "“North Vikings”, a name that belongs to North High School" in html
    assert f'href="/report/?kind=impersonation&amp;link={quote(q, safe="")}">Report this account</a>' in html
    data = get(reverse("verify"), q=q, format="json").json()
    assert data["status"] == "unknown"
    assert data["protected_names"] == [{"name": "North Vikings", "owner": "North High School"}]
    # A bare handle folds the same way: case and punctuation don't hide a protected name.
    html = html_of(get(reverse("verify"), q="@TestDistrict.Official"))
    assert "“Test District”, a name that belongs to Test District" in html
    assert "/report/?kind=impersonation&amp;link=" in html


def test_r_iii_a_verify_names_a_protected_name_however_it_is_abbreviated(district):
    """R-III-A: the verify page finds protected names as intake does (``accounts.rules``):
    "NorthHS" is North High School's name written short, as "rooseveltHS" is Roosevelt
    High School's, and a handle using it is named and can be reported."""
    ProtectedNameFactory(name="North High School", owner=district.north)
    html = html_of(get(reverse("verify"), q="https://www.instagram.com/northHS_fans/"))
    assert "Not an account we know" in html and "It uses a protected name" in html
    assert "“North High School”, a name that belongs to North High School" in html
    assert "/report/?kind=impersonation&amp;link=" in html
    data = get(reverse("verify"), q="@northHS_fans", format="json").json()
    assert data["protected_names"] == [{"name": "North High School", "owner": "North High School"}]


def test_r_iii_a_verify_no_report_invitation_for_an_official_account_with_a_protected_name(district):
    """An official account using its own unit's name is not an impersonator: its next
    step is a concern about its content, never "report this account"."""
    ProtectedNameFactory(name="North Vikings", owner=district.north)
    account(district, district.north, "northvikings")
    html = html_of(get(reverse("verify"), q="@northvikings"))
    assert "Yes: an official account" in html and "It uses a protected name" not in html
    assert "kind=impersonation" not in html and "Report this account" not in html
    assert 'href="/report/?kind=inappropriate_content&amp;link=%40northvikings">Raise a concern' in html


@pytest.mark.parametrize("q,message", [
    ("", "Enter a profile address or an @handle to check."),
    ("   ", "Enter a profile address or an @handle to check."),
    ("hello world", "We could not read that as an account."),
    ("javascript:alert(1)", "We could not read that as an account."),
    ("https://example.com/someone", "We could not read that as an account."),
    ("https://www.instagram.com/p/Cxyz123/", "A link to a single post or video does not name its account."),
    ("@", "We could not read that as an account."),
    ("x" * 2500, "too long for a profile address"),
    ("\x01\x02", "We could not read that as an account."),
    ("\x00", "Null characters are not allowed."),
])
def test_r_iii_a_verify_bad_input_is_explained_beside_the_field(db, q, message):
    response = get(reverse("verify"), q=q)
    html = html_of(response)
    assert message in html
    assert 'aria-invalid="true"' in html and 'id="id_q_error"' in html
    assert "Answer" not in html
    data = get(reverse("verify"), q=q, format="json")
    assert data.status_code == 400 and message in data.json()["error"]


def test_r_iii_a_verify_form_before_a_question(db):
    html = html_of(get(reverse("verify")))
    assert '<label for="id_q">Profile address or @handle' in html
    assert 'aria-invalid' not in html and "Enter a profile address" not in html
    assert get(reverse("verify"), format="json").status_code == 400


def test_r_iii_a_verify_queries_do_not_depend_on_the_registry_size(district):
    client = Client()
    grown = [0]

    def grow(count):
        _bulk(district, count, start=grown[0])
        grown[0] += count

    assert_constant_queries(client, reverse("verify") + "?q=%40acct_00003", grow, small=10, large=300)


def test_r_iii_a_verify_reads_the_platforms_from_the_directory_cache(district, django_assert_num_queries):
    """Two queries per check once the platforms are cached (the accounts with that handle,
    and those that had it before: ``FormerHandle``); a platform added since is known at
    once (saving it replaces the directory's version)."""
    account(district, district.north, "north_ig")
    client = Client()
    client.get(reverse("verify") + "?q=%40north_ig")
    with django_assert_num_queries(2):  # another spelling: a repeat of the same address is a kept page (page_cache)
        assert "Yes: an official account of" in client.get(reverse("verify") + "?q=%40North_IG").content.decode()
    Platform.objects.create(slug="mastodon", name="Mastodon", kind=Platform.Kind.SOCIAL_NETWORK)
    assert "Mastodon" in {platform.name for platform in
                          client.get(reverse("verify") + "?q=%40north_ig").context["form"].platforms}


# --- accessibility ------------------------------------------------------------------------


def test_r_iii_f_r_iii_a_public_pages_are_accessible(district, official):
    ProtectedNameFactory(name="North Vikings", owner=district.north)
    pages = [
        reverse("directory"),
        reverse("directory") + "?q=nothing-like-this",
        reverse("directory") + "?school=bad",
        reverse("directory_unit", args=[district.north.slug]),
        reverse("directory_unit", args=[district.south.slug]),
        reverse("directory_embed"),
        reverse("directory_embed") + f"?org={district.north.slug}",
        reverse("verify"),
        reverse("verify") + "?q=",
        reverse("verify") + "?q=%40north.news",
        reverse("verify") + "?q=%40northvikings_fan",
    ]
    for url in pages:
        assert audit(assert_accessible(html_of(get(url)), url)).fields, url


# --- the embed script in a real browser ---------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_r_iii_f_embed_script_renders_the_list_on_another_site(district, live_server, monkeypatch):
    """A school's page on another origin includes embed.js: it fetches the feed across
    origins (CORS) and renders a plain list of links, with no inline script anywhere."""
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer
    from pathlib import Path

    from .browser.conftest import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        pytest.skip(f"needs Debian's chromium at {CHROMIUM}")
    account(district, district.north, "north.news", name="North <b>News</b>")
    account(district, district.south, "south_news")
    school_page = (
        "<!DOCTYPE html><html><head><title>North High</title>"
        "<meta http-equiv='Content-Security-Policy' content=\"script-src " + live_server.url + "\">"
        "</head><body><h1>North High</h1>"
        '<div id="mps-social-accounts"></div>'
        f'<script src="{live_server.url}/static/js/embed.js" data-org="{district.north.slug}" defer></script>'
        "</body></html>"
    ).encode()

    class SchoolSite(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(school_page)

        def log_message(self, *args):
            pass

    school = HTTPServer(("127.0.0.1", 0), SchoolSite)  # another origin than the portal's "localhost"
    threading.Thread(target=school.serve_forever, daemon=True).start()
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(10_000)
            page.goto(f"http://127.0.0.1:{school.server_address[1]}/")
            link = page.locator("#mps-social-accounts ul li a")
            sync_api.expect(link).to_have_count(1)
            sync_api.expect(link).to_have_text("North <b>News</b>")  # text, never markup
            assert link.get_attribute("href") == "https://www.instagram.com/north.news/"
            assert link.get_attribute("rel") == "noopener"
            sync_api.expect(page.locator("#mps-social-accounts li")).to_contain_text("(Instagram, @north.news)")
            assert page.locator("#mps-social-accounts b").count() == 0
        finally:
            browser.close()
            school.shutdown()
