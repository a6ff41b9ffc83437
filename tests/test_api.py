"""The public search API (accounts/api.py) and its OpenAPI document.

R-III-F (Policy 4038 §III.F): the directory's accounts as data, searchable across the
district and paged, with the feed's public fields, CORS and caching. R-III-A: verify's
JSON is described in the same document. Every response here is checked against the
document the portal serves.
"""

from datetime import date

import jsonschema
import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from openapi_spec_validator import validate as validate_spec

from accounts import api as registry_api
from accounts.models import OfficialAccount

from .queries import assert_constant_queries, queries_for
from .test_directory import _bulk, account, program  # noqa: F401 (a fixture)

Status = OfficialAccount.Status
API = "/api/v1/accounts"


def document():
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def conforms(response, path, method="get", spec=None):
    """``response`` is one its operation in the served document declares, and its body
    validates against that response's schema. Returns the body."""
    spec = spec or document()
    declared = spec["paths"][path][method]["responses"]
    assert str(response.status_code) in declared, f"{path}: {response.status_code} is not in the document"
    content = declared[str(response.status_code)].get("content")
    if content is None:
        assert response.content == b""
        return None
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    schema = {**content["application/json"]["schema"], "components": spec["components"]}
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(body)
    return body


def search(**params):
    response = Client().get(API, params)
    return response, conforms(response, API)


def handles(body):
    return [item["handle"] for item in body["accounts"]]


def test_the_document_is_valid_openapi_and_describes_the_api_the_feed_and_verify(db):
    spec = document()
    validate_spec(spec)
    assert spec["openapi"].startswith("3.1")
    assert set(spec["paths"]) == {API, "/directory/feed.json", "/verify/"}
    parameters = {p["name"] for p in spec["paths"][API]["get"]["parameters"]}
    assert parameters == {"q", "unit", "platform", "page", "page_size"}
    assert set(spec["components"]["schemas"]) >= {"Account", "AccountPage", "Error", "Feed", "VerifyAnswer"}


def test_the_document_is_public_and_cors(district, client_for):
    for persona in ("anonymous", "teacher", "admin"):
        response = client_for(persona).get("/api/v1/openapi.json")
        assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"


def test_r_iii_f_the_api_pages_through_the_accounts(district):
    _bulk(district, 7, unit=district.north)
    response, body = search(page_size=3)
    assert response.status_code == 200
    assert (body["count"], body["page"], body["pages"], body["page_size"]) == (7, 1, 3, 3)
    assert handles(body) == ["acct_00000", "acct_00001", "acct_00002"]
    assert body["previous"] is None and body["next"] == f"{API}?page_size=3&page=2"
    second = Client().get(body["next"])
    body = conforms(second, API)
    assert handles(body) == ["acct_00003", "acct_00004", "acct_00005"]
    assert body["previous"] == f"{API}?page_size=3&page=1" and body["next"] == f"{API}?page_size=3&page=3"
    _, body = search(page_size=3, page=3)
    assert handles(body) == ["acct_00006"] and body["next"] is None
    _, body = search()
    assert body["page_size"] == registry_api.PAGE_SIZE and body["count"] == 7 and body["next"] is None


def test_a_page_past_the_last_is_a_json_404(district):
    _bulk(district, 4, unit=district.north)
    response, body = search(page_size=2, page=3)
    assert response.status_code == 404 and body == {"error": "There is no page 3: the last is page 2."}
    assert response["Access-Control-Allow-Origin"] == "*"
    response, body = search()  # an empty registry still has its one (empty) page
    assert response.status_code == 200


@pytest.mark.parametrize("params", [{"page": "0"}, {"page": "two"}, {"page_size": "101"}, {"page_size": "0"},
                                    {"q": "x" * 201}])
def test_a_malformed_parameter_is_a_400_that_names_it(district, params):
    response, body = search(**params)
    assert response.status_code == 400 and f"({next(iter(params))}: " in body["error"]
    assert response["Access-Control-Allow-Origin"] == "*"


