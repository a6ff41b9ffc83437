"""The page a request gets when something fails on the server (``handler500``).

When the database cannot be reached (a connection refused, a file that cannot be opened,
a connection lost mid-request), the fault is the portal's and passes: the answer is a 503
with ``Retry-After`` and a plain message in the portal's layout, so browsers, proxies and
monitors know to come back. When a sealed value does not open (``CannotDecrypt``: the key
ring in force is not the one that sealed it, which ``manage.py check`` and ``/healthz``
report too), the answer is a 503 saying the portal cannot unlock what it keeps locked,
with no time to come back (the ring has to be set right first); the reveal and the
two-factor sign-in say so on their own pages. Anything else is the 500 page. All are
rendered without the request, as Django's own handler does: no context processor runs,
so no page needs the database or the session, and none shows the error, a trace or a
setting. The trace goes to the log (``django.request``), not to the person.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader

from credentials.keyring import CannotDecrypt

from .context_processors import layout_links

RETRY_AFTER = 60  # seconds: about how long a database restart or a failover takes


def server_error(request):
    """Django calls this inside the ``except`` block of the failed request, so the error
    being handled is ``sys.exc_info()``."""
    error = sys.exc_info()[1]
    if isinstance(error, CannotDecrypt):
        return HttpResponse(loader.render_to_string("503_locked.html", {"layout_links": layout_links()}), status=503)
    if isinstance(error, (OperationalError, InterfaceError)):
        response = HttpResponse(loader.render_to_string("503.html", {"layout_links": layout_links()}), status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        return response
    return HttpResponseServerError(loader.render_to_string("500.html", {"layout_links": layout_links()}))
