"""The Celery application: tasks are discovered in each app's ``tasks.py``.

On the embedded default the broker is kombu's filesystem transport under ``var/celery/``;
its folders are created here so a worker can start on a fresh checkout.
"""

import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mps_social.settings")

app = Celery("mps_social")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

for folder in (app.conf.broker_transport_options or {}).values():
    if isinstance(folder, str) and folder.startswith("/"):
        Path(folder).mkdir(parents=True, exist_ok=True)
