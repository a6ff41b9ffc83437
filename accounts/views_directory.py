"""The registry's public pages: the directory, its JSON feed and embed kit, and "is this
account official?".

Policy 4038 §III.F (R-III-F): approved accounts can be linked from the district's, schools'
and departments' websites, so the directory is public, per org unit, and has a
machine-readable feed with a copy-paste embed. Policy 4038 §III.A (R-III-A): anyone can
check whether an account is official by pasting its address or @handle.

Every list runs a fixed number of queries whatever the size of the registry: the accounts
come in one query (``selectors.directory_accounts`` joins platform and unit) and are grouped
by org unit in Python.

Decisions:

- The directory paginates by accounts (``PER_PAGE``), grouped by unit within the page; a
  unit cut by a page break shows its heading again on the next page, marked "continued".
- The feed is not paginated: it is what an embedded list shows, and even the whole district
  is a few thousand short rows. Its ETag is a hash of the body itself, so any change a
  visitor would see (a rename, a new link, a retired account) changes it.
- Verify answers "official" only for an *active* account. Pending setup and suspended
  accounts do not speak for the district: the JSON says "unknown" with no account details,
  exactly like an account the registry has never heard of, and the page says "not currently
  an official account". A retired account is named with its unit and last day, so a visitor
  knows it no longer speaks for the district.
"""

import hashlib
import json
import unicodedata
from dataclasses import dataclass
from html import escape
from itertools import groupby
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator
from django.utils.http import parse_etags
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from mps_social.access import permission_required
from mps_social.dates import days
from mps_social.forms import PortalForm
from mps_social.widgets import LongSelect
from people.models import OrgUnit

from . import directory_cache, selectors
from .models import OfficialAccount, Platform, ProtectedName
from .normalize import normalize

Status = OfficialAccount.Status

PER_PAGE = 100
FEED_MAX_AGE = 300
MAX_QUERY = 1000  # longer than any profile address, even one with tracking queries
REPORT_PATH = "/report/"  # the impersonation report page (Policy 4038 §III.A)
EMBED_TARGET_ID = "mps-social-accounts"


# --- shared helpers ------------------------------------------------------------------------


def profile_url(account: OfficialAccount) -> str:
    """The account's address: as registered, else built from the platform's template."""
    if account.url:
        return account.url
    template = account.platform.profile_url_template or ""
    return template.replace("{handle}", account.handle) if "{handle}" in template else ""


def account_data(account: OfficialAccount) -> dict:
    """One account as the feed and verify's JSON show it (R-III-F)."""
    return {
        "name": account.display_name,
        "platform": account.platform.name,
        "handle": account.handle,
        "url": profile_url(account),
        "org_unit": account.org_unit.name,
        "org_unit_slug": account.org_unit.slug,
        "official_since": account.official_since.isoformat() if account.official_since else None,
    }


def _unit_or_404(slug: str) -> OrgUnit:
    return get_object_or_404(selectors.directory_units(), slug=slug)


class DirectoryChoiceField(forms.ChoiceField):
    """A row the directory is filtered by (a school or department, a platform), chosen by
    its address (slug); cleaned to the row itself.

    The choices are the rows' (slug, name) pairs, and their rendered ``<option>``s, kept
    with the directory (``directory_cache``) until it changes. At the largest district's
    two thousand units, building a model for each on every view of the directory cost
    more than its accounts' query; writing their options cost 1.4 ms a view, and the
    platforms' select (a query, then Django's templates) 0.8 ms: from the cache, 0.14
    and 0.05 ms (issue [performance]). Only the chosen row is fetched."""

    class Choices(BaseChoiceIterator):
        """The choices, read from the cache when iterated. Django passes a choice iterator
        through as it is, where it would check every pair of a list (or of a callable's
        list) each time a form is made or rendered."""

        def __init__(self, name: str, rows, empty_label: str):
            self.name, self.rows, self.empty_label = name, rows, empty_label

        def pairs(self) -> list[tuple[str, str]]:
            return directory_cache.cached(self.name, lambda: list(self.rows().values_list("slug", "name")),
                                          FEED_MAX_AGE)

        def __iter__(self):
            yield "", self.empty_label
            yield from self.pairs()

    class Select(LongSelect):
        """The rows' options written once per version of the directory; only the empty
        choice (its label is the form's) and the chosen option's mark are per request."""

        def options_html(self) -> str:
            choices = self.choices
            return self.option_tags([("", choices.empty_label)]) + directory_cache.cached(
                f"{choices.name}:options", lambda: self.option_tags(choices.pairs()), FEED_MAX_AGE)

    widget = Select

    def __init__(self, *, name: str, rows, empty_label: str, **kwargs):
        """``rows``: a function (a form copies its fields, and a function is not copied)
        returning the rows' queryset in the list's order. ``name``: what their cache
        entries are called."""
        self.rows = rows
        super().__init__(choices=self.Choices(name, rows, empty_label), **kwargs)

    def clean(self, value):
        slug = super().clean(value)
        if not slug:
            return None
        row = self.rows().filter(slug=slug).first()
        if row is None:  # removed since the choices were cached
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                        params={"value": slug})
        return row


