"""WSGI entry point, served by gunicorn in production (each worker imports it).

Once the portal is loaded, the objects it made (modules, classes, the URL map, the
settings) live as long as the worker: ``gc.freeze`` moves them out of the collector's
reach, so a full collection, when one falls due in the middle of a request, walks only
what requests made since. Walking all of them stalled that request (bench/RESULTS.md).
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mps_social.settings")
application = get_wsgi_application()
gc.freeze()
