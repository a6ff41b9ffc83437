"""The Celery application: tasks are discovered in each app's ``tasks.py``.

On the embedded default the broker is kombu's filesystem transport under ``var/celery/``;
its folders are created here so a worker can start on a fresh checkout.
"""

import os
from pathlib import Path

from celery import Celery, current_app

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mps_social.settings")

app = Celery("mps_social")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

for folder in (app.conf.broker_transport_options or {}).values():
    if isinstance(folder, str) and folder.startswith("/"):
        Path(folder).mkdir(parents=True, exist_ok=True)


def queue(name: str, *args) -> None:
    """Send the task registered as ``name`` through the current Celery app, as a shared
    task's ``delay`` does (eagerly where ``task_always_eager`` says so). Services queue
    their tasks by name: the task modules import the services, and every process registers
    the tasks at start-up (``PortalConfig.ready``)."""
    current_app.tasks[name].delay(*args)
