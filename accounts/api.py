"""The registry's public API, version 1 (Policy 4038 §III.F, R-III-F; §III.A, R-III-A):
a paged search of the district's official accounts, and the OpenAPI document that
describes it together with the directory's feed and "is this account official?" as JSON.

Decisions:

- One library makes the document: django-ninja builds it from the typed operation and its
  pydantic schemas; the feed and verify stay the plain Django views they are, and their
  operations are added to the same document from pydantic schemas too
  (``RegistryAPI.get_openapi_schema``), so nothing in it is written by hand.
- The search lists exactly what the directory and its feed list (``selectors.directory_accounts``,
  serialised by ``views_feed.account_data``): the two can never disagree. ``q`` means what
  the directory's search means (``filters.search``); a profile address is read as verify
  reads it (``normalize``) and finds that account. ``unit`` is a school or department and
  its whole subtree, as the feed's ``org``.
- Bodies are kept with the directory's version (``directory_cache``) like the feed's, with
  the feed's ETag, Cache-Control and CORS (``views_feed.public_json``); a page costs at
  most four queries whatever the size of the registry, and none once cached.
- Unknown ``unit`` or ``platform``, and a page past the last, are 404s with a message, as
  the feed's unknown ``org`` is; a malformed parameter is a 400. Links to the next and
  previous pages are relative (the same body serves every host name the portal answers to).
- No interactive documentation page: the document is linked from README.md.
"""

import datetime
import hashlib
import json
from functools import wraps
from typing import Literal
from urllib.parse import urlencode

from django.core.paginator import EmptyPage, Paginator
from django.urls import reverse
from ninja import NinjaAPI, Query, Schema
from ninja.decorators import decorate_view
from ninja.errors import ValidationError
from pydantic import ConfigDict, Field
from pydantic.json_schema import models_json_schema

from mps_social.access import permission_required

from . import directory_cache, filters, selectors
from .models import Platform
from .normalize import normalize
from .views_feed import FEED_MAX_AGE, account_data, cors, etag_of, public_json
from .views_verify import MAX_QUERY

PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
MAX_SEARCH = 200  # as the directory's search field


class Account(Schema):
    """An official account as the public sees it (``views_feed.account_data``). No field
    beyond these: a field the feed adds must be described here first (tests/test_api.py)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="The account's name as the district lists it.")
    description: str = Field(description="What it posts, in one line, for families; empty when not given.")
    platform: str = Field(description="The platform's name.")
    handle: str = Field(description="The handle as the platform shows it, without @.")
    url: str = Field(description="The account's profile address; empty when the platform gives none.")
    org_unit: str = Field(description="The school or department the account speaks for.")
    org_unit_slug: str = Field(description="That unit's address in the directory (/directory/<slug>/).")
    official_since: datetime.date | None = Field(description="The day the account became official.")
    compromised: bool = Field(description="The district has lost control of the account for now: do not trust it.")
    warning: str = Field(description="What families are told while it is compromised; empty otherwise.")


class AccountPage(Schema):
    """One page of the search's results."""

    count: int = Field(description="How many accounts match, on every page.")
    page: int = Field(description="This page's number, from 1.")
    pages: int = Field(description="How many pages there are (at least 1).")
    page_size: int = Field(description="At most this many accounts per page.")
    next: str | None = Field(description="The next page's address (relative), or null on the last page.")
    previous: str | None = Field(description="The previous page's address (relative), or null on the first.")
    accounts: list[Account]


class Error(Schema):
    error: str = Field(description="What was wrong, in plain words.")


class Feed(Schema):
    """The directory's feed: every active official account, or one unit's subtree."""

    accounts: list[Account]


class VerifiedAccount(Account):
    official_until: datetime.date | None = Field(description="A retired account's last day; null otherwise.")
    formerly: str | None = Field(description="The handle asked about, when the account has changed it since; "
                                 "null otherwise.")


class VerifyMatch(Schema):
    status: Literal["official", "retired", "unknown"]
    account: VerifiedAccount | None


class ProtectedNameUse(Schema):
    name: str = Field(description="A name the district protects, found in the handle.")
    owner: str = Field(description="The school or department it belongs to.")


class VerifyAnswer(Schema):
    """The answer to "is this account official?" (R-III-A)."""

    query: str
    status: Literal["official", "retired", "unknown"]
    account: VerifiedAccount | None = Field(description="The best match, or null.")
    matches: list[VerifyMatch] = Field(description="Every platform's match, best first.")
    protected_names: list[ProtectedNameUse] = Field(
        description="For an account the registry does not know: the protected names it uses.")


