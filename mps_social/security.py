"""Security middleware: the Content-Security-Policy, staff session timeouts, and a second
factor for everyone who can reach other people's credentials or the admin.

Order in ``MIDDLEWARE``: after authentication (they read ``request.user``), before
allauth's own middleware.
"""

import time

from allauth.account.authentication import get_authentication_records
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from accounts.models import Designation
from people import roles
from people.selectors import reports_of

# No inline script or style anywhere: the portal's pages are built to pass this policy
# (tests/a11y.py checks every page for inline script, style attributes and handlers).
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        return response


STARTED, SEEN = "portal_session_started", "portal_session_seen"
SEEN_RESOLUTION = 60  # seconds: the session is written at most once a minute for this


@receiver(user_logged_in)
def _session_started(sender, request, user, **kwargs):
    """A signed-in session starts its clocks at sign-in."""
    if request is not None and hasattr(request, "session"):
        request.session[STARTED] = request.session[SEEN] = time.time()


class SessionTimeoutMiddleware:
    """Staff sessions end after ``SESSION_IDLE_TIMEOUT`` seconds without a request and
    ``SESSION_ABSOLUTE_TIMEOUT`` seconds after sign-in, whatever the activity; the person
    signs in again and comes back to the page they asked for."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            session = request.session
            started = session.setdefault(STARTED, now)
            seen = session.get(SEEN, now)
            if now - seen > settings.SESSION_IDLE_TIMEOUT or now - started > settings.SESSION_ABSOLUTE_TIMEOUT:
                logout(request)
                messages.info(request, "Your session ended after a while without activity, or after twelve hours. "
                                       "Please sign in again.")
                return redirect(f"{reverse('account_login')}?next={request.get_full_path()}")
            if now - seen >= SEEN_RESOLUTION or SEEN not in session:
                session[SEEN] = now
        return self.get_response(request)


# Pages a person who must enrol a second factor may still reach.
MFA_OPEN_PREFIXES = ("/accounts/", "/static/", "/healthz")


def needs_second_factor(user) -> bool:
    """Policy 4038 §III.E and the hardening issue: the superintendent, designees,
    supervisors of a site manager (they can reveal credentials) and admin staff."""
    if user.is_staff or roles.is_superintendent(user) or roles.is_designee(user):
        return True
    return Designation.objects.filter(role=Designation.Role.SITE_MANAGER, ended_at__isnull=True,
                                      person__in=reports_of(user)).exists()


def second_factor_used(request) -> bool:
    """Whether this session used its second factor: signed in with the code, or confirmed
    it since (allauth's reauthentication with the code). Read from allauth's record of how
    the session authenticated, not from whether the person has an authenticator: a session
    opened with a password alone has not shown it (R-III-E)."""
    return any(entry.get("method") == "mfa" for entry in get_authentication_records(request, request.user))


def ask_for_the_code(request, why: str):
    """Send the person to enter their code (allauth's reauthentication with the second
    factor), then back to the page they asked for."""
    messages.info(request, why)
    return redirect(f"{reverse('mfa_reauthenticate')}?{urlencode({'next': request.get_full_path()})}")


class PrivilegedSecondFactorMiddleware:
    """Send a privileged person without an enrolled second factor to enrol one before
    anything else, and one whose session has not used it to enter their code.
    ``MFA_REQUIRED_FOR_PRIVILEGED`` is on unless the demo turns it off (production refuses
    to start without it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (settings.MFA_REQUIRED_FOR_PRIVILEGED and user is not None and user.is_authenticated
                and not request.path.startswith(MFA_OPEN_PREFIXES)):
            if not second_factor_used(request) and needs_second_factor(user):
                if is_mfa_enabled(user):
                    return ask_for_the_code(request, "Your role gives access to other people's credentials or to "
                                                     "the administration: enter the code from your authenticator "
                                                     "app to continue.")
                messages.warning(request, "Your role gives access to other people's credentials or to the "
                                          "administration: turn on two-factor sign-in to continue.")
                return redirect("mfa_activate_totp")
        return self.get_response(request)
