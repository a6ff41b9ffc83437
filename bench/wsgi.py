"""WSGI entry point for ``bench.load``'s gunicorn: the portal plus the benchmark's views."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
application = get_wsgi_application()
