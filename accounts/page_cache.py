"""The public pages' whole responses, for anonymous visitors (issue [public], "a surge
holds"): the home page, the directory and each unit's page, "is this account official?"
with its question, and the embed kit.

A story about a fake school account can send a whole city to /verify/ at once. Each
answer is kept whole, keyed by the registry's version (``directory_cache``: saving or
deleting an account, a platform, an org unit or a protected name replaces it), the active
language, and the address asked for (scheme, host, path and the full query string), so a
hit costs two reads of the cache and no query, and no change to the registry is ever
answered from before it.

Never kept, never served from here: a signed-in visitor's page (their own menu), a visit
with messages waiting, and any response that sets a cookie, carries a CSRF token (a form
that posts), changed the session, or is not a 200. Responses say they vary with the
language and the cookies, for any cache between the portal and the visitor.
"""

import hashlib
from functools import wraps

from django.contrib import messages
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from mps_social.versioned_cache import VersionedCache

from .directory_cache import directory

PAGE_MAX_AGE = 300  # seconds: the longest a page outlives a change the signals missed, as the feed
VARY = ("Accept-Language", "Cookie")

pages = VersionedCache("public-pages", follows=directory, held=128)


def _anonymous_and_quiet(request) -> bool:
    """A request whose page is the same for every visitor: not signed in, no messages."""
    if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
        return False
    return len(messages.get_messages(request)) == 0


def _keepable(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not getattr(getattr(request, "session", None), "modified", False)
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


def _part(request) -> str:
    where = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return "page:" + hashlib.sha256(f"{get_language()}|{where}".encode()).hexdigest()


def public_page(view):
    """Serve an anonymous visitor's page whole from the cache, and keep what may be kept
    (the module's docstring says what is never kept)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _anonymous_and_quiet(request):
            response = view(request, *args, **kwargs)
            patch_vary_headers(response, VARY)
            return response
        part, version = _part(request), pages.version()
        kept = pages.peek(part, version, PAGE_MAX_AGE)
        if kept is not None:
            content, headers = kept
            response = HttpResponse(content)
            for name, value in headers:
                response[name] = value
            return response
        response = view(request, *args, **kwargs)
        patch_vary_headers(response, VARY)
        if _keepable(request, response):
            pages.keep(part, version, (response.content, tuple(response.items())), PAGE_MAX_AGE)
        return response

    return wrapper
