"""A lockout on the Django admin's sign-in page, which allauth's rate limits do not cover.

After ``ADMIN_LOGIN_FAILURES`` failed attempts for one email, or from one address, within
``ADMIN_LOGIN_WINDOW`` seconds, the page refuses further attempts (HTTP 429) until the
window passes; a success clears the email's count. The counts live in the shared cache
(file cache or Redis), so every web process sees them. Each lockout is logged.
"""

import hashlib
import logging
import time

from django.conf import settings
from django.contrib import admin
from django.core.cache import cache
from django.shortcuts import render

from .request_context import client_ip

log = logging.getLogger(__name__)


def _keys(request) -> list[str]:
    """The address's key and the typed email's. The email goes in as a hash: whatever was
    typed (spaces, control characters, a password in the wrong box) never reaches a cache
    key or the log line below."""
    email = (request.POST.get("username") or "").strip().lower()
    keys = [f"admin-login:ip:{client_ip(request) or 'unknown'}"]
    if email:
        keys.append(f"admin-login:email:{hashlib.sha256(email.encode()).hexdigest()[:32]}")
    return keys


def _recent(key: str, now: float) -> list[float]:
    return [stamp for stamp in cache.get(key, []) if now - stamp < settings.ADMIN_LOGIN_WINDOW]


def login(request, extra_context=None):
    """The admin's own login view, behind the lockout."""
    if request.method != "POST":
        return admin.site.login(request, extra_context)
    now, keys = time.time(), _keys(request)
    if any(len(_recent(key, now)) >= settings.ADMIN_LOGIN_FAILURES for key in keys):
        log.warning("Admin sign-in locked for %s.", ", ".join(key.split(":", 2)[1] for key in keys))
        return render(request, "admin_locked.html", {"minutes": settings.ADMIN_LOGIN_WINDOW // 60}, status=429)
    response = admin.site.login(request, extra_context)
    if request.user.is_authenticated:
        cache.delete_many(keys[1:])
    else:
        for key in keys:
            cache.set(key, [*_recent(key, now), now], settings.ADMIN_LOGIN_WINDOW)
    return response
