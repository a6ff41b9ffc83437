"""WSGI entry point for ``bench.load``'s gunicorn: the portal plus the benchmark's views,
started as the portal's own entry point starts it (``mps_social.wsgi``)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

from mps_social.wsgi import application  # noqa: E402  (the settings above must come first)

__all__ = ["application"]
