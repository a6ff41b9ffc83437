"""Faults (issue [hardening]): what the portal does when a part of it fails.

A real Redis is started for the test on a port of its own, so the outage is real: a
connection refused, not a mock. The machine's redis-server is used (CI installs it).
"""

import shutil
import socket
import subprocess
import time

import pytest
from django.core import mail
from django.urls import reverse

from approvals.models import Application
from notifications.models import OutboxMessage

from .test_approval_pages import post_form

REDIS = shutil.which("redis-server")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_redis(port: int) -> subprocess.Popen:
    process = subprocess.Popen([REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
                                "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("redis-server did not start")


@pytest.mark.worker
@pytest.mark.skipif(REDIS is None, reason="needs redis-server on this machine (CI installs it)")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fault_redis_down_an_application_is_sent_and_its_1_mail_delivered_once_redis_is_back(district, client_for):
    """Redis is down while the teacher sends an application: the application is saved
    and its mail waits in the outbox; once Redis is back, a worker delivers it, once."""
    from celery import Celery
    from celery.contrib.testing.worker import start_worker

    from mps_social.celery import app as portal_app

    port = _free_port()
    app = Celery("faults", set_as_current=True)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.broker_url = f"redis://127.0.0.1:{port}/0"
    app.conf.task_always_eager = False
    app.autodiscover_tasks(force=True)
    redis = None
    try:
        started = time.monotonic()
        response = client_for("teacher").post(reverse("approvals:new"), {**post_form(district), "action": "submit"})
        took = time.monotonic() - started
        assert response.status_code == 302, "the application goes through with the broker down"
        assert Application.objects.get().status == Application.Status.SUBMITTED
        waiting = OutboxMessage.objects.get(template="application_update")
        assert waiting.status == OutboxMessage.Status.PENDING and not mail.outbox
        assert took < 10, f"sending took {took:.1f} s with the broker down"

        redis = _start_redis(port)
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            app.send_task("notifications.deliver_outbox")  # what beat sends every minute
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and OutboxMessage.objects.filter(status="pending").exists():
                time.sleep(0.1)
        waiting.refresh_from_db()
        assert waiting.status == OutboxMessage.Status.SENT
        assert [message.to for message in mail.outbox] == [["principal@example.org"]]
    finally:
        portal_app.set_current()
        if redis is not None:
            redis.terminate()
            redis.wait(timeout=10)