def test_r_iii_f_the_api_filters_by_name_handle_address_unit_and_platform(district, program):  # noqa: F811
    account(district, district.north, "north.news", name="North News")
    account(district, program, "robo_ig", name="Robotics Team")
    account(district, district.south, "south_yt", on="youtube", name="South Videos")
    account(district, district.south, "south_ig", name="South Pictures")
    assert handles(search(q="robotics")[1]) == ["robo_ig"]
    assert handles(search(q="@NORTH.news")[1]) == ["north.news"]  # the "@" optional, any case
    assert handles(search(q="https://www.instagram.com/south_ig/?hl=en")[1]) == ["south_ig"]  # read as verify
    assert handles(search(q="https://www.instagram.com/nobody_here/")[1]) == []
    assert sorted(handles(search(unit=district.north.slug)[1])) == ["north.news", "robo_ig"]  # its subtree
    assert handles(search(unit=program.slug)[1]) == ["robo_ig"]
    assert sorted(handles(search(platform="instagram")[1])) == ["north.news", "robo_ig", "south_ig"]
    _, body = search(q="south", platform="youtube", unit=district.south.slug)
    assert handles(body) == ["south_yt"] and body["count"] == 1
    for params, message in [({"unit": "nowhere"}, "No school or department has the address 'nowhere'."),
                            ({"platform": "myspace"}, "No platform has the address 'myspace'.")]:
        response, body = search(**params)
        assert response.status_code == 404 and body == {"error": message}


def test_r_iii_f_only_active_accounts_with_the_feeds_fields(district):
    """The API lists what the directory and its feed list, as the feed shows it: the same
    rows in the same order, field for field (``views_feed.account_data``)."""
    account(district, district.north, "north_active", name="North Active", since=date(2023, 1, 15))
    for status in (Status.PENDING_SETUP, Status.SUSPENDED, Status.RETIRED):
        account(district, district.north, f"north_{status}", status=status)
    _, body = search()
    assert body["accounts"] == [{
        "name": "North Active", "description": "", "platform": "Instagram", "handle": "north_active",
        "url": "https://www.instagram.com/north_active/", "org_unit": "North High School",
        "org_unit_slug": district.north.slug, "official_since": "2023-01-15", "compromised": False, "warning": "",
    }]
    feed = Client().get(reverse("directory_feed"))
    assert conforms(feed, "/directory/feed.json")["accounts"] == body["accounts"]


def test_r_iii_f_cors_cache_and_etag_like_the_feed(district):
    account(district, district.north, "north_ig")
    client = Client()
    response = client.get(API)
    assert response["Access-Control-Allow-Origin"] == "*" and response["Access-Control-Allow-Methods"] == "GET"
    assert response["Cache-Control"] == "public, max-age=300" and "Set-Cookie" not in response
    again = client.get(API, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and again.content == b"" and again["Access-Control-Allow-Origin"] == "*"
    assert client.post(API).status_code == 405


def test_r_iii_f_the_api_is_cached_until_the_registry_changes(district, django_assert_num_queries):
    row = account(district, district.north, "north_ig", name="North")
    client = Client()
    first = client.get(API, {"q": "north"})
    with django_assert_num_queries(0):
        assert client.get(API, {"q": "north"}).content == first.content
    row.display_name = "North Instagram"
    row.save()
    assert client.get(API, {"q": "north"}).json()["accounts"][0]["name"] == "North Instagram"


def test_r_iii_f_api_queries_do_not_grow_with_accounts(district):
    grown = [0]

    def grow(count):
        _bulk(district, count, start=grown[0])
        grown[0] += count
        cache.clear()  # bulk_create sends no signal; count what building the body costs

    client = Client()
    assert assert_constant_queries(client, API, grow, small=10, large=600) <= 2
    for params in ("?page=3", f"?q=acct&platform=instagram&unit={district.district.slug}&page=2&page_size=20"):
        cache.clear()
        before = queries_for(client, API + params)
        grow(300)
        assert queries_for(client, API + params) == before <= 5, params


def test_r_iii_a_verify_json_conforms_to_the_document(district):
    account(district, district.north, "north_ig")
    spec = document()
    client = Client()
    found = conforms(client.get(reverse("verify"), {"q": "@north_ig", "format": "json"}), "/verify/", spec=spec)
    assert found["status"] == "official" and found["account"]["handle"] == "north_ig"
    unknown = conforms(client.get(reverse("verify"), {"q": "@nobody_at_all", "format": "json"}), "/verify/",
                       spec=spec)
    assert unknown["status"] == "unknown" and unknown["account"] is None
    bad = client.get(reverse("verify"), {"q": "", "format": "json"})
    assert bad.status_code == 400 and conforms(bad, "/verify/", spec=spec)["error"]
    missing = client.get(reverse("directory_feed"), {"org": "nowhere"})
    assert missing.status_code == 404 and conforms(missing, "/directory/feed.json", spec=spec)["error"]
