"""The directory as data (Policy 4038 §III.F, R-III-F): its JSON feed, and the embed kit
that puts it on a school's or department's website.

Decisions:

- The feed is not paginated: it is what an embedded list shows, and even the whole district
  is a few thousand short rows. Its ETag is a hash of the body itself, so any change a
  visitor would see (a rename, a new link, a retired account) changes it.
- The feed's body is built once per change of the registry and held by each web process
  (``directory_cache``, ``VersionedCache.held``): it is the portal's busiest address, read
  by every school website's embed.
"""

import hashlib
import json
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags
from django.utils.translation import get_language, gettext_lazy as _
from django.views.decorators.http import require_safe

from mps_social.access import permission_required
from mps_social.forms import PortalForm

from . import directory_cache, selectors
from .filters import UnitField
from .models import OfficialAccount
from .page_cache import public_page

FEED_MAX_AGE = 300
EMBED_TARGET_ID = "mps-social-accounts"


def account_data(account: OfficialAccount) -> dict:
    """One account as the feed and "is this account official?" show it (R-III-F, R-III-A):
    with what it posts, and whether it is compromised, with the warning families are given
    (``warning``, empty when there is none)."""
    return {
        "name": account.display_name,
        "description": account.description,
        "platform": account.platform.name,
        "handle": account.handle,
        "url": account.profile_url,
        "org_unit": account.org_unit.name,
        "org_unit_slug": account.org_unit.slug,
        "official_since": account.official_since.isoformat() if account.official_since else None,
        "compromised": account.is_compromised,
        "warning": account.public_warning,
    }


def cors(response):
    """Public data, read by school websites' scripts (R-III-F): any origin, no credentials."""
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = "GET"
    return response


def feed_body(unit=None) -> bytes:
    accounts = selectors.directory_accounts(unit)
    payload = {"accounts": [account_data(account) for account in accounts]}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def _feed(unit=None) -> tuple[bytes, str]:
    """The feed's body and ETag (a hash of the body), held until the registry changes
    (``directory_cache``), in each language (its warnings are words)."""
    def build():
        body = feed_body(unit)
        return body, etag_of(body)

    return directory_cache.held(f"feed:{get_language()}:{unit.pk if unit else 'all'}", build, FEED_MAX_AGE)


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
            return cors(JsonResponse({"error": f"No school or department has the address {slug!r}."}, status=404))
    body, etag = _feed(unit)
    return public_json(request, body, etag)


def public_json(request, body: bytes, etag: str, status: int = 200):
    """A public JSON body with its ETag (a hash of the body), as the feed and the search
    API answer: cacheable for ``FEED_MAX_AGE`` seconds, then revalidated; a body the
    client already holds costs a 304 with no body; any origin may read it."""
    offered = {tag.removeprefix("W/") for tag in parse_etags(request.headers.get("If-None-Match", ""))}
    if status == 200 and ("*" in offered or etag in offered):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, status=status, content_type="application/json; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={FEED_MAX_AGE}"
    patch_vary_headers(response, ["Accept-Language"])
    return cors(response)


def etag_of(body: bytes) -> str:
    return '"%s"' % hashlib.sha256(body).hexdigest()[:40]


class EmbedForm(PortalForm):
    org = UnitField(label=_("School or department"), empty_label=_("Choose one"),
                    help_text=_("Its list includes the units inside it."),
                    error_messages={"required": _("Choose the school or department whose accounts to show.")})


@permission_required("accounts.view_directory")
@require_safe
@public_page
def directory_embed(request):
    """R-III-F: copy-paste snippets for school webmasters.

    The JavaScript snippet loads ``static/js/embed.js`` from the portal, which fetches the
    feed and renders a plain list: no inline script, here or on the school's site. The
    HTML snippet is the same list rendered now, for sites that allow no scripts. Both are
    templates, rendered here because the page shows them as text to copy.
    """
    form = EmbedForm(request.GET or None)
    context = {"form": form, "target_id": EMBED_TARGET_ID}
    if form.is_valid():
        unit = form.cleaned_data["org"]
        # The unhashed static name: a pasted snippet must keep working after we deploy.
        script_url = request.build_absolute_uri(settings.STATIC_URL + "js/embed.js")
        feed_url = request.build_absolute_uri(reverse("directory_feed"))
        unit_page_url = request.build_absolute_uri(reverse("directory_unit", args=[unit.slug]))
        context.update(
            unit=unit,
            unit_feed_url=f"{feed_url}?{urlencode({'org': unit.slug})}",
            script_snippet=render_to_string("accounts/embed_script_snippet.html", {
                "target_id": EMBED_TARGET_ID, "script_url": script_url, "feed_url": feed_url, "unit": unit,
            }).strip(),
            html_snippet=render_to_string("accounts/embed_list_snippet.html", {
                "target_id": EMBED_TARGET_ID, "accounts": selectors.directory_accounts(unit), "unit": unit,
                "unit_page_url": unit_page_url,
            }).strip(),
        )
    return render(request, "accounts/directory_embed.html", context)
