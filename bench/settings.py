"""The portal's settings with the benchmark's URLs (its floors and hello-world view), for
the gunicorn that ``bench.load`` starts."""

from mps_social.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
