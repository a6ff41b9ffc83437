"""The audit trail's foundation: one event per change, in the change's own transaction."""

import pytest
from django.db import transaction
from django.test import Client

from audits.models import AuditEvent
from audits.services import NotInTransaction, record


def test_record_refuses_to_run_outside_a_transaction(transactional_db, django_db_serialized_rollback):
    from .factories import OrgUnitFactory

    unit = OrgUnitFactory(code="X", name="X", kind="district", parent=None)
    with pytest.raises(NotInTransaction):
        record(actor=None, verb="test.outside", target=unit)


def test_an_event_rolls_back_with_its_change(district):
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        record(actor=district.admin, verb="test.rolled_back", target=district.north)
        1 / 0
    assert not AuditEvent.objects.filter(verb="test.rolled_back").exists()


def test_an_event_carries_request_id_and_client_address(district, client_for):
    client = client_for("superintendent")
    delegation = district.designee.delegations.get()
    response = client.post(f"/people/delegations/{delegation.pk}/revoke/", {"reason": "Audit me"},
                           HTTP_X_REQUEST_ID="req-0123456789", REMOTE_ADDR="203.0.113.9")
    assert response["X-Request-ID"] == "req-0123456789"
    event = AuditEvent.objects.get(verb="delegation.revoked")
    assert (event.request_id, event.ip, event.actor_label) == ("req-0123456789", "203.0.113.9", "super@example.org")
    assert event.target_type == "people.delegation" and event.target_id == str(delegation.pk)


def revoke_with_headers(client, district, **headers):
    delegation = district.designee.delegations.get()
    client.post(f"/people/delegations/{delegation.pk}/revoke/", {"reason": "Audit me"}, **headers)
    return AuditEvent.objects.get(verb="delegation.revoked")


def test_a_forged_x_forwarded_for_never_becomes_the_audit_trails_address(district, client_for, settings):
    """With no proxy trusted (the development default), X-Forwarded-For is not read at all:
    the address is the connection's own."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    event = revoke_with_headers(client_for("superintendent"), district, REMOTE_ADDR="203.0.113.9",
                                HTTP_X_FORWARDED_FOR="198.51.100.66")
    assert event.ip == "203.0.113.9"


def test_behind_one_proxy_the_right_most_entry_is_the_client(district, client_for, settings):
    """Behind one trusted proxy (TRUSTED_PROXY_COUNT=1, the production default) the client
    is the entry the proxy appended, the right-most; the left-most, which the client wrote
    itself, is ignored."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    event = revoke_with_headers(client_for("superintendent"), district, REMOTE_ADDR="10.0.0.2",
                                HTTP_X_FORWARDED_FOR="198.51.100.66, 203.0.113.9")
    assert event.ip == "203.0.113.9"


def test_a_malformed_request_id_is_replaced(db):
    response = Client().get("/healthz", HTTP_X_REQUEST_ID="<script>")
    assert response["X-Request-ID"] != "<script>" and len(response["X-Request-ID"]) == 32


def test_system_jobs_are_recorded_as_system(district):
    with transaction.atomic():
        event = record(actor=None, verb="test.job", target=district.north)
    assert event.actor is None and event.actor_label == "system"
