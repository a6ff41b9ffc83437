"""/healthz: JSON about the database, the broker and the escrow's key ring, 200 when all
answer, 503 when not (a wrong key ring: tests/test_key_ring_canary.py)."""

import time
from unittest import mock

from django.test import Client


def test_healthy(db):
    response = Client().get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"]["ok"] and body["broker"]["ok"] and body["escrow"]["ok"]
    assert response["Cache-Control"].startswith("max-age=0")


def test_database_down_is_503(db):
    with mock.patch("mps_social.views.connection.cursor", side_effect=OSError("connection refused")):
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"]["ok"] is False and response.json()["status"] == "unavailable"


def test_broker_down_is_503(db, settings):
    from mps_social.celery import app

    with mock.patch.object(app, "connection_for_write", side_effect=ConnectionRefusedError("redis down")):
        response = Client().get("/healthz")
    assert response.status_code == 503 and response.json()["broker"]["ok"] is False


def test_a_real_unreachable_redis_is_503(db):
    """A broker URL where nothing listens: the check answers within its timeout."""
    from mps_social.celery import app

    original = app.connection_for_write
    started = time.monotonic()
    with mock.patch.object(app, "connection_for_write", lambda: original(url="redis://127.0.0.1:1/0")):
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert time.monotonic() - started < 10