def _units_by_name():
    return selectors.directory_units().order_by("name")


class UnitField(DirectoryChoiceField):
    """A school or department, listed by name."""

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {}).setdefault(
            "invalid_choice", "Choose a school or department from the list.")
        super().__init__(name="units", rows=_units_by_name, **kwargs)


class DirectoryFilterForm(PortalForm):
    q = forms.CharField(label="Search", required=False, max_length=200,
                        help_text="A name, a handle or a school.")
    school = UnitField(label="School or department", required=False, empty_label="All schools and departments")
    platform = DirectoryChoiceField(name="platforms", rows=selectors.directory_platforms, label="Platform",
                                    required=False, empty_label="All platforms",
                                    error_messages={"invalid_choice": "Choose a platform from the list."})

    def __init__(self, *args, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        if unit is not None:
            del self.fields["school"]  # a unit's page is already one school's subtree


@dataclass
class Group:
    unit: OrgUnit
    rows: str  # its accounts' rows of the results table (``_table_rows``)
    continued: bool = False


def _groups(accounts, first_unit_id_before=None) -> list[Group]:
    """Accounts (ordered by unit path) grouped by unit, in one pass: no further queries."""
    groups = []
    day = days()
    for unit_id, members in groupby(accounts, key=lambda account: account.org_unit_id):
        members = list(members)
        groups.append(Group(members[0].org_unit, _table_rows(members, day)))
    if groups and first_unit_id_before is not None and groups[0].unit.pk == first_unit_id_before:
        groups[0].continued = True
    return groups


def _table_rows(accounts, day) -> str:
    """The results table's rows for ``accounts`` (``_directory_results.html`` holds the
    table around them), every value escaped as the template's autoescape does
    (``html.escape``, as ``LongSelect`` and the trail's rows).

    Written by the template, a row's ten values and two ``date`` filters cost 57 µs: at
    100 rows, 5.7 ms of the page's 13.4 ms, 4.4x its floor (issue [performance]); written
    here, 3 µs (``format_html``, escaping each value again through Django's lazy wrappers,
    took 15 µs). "Official since" reads as Django's ``M j, Y`` ("Jan 15, 2023"), by ``day``
    (``mps_social.dates.days``, the language read once a page)."""
    rows = []
    for account in accounts:
        name, platform, handle = escape(account.display_name), escape(account.platform.name), escape(account.handle)
        if url := profile_url(account):
            profile = (f'<a href="{escape(url)}" rel="noopener">@{handle}'
                       f'<span class="visually-hidden">: {name} on {platform}</span></a>')
        else:
            profile = f"@{handle}"
        if since := account.official_since:
            since = f'<time datetime="{since.isoformat()}">{day(since)}</time>'
        else:
            since = '<span class="muted">Not recorded</span>'
        rows.append(f'<tr><th scope="row">{name}</th><td>{platform}</td><td>{profile}</td><td>{since}</td></tr>')
    return mark_safe("\n".join(rows))


def _count(scope, queryset) -> int:
    """How many accounts the directory lists in ``scope`` (a unit's subtree, or the whole
    district), kept with the directory (``directory_cache``) until the registry changes.
    Counted on every view, the whole district's active accounts cost 3.5 ms of the
    directory's 14 at the largest district on PostgreSQL, against 1 ms at a city's: the
    page grew 1.65x while its rows did not (issue [performance])."""
    return directory_cache.cached(f"count:{scope.pk if scope else 'all'}", queryset.count, FEED_MAX_AGE)


def _directory(request, unit=None):
    """Policy 4038 §III.F (R-III-F): active accounts, grouped by unit, searchable, paged."""
    form = DirectoryFilterForm(request.GET or None, unit=unit)
    form.is_valid()  # a bad filter is shown beside its field; the valid ones still apply
    data = getattr(form, "cleaned_data", {})
    scope = unit or data.get("school")
    queryset = selectors.directory_accounts(scope)
    filtered = False
    if term := (data.get("q") or "").strip():
        filtered = True
        bare = term.lstrip("@")
        queryset = queryset.filter(
            Q(display_name__icontains=term) | Q(handle__icontains=bare) | Q(handle_key__icontains=bare.lower())
            | Q(org_unit__name__icontains=term)
        )
    if data.get("platform"):
        filtered = True
        queryset = queryset.filter(platform=data["platform"])
    paginator = Paginator(queryset, PER_PAGE)
    if not filtered:  # the whole directory, a unit's page or one school: counted once per change
        paginator.count = _count(scope, queryset)
    filtered = filtered or bool(data.get("school"))
    page = paginator.get_page(request.GET.get("page"))
    accounts = list(page.object_list)
    before = None
    if page.has_previous() and accounts:
        # Whether the page break cut a unit: one extra row, a fixed cost.
        previous = queryset[page.start_index() - 2: page.start_index() - 1]
        before = next((account.org_unit_id for account in previous), None)
    context = {
        "form": form,
        "unit": unit,
        "page": page,
        "groups": _groups(accounts, before),
        "filtered": filtered,
        # The empty state lists where to look instead (only then: no query otherwise).
        "units": selectors.directory_units() if unit is None and not accounts and not filtered else [],
    }
    template = "accounts/directory_unit.html" if unit is not None else "accounts/directory.html"
    return render(request, template, context)


# --- the directory ------------------------------------------------------------------------


@permission_required("accounts.view_directory")
@require_safe
def directory(request):
    """R-III-F: the public directory of active official accounts."""
    return _directory(request)


@permission_required("accounts.view_directory")
@require_safe
def directory_unit(request, slug):
    """R-III-F: one unit's page, with the accounts of its whole subtree; 404 for an unknown slug."""
    return _directory(request, _unit_or_404(slug))


# --- the feed -----------------------------------------------------------------------------


def _cors(response):
    # Public data, read by school websites' scripts (R-III-F): any origin, no credentials.
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = "GET"
    return response


def feed_body(unit=None) -> bytes:
    accounts = selectors.directory_accounts(unit)
    payload = {"accounts": [account_data(account) for account in accounts]}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def _feed(unit=None) -> tuple[bytes, str]:
    """The feed's body and ETag (a hash of the body), held until the registry changes
    (``directory_cache``)."""
    def build():
        body = feed_body(unit)
        return body, '"%s"' % hashlib.sha256(body).hexdigest()[:40]

    return directory_cache.held(f"feed:{unit.pk if unit else 'all'}", build, FEED_MAX_AGE)


@permission_required("accounts.view_directory")
@require_safe
def directory_feed(request):
    """R-III-F: the directory as JSON, for embedding; ``?org=<slug>`` narrows it to a subtree.

    Cached by browsers and proxies for ``FEED_MAX_AGE`` seconds, then revalidated with the
    ETag (a hash of the body): an unchanged feed costs a 304 with no body. The portal keeps
    the body in its cache until the registry changes (``directory_cache``).
    """
    unit = None
    if slug := request.GET.get("org"):
        unit = selectors.directory_units().filter(slug=slug).first()
        if unit is None:
            response = JsonResponse({"error": f"No school or department has the address {slug!r}."}, status=404)
            return _cors(response)
    offered = {tag.removeprefix("W/") for tag in parse_etags(request.headers.get("If-None-Match", ""))}
    body, etag = _feed(unit)
    if "*" in offered or etag in offered:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={FEED_MAX_AGE}"
    return _cors(response)


# --- the embed kit ------------------------------------------------------------------------


class EmbedForm(PortalForm):
    org = UnitField(label="School or department", empty_label="Choose one",
                    help_text="Its list includes the units inside it.",
                    error_messages={"required": "Choose the school or department whose accounts to show."})


@permission_required("accounts.view_directory")
@require_safe
def directory_embed(request):
    """R-III-F: copy-paste snippets for school webmasters.

    The JavaScript snippet loads ``static/js/embed.js`` from the portal, which fetches the
    feed and renders a plain list: no inline script, here or on the school's site. The
    HTML snippet is the same list rendered now, for sites that allow no scripts.
    """
    form = EmbedForm(request.GET or None)
    context = {"form": form, "target_id": EMBED_TARGET_ID}
    if form.is_valid():
        unit = form.cleaned_data["org"]
        # The unhashed static name: a pasted snippet must keep working after we deploy.
        script_url = request.build_absolute_uri(settings.STATIC_URL + "js/embed.js")
        feed_url = request.build_absolute_uri(reverse("directory_feed"))
        accounts = list(selectors.directory_accounts(unit))
        for account in accounts:
            account.profile_url = profile_url(account)
        context.update(
            unit=unit,
            script_url=script_url,
            feed_url=feed_url,
            unit_feed_url=f"{feed_url}?{urlencode({'org': unit.slug})}",
            unit_page_url=request.build_absolute_uri(reverse("directory_unit", args=[unit.slug])),
            script_snippet=render_to_string("accounts/embed_script_snippet.html", {
                "target_id": EMBED_TARGET_ID, "script_url": script_url, "feed_url": feed_url, "unit": unit,
            }).strip(),
            html_snippet=render_to_string("accounts/embed_list_snippet.html", {
                "target_id": EMBED_TARGET_ID, "accounts": accounts, "unit": unit,
                "unit_page_url": request.build_absolute_uri(reverse("directory_unit", args=[unit.slug])),
            }).strip(),
        )
    return render(request, "accounts/directory_embed.html", context)


# --- is this account official? --------------------------------------------------------------


class VerifyForm(PortalForm):
    q = forms.CharField(
        label="Profile address or @handle", required=False, strip=False,
        help_text="Paste the address from your browser (https://www.instagram.com/…) or type the handle (@name).",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}),
    )

    def clean_q(self):
        text = (self.cleaned_data.get("q") or "").strip()
        if not text:
            raise forms.ValidationError("Enter a profile address or an @handle to check.")
        if len(text) > MAX_QUERY:
            raise forms.ValidationError(
                f"That is {len(text):,} characters, too long for a profile address. "
                f"Paste only the address (at most {MAX_QUERY:,} characters)."
            )
        found = normalize(text, self.platforms)
        if found is None:
            raise forms.ValidationError(
                "We could not read that as an account. Paste the profile's address, for example "
                "https://www.instagram.com/name/, or type its handle, for example @name. "
                "A link to a single post or video does not name its account."
            )
        self.normalized = found
        return text

    def __init__(self, *args, platforms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.platforms = platforms
        self.normalized = None


@dataclass
class Match:
    status: str  # "official", "retired" or "not_current" (pending setup or suspended)
    account: OfficialAccount

    @property
    def public_status(self) -> str:
        return "unknown" if self.status == "not_current" else self.status

    @property
    def retired_on(self):
        changed = self.account.status_changed_at
        return timezone.localdate(changed) if changed else None

    def as_json(self):
        if self.status == "not_current":
            return None
        data = account_data(self.account)
        data["official_until"] = self.retired_on.isoformat() if self.status == "retired" and self.retired_on else None
        return data


RANK = {"official": 0, "retired": 1, "not_current": 2}


def _status_of(account) -> str:
    if account.status == Status.ACTIVE:
        return "official"
    if account.status == Status.RETIRED:
        return "retired"
    return "not_current"


def find_matches(found, platforms) -> list[Match]:
    """R-III-A: the registry's accounts for a normalised address, best first.

    One platform: its live account with that key, else its newest retired one. A bare
    @handle: the same for every platform, each platform reading the handle by its own
    rules (Facebook ignores periods, LinkedIn pages are "company:…"), plus the plain key.
    """
    if found.platform_slug:
        candidates = OfficialAccount.objects.filter(platform__slug=found.platform_slug, handle_key=found.key)
        wanted = None
    else:
        # Every key the handle may have, in one indexed IN on handle_key (an OR of
        # (platform, key) pairs made SQLite scan the registry); which platform each key
        # belongs to is checked below, on the few rows that come back.
        wanted = {(None, found.key)}
        for platform in platforms:
            own = normalize(found.handle, platform=platform)
            if own is not None:
                wanted.add((platform.pk, own.key))
        candidates = OfficialAccount.objects.filter(handle_key__in={key for _, key in wanted})
    candidates = candidates.select_related("platform", "org_unit").order_by("-established_at", "-pk")
    best = {}
    for account in candidates:  # newest first; a live account beats a retired one
        if wanted is not None and not ({(None, account.handle_key), (account.platform_id, account.handle_key)}
                                       & wanted):
            continue
        current = best.get(account.platform_id)
        if current is None or (current.status == Status.RETIRED and account.status != Status.RETIRED):
            best[account.platform_id] = account
    for account in best.values():
        account.profile_url = profile_url(account)
    matches = [Match(_status_of(account), account) for account in best.values()]
    return sorted(matches, key=lambda match: (RANK[match.status], match.account.platform.name))


def fold(text: str) -> str:
    """Lower case, letters and digits only: "Roosevelt Teddies" and "roosevelt_teddies" fold alike."""
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text.casefold() if ch.isalnum() and not unicodedata.combining(ch))