class VerifyError(Schema):
    query: str
    status: None
    account: None
    error: str


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(description: str, schema: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


def _query(name: str, description: str, required: bool = False) -> dict:
    return {"in": "query", "name": name, "required": required, "description": description,
            "schema": {"type": "string"}}


# The feed and verify (accounts/urls_directory.py), described by the library's means: their
# schemas from pydantic, their operations beside the ones django-ninja generates.
PLAIN_VIEW_SCHEMAS = [Feed, Error, VerifyAnswer, VerifyError]
PLAIN_VIEW_PATHS = {
    "directory_feed": {"get": {
        "operationId": "directory_feed",
        "summary": "The directory's feed",
        "description": "Every active official account, or one school's or department's (with the units inside "
                       "it), for embedding on a website (R-III-F). Not paginated. Cacheable for "
                       f"{FEED_MAX_AGE} seconds, then revalidated with its ETag.",
        "tags": ["directory"],
        "parameters": [_query("org", "A school's or department's address (slug): its subtree only.")],
        "responses": {"200": _json("The accounts.", "Feed"),
                      "304": {"description": "Unchanged since the ETag given in If-None-Match."},
                      "404": _json("No school or department has that address.", "Error")},
    }},
    "verify": {"get": {
        "operationId": "verify",
        "summary": "Is this account official?",
        "description": "Reads a profile address or an @handle and answers whether it is an official account of "
                       "the district, a retired one, or unknown, and which protected names an unknown one uses "
                       "(R-III-A). Without format=json the same answer is a web page.",
        "tags": ["verify"],
        "parameters": [
            _query("q", f"A profile address or an @handle (at most {MAX_QUERY} characters).", required=True),
            {"in": "query", "name": "format", "required": True, "schema": {"type": "string", "enum": ["json"]},
             "description": "json, for this answer as data."},
        ],
        "responses": {"200": _json("The answer.", "VerifyAnswer"),
                      "400": _json("The text could not be read as an account.", "VerifyError")},
    }},
}


class RegistryAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """The document django-ninja generates, with the feed's and verify's operations."""
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        _, definitions = models_json_schema([(model, "serialization") for model in PLAIN_VIEW_SCHEMAS],
                                            ref_template="#/components/schemas/{model}")
        document.setdefault("components", {}).setdefault("schemas", {}).update(definitions.get("$defs", {}))
        for name, operations in PLAIN_VIEW_PATHS.items():
            document["paths"][reverse(name)] = operations
        return document


def public_document(view):
    """The OpenAPI document: public, and readable by any website's script, as the feed."""
    @permission_required("accounts.view_directory")
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return cors(view(request, *args, **kwargs))

    return wrapper


api = RegistryAPI(
    title="MPS Social: the district's official accounts",
    version="1",
    description="Public and read-only: the official social media accounts of the district's schools and "
                "departments (Policy 4038 §III.F). Any website may read it (CORS); nothing needs a sign-in.",
    urls_namespace="api",
    docs_url=None,
    docs_decorator=public_document,
)


@api.exception_handler(ValidationError)
def malformed(request, exc):
    """A parameter of the wrong type or size: a 400 that names it."""
    problems = "; ".join(f"{error['loc'][-1]}: {error['msg']}" for error in exc.errors)
    return cors(api.create_response(request, {"error": f"Check the parameters ({problems})."}, status=400))


def _link(page: int, params: dict) -> str:
    return f"{reverse('api:accounts')}?{urlencode({**params, 'page': page})}"


def _search(q: str, unit: str, platform: str, page: int, page_size: int) -> tuple[int, bytes]:
    """The status and body of one page of the search (R-III-F)."""
    scope = None
    if unit:
        scope = selectors.directory_units().filter(slug=unit).first()
        if scope is None:
            return 404, json.dumps({"error": f"No school or department has the address {unit!r}."}).encode()
    queryset = selectors.directory_accounts(scope)
    counted = not (q or platform)
    if platform:
        chosen = selectors.directory_platforms().filter(slug=platform).first()
        if chosen is None:
            return 404, json.dumps({"error": f"No platform has the address {platform!r}."}).encode()
        queryset = queryset.filter(platform=chosen)
    if q:
        platforms = directory_cache.cached("platforms:all", lambda: list(Platform.objects.all()), FEED_MAX_AGE)
        found = normalize(q, platforms)
        if found is not None and found.platform_slug:  # a profile address: that account, as verify reads it
            queryset = queryset.filter(platform__slug=found.platform_slug, handle_key=found.key)
        else:
            queryset = filters.search(queryset, "q", q)
    paginator = Paginator(queryset, page_size)
    if counted:  # the whole district or a unit's subtree: counted once per change, as the directory's
        paginator.count = directory_cache.cached(f"count:{scope.pk if scope else 'all'}", queryset.count,
                                                 FEED_MAX_AGE)
    try:
        current = paginator.page(page)
    except EmptyPage:
        return 404, json.dumps({"error": f"There is no page {page}: the last is page {paginator.num_pages}."}).encode()
    params = {name: value for name, value in (("q", q), ("unit", unit), ("platform", platform)) if value}
    if page_size != PAGE_SIZE:
        params["page_size"] = page_size
    payload = {
        "count": paginator.count,
        "page": current.number,
        "pages": paginator.num_pages,
        "page_size": page_size,
        "next": _link(current.next_page_number(), params) if current.has_next() else None,
        "previous": _link(current.previous_page_number(), params) if current.has_previous() else None,
        "accounts": [account_data(account) for account in current.object_list],
    }
    return 200, json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


@api.get("/accounts", url_name="accounts", tags=["accounts"], summary="Search the official accounts",
         response={200: AccountPage, 400: Error, 404: Error})
@decorate_view(permission_required("accounts.view_directory"))
def accounts(
    request,
    q: str = Query("", max_length=MAX_SEARCH,
                   description="A name, a handle (with or without @), a unit's name, or a profile address."),
    unit: str = Query("", max_length=50, description="A school's or department's address (slug): its subtree."),
    platform: str = Query("", max_length=50, description="A platform's address (slug), e.g. instagram."),
    page: int = Query(1, ge=1, description="The page, from 1."),
    page_size: int = Query(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Accounts per page."),
):
    """R-III-F: the district's active official accounts, in the directory's order (by unit,
    then name), narrowed by the parameters given, a page at a time. Cacheable like the
    feed and revalidated with its ETag."""
    q = q.strip()
    digest = hashlib.sha256(json.dumps([q, unit, platform, page, page_size]).encode()).hexdigest()[:40]
    status, body = directory_cache.cached(f"api:accounts:{digest}",
                                          lambda: _search(q, unit, platform, page, page_size), FEED_MAX_AGE)
    return public_json(request, body, etag_of(body), status=status)
