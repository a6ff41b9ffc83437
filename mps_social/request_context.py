"""Who is asking, from where, under which request id: kept for the audit trail.

Services write audit events without being handed the request; they read the current
request's id and client address from here. Outside a request (a Celery task, a
management command) both are empty.
"""

import re
import uuid
from contextvars import ContextVar
from dataclasses import dataclass

from allauth.account.adapter import get_adapter
from django.core.exceptions import PermissionDenied


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip: str | None = None


_current = ContextVar("mps_social_request_context", default=RequestContext())
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def current() -> RequestContext:
    return _current.get()


def client_ip(request) -> str | None:
    """The client's address, or None when none can be read: allauth's own rule (its
    adapter's ``get_client_ip``), so the audit trail, the portal's limits and allauth's
    sign-in limits always name the same client. Behind ``ALLAUTH_TRUSTED_PROXY_COUNT``
    proxies (settings: TRUSTED_PROXY_COUNT) it is that many entries from the right of
    X-Forwarded-For, never the left-most one a client can write; with none, REMOTE_ADDR."""
    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:  # what allauth raises for an address it cannot read
        return None


class RequestContextMiddleware:
    """Gives each request an id (a proxy's ``X-Request-ID`` when well-formed) and echoes it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = _current.set(RequestContext(request_id=request_id, ip=client_ip(request)))
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response["X-Request-ID"] = request_id
        return response