def protected_names_in(handle: str) -> list[ProtectedName]:
    """Policy 4038 §III.A: the protected names a handle uses, longest first, one per name."""
    folded = fold(handle)
    hits, seen = [], set()
    names = ProtectedName.objects.select_related("owner").order_by("name", "pk")
    for name in names:
        key = fold(name.name)
        if key and key in folded and key not in seen:
            seen.add(key)
            hits.append(name)
    return sorted(hits, key=lambda name: -len(fold(name.name)))


def _verify_json(query, matches, protected, error=None):
    if error:
        return _cors(JsonResponse({"query": query, "status": None, "account": None, "error": error}, status=400))
    shown = [match for match in matches if match.status != "not_current"]
    status = shown[0].public_status if shown else "unknown"
    payload = {
        "query": query,
        "status": status,
        "account": shown[0].as_json() if shown else None,
        "matches": [{"status": match.public_status, "account": match.as_json()} for match in shown],
        "protected_names": [{"name": name.name, "owner": name.owner.name} for name in protected],
    }
    return _cors(JsonResponse(payload))


@permission_required("accounts.view_directory")
@require_safe
def verify(request):
    """R-III-A: is this account official? Paste a profile address or type an @handle.

    Bad input (empty, unreadable, far too long) is a message beside the field, never an
    error page; ``&format=json`` gives the same answer as data.
    """
    wants_json = request.GET.get("format") == "json"
    submitted = "q" in request.GET
    # Every platform reads the handle by its own rules: from the directory's cache, as its filters' are.
    platforms = directory_cache.cached("platforms:all", lambda: list(Platform.objects.all()), FEED_MAX_AGE)
    form = VerifyForm(request.GET if submitted else None, platforms=platforms)
    matches, protected, answered = [], [], False
    if submitted and form.is_valid():
        answered = True
        matches = find_matches(form.normalized, platforms)
        if not any(match.status in ("official", "retired") for match in matches):
            protected = protected_names_in(form.normalized.handle)
    query = request.GET.get("q", "")
    if wants_json:
        error = None if answered else (form.errors.get("q") or ["Enter a profile address or an @handle to check."])[0]
        return _verify_json(query[:MAX_QUERY], matches, protected, error)
    context = {
        "form": form,
        "answered": answered,
        "matches": matches,
        "normalized": form.normalized,
        "platform_name": next(
            (platform.name for platform in platforms
             if form.normalized is not None and platform.slug == form.normalized.platform_slug), ""),
        "protected": protected,
        "report_url": f"{REPORT_PATH}?{urlencode({'link': query.strip()})}" if answered else "",
        "json_url": f"{reverse('verify')}?{urlencode({'q': query.strip(), 'format': 'json'})}" if answered else "",
    }
    return render(request, "accounts/verify.html", context)
