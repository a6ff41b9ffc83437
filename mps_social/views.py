"""Portal-wide pages: the home page, the language switch and the health check."""

import logging

from django.conf import settings
from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.page_cache import public_page
from accounts.views_verify import VerifyForm
from credentials import canary
from credentials.keyring import keyring, ring_source
from people import roles
from people.models import User

from . import home as worklist
from .celery import app as celery_app
from .permissions import has_perm

log = logging.getLogger(__name__)


@public_page
def home(request):
    """The public landing page (``home.html``, in the visitor's language); for signed-in
    staff, their home (``home_staff.html``, in English like every staff page): first what
    needs their attention, most urgent first, each with why, by when and the page where it
    is done (``mps_social.home``), then what they keep: their accounts, applications and
    delegations."""
    if request.user.is_authenticated:
        user = request.user
        today = timezone.localdate()
        return render(request, "home_staff.html", dict(
            # Their unit and supervisor with them, in one query rather than one each.
            person=User.objects.select_related("org_unit", "supervisor")
            .only("job_title", "kind", "org_unit__name", "supervisor__full_name", "supervisor__email").get(pk=user.pk),
            is_superintendent=roles.is_superintendent(user),
            grants=roles.delegations(user),
            imports_roster=not roles.is_superintendent(user) and has_perm(user, "roster.import"),
            attention=worklist.needs_attention(user, today),
            kept=worklist.kept(user),
            kept_limit=worklist.KEPT,
        ))
    # R-III-A: the public home leads with "Is this account official?" (a GET to /verify/).
    return render(request, "home.html", {"verify_form": VerifyForm(auto_id="home-%s")})


@never_cache
@require_GET
def language(request):
    """The language switch of the public pages (templates/includes/languages.html): keeps
    ``?lang=`` in Django's language cookie and goes back to ``?next=``, an address on this
    site (anything else goes to the home page). A plain link, not a form: the public pages
    carry no per-visitor token, so they can be served to everyone from one cache. An
    unknown language changes nothing."""
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    code = request.GET.get("lang", "")
    if code in dict(settings.LANGUAGES) and check_for_language(code):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, code, max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        log.exception("Health check: database unreachable.")
        return False


def _broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
        return True
    except Exception:
        log.exception("Health check: broker unreachable.")
        return False


def _escrow_ok() -> bool:
    """Whether the key ring in force opens the key ring canary (R-III-E): a wrong ring
    leaves every escrowed credential and two-factor secret unreadable. The reason, which
    names key ids only, goes to the log; the answer says only yes or no."""
    try:
        reason = canary.why_not(keyring(), canary.stored(), ring_source())
    except Exception:
        log.exception("Health check: the key ring canary cannot be read.")
        return False
    if reason:
        log.error("Health check: %s", reason)
    return reason is None


@never_cache
@require_GET
def healthz(request):
    """JSON status of the database, the broker and the escrow's key ring: 200 when all three
    answer, 503 when not."""
    checks = {"database": _database_ok(), "broker": _broker_ok(), "escrow": _escrow_ok()}
    healthy = all(checks.values())
    body = {
        "status": "ok" if healthy else "unavailable",
        "database": {"ok": checks["database"], "vendor": connection.vendor},
        "broker": {"ok": checks["broker"], "transport": celery_app.conf.broker_url.split(":", 1)[0]},
        "escrow": {"ok": checks["escrow"]},
    }
    return JsonResponse(body, status=200 if healthy else 503)
