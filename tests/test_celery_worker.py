"""A real task through a real Celery worker on Redis (CI sets REDIS_URL)."""

import os
import time

import pytest
from django.core import mail
from django.db import transaction

from mps_social.celery import app as celery_app
from notifications import services
from notifications.models import OutboxMessage
from notifications.tasks import deliver_outbox

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL: a real worker runs on Redis (CI)"),
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_outbox_is_delivered_by_a_real_worker(district):
    from celery.contrib.testing.worker import start_worker

    with transaction.atomic():
        services.enqueue(to=district.teacher.email, recipient=district.teacher, template="test",
                         subject="Through the worker", body_text="Hello from Redis")
    celery_app.conf.task_always_eager = False
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            result = deliver_outbox.apply_async()
            # Results are not stored (task_ignore_result): the database says when it is done.
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and OutboxMessage.objects.filter(status="pending").exists():
                time.sleep(0.1)
    finally:
        celery_app.conf.task_always_eager = True
    assert result.id
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SENT
    assert [m.subject for m in mail.outbox] == ["Through the worker"]
