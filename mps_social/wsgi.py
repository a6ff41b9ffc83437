"""WSGI entry point, served by gunicorn in production (each worker imports it).

Once the portal is loaded, with its URL map and the views it names (which the first
request would load), what start-up made lives as long as the worker: ``gc.freeze`` moves
it out of the collector's reach, so a full collection falling due in the middle of a
request walks only what requests made since. Walking everything stalled that request
(bench/RESULTS.md).
"""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mps_social.settings")
application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018  the URL map, and every view it names: the first request's to load
gc.freeze()
