"""Portal-wide pages: the home page and the health check."""

import logging

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from credentials import canary
from credentials.keyring import keyring, ring_source
from people import roles
from people.models import User

from . import home as worklist
from .celery import app as celery_app
from .permissions import has_perm

log = logging.getLogger(__name__)


def home(request):
    """The public landing page; for signed-in staff, first what needs their attention, most
    urgent first, each with why, by when and the page where it is done (``mps_social.home``),
    then what they keep: their accounts, applications and delegations."""
    context = {}
    if request.user.is_authenticated:
        user = request.user
        today = timezone.localdate()
        context.update(
            # Their unit and supervisor with them, in one query rather than one each.
            person=User.objects.select_related("org_unit", "supervisor").get(pk=user.pk),
            is_superintendent=roles.is_superintendent(user),
            grants=roles.delegations(user),
            imports_roster=not roles.is_superintendent(user) and has_perm(user, "roster.import"),
            attention=worklist.needs_attention(user, today),
            kept=worklist.kept(user),
            kept_limit=worklist.KEPT,
        )
    return render(request, "home.html", context)


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
