"""The outbox: mail is a row written with the change, delivered later, never lost."""

from unittest import mock

import pytest
from django.core import mail
from django.db import transaction

from notifications import services
from notifications.models import OutboxMessage


def queue(user, **kwargs):
    with transaction.atomic():
        return services.enqueue(to=user.email, recipient=user, template="test", subject="Hello",
                                body_text="Plain", body_html="<p>Rich</p>", **kwargs)


def test_mail_is_queued_not_sent_inside_the_transaction(district):
    queue(district.teacher)
    assert mail.outbox == []
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.PENDING


def test_queueing_outside_a_transaction_is_refused(transactional_db, django_db_serialized_rollback):
    with pytest.raises(RuntimeError):
        services.enqueue(to="a@example.org", template="t", subject="s", body_text="b")


def test_a_rolled_back_change_takes_its_mail_with_it(district):
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        services.enqueue(to="a@example.org", template="t", subject="s", body_text="b")
        1 / 0
    assert not OutboxMessage.objects.exists()


def test_delivery_sends_text_and_html_once(district):
    queue(district.teacher)
    assert services.deliver_pending() == 1
    assert services.deliver_pending() == 0
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["teacher@example.org"] and sent.alternatives[0][0] == "<p>Rich</p>"
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SENT


def test_the_same_key_is_queued_once(district):
    first = queue(district.teacher, key="reminder:1:course:30")
    second = queue(district.teacher, key="reminder:1:course:30")
    assert first.pk == second.pk and OutboxMessage.objects.count() == 1


def test_a_failing_mail_server_backs_off_and_retries(district):
    queue(district.teacher)
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=ConnectionRefusedError("down")):
        assert services.deliver_pending() == 0
    message = OutboxMessage.objects.get()
    assert message.status == OutboxMessage.Status.PENDING and message.attempts == 1
    assert "ConnectionRefusedError" in message.last_error
    assert services.deliver_pending() == 0  # not due yet
    OutboxMessage.objects.update(next_attempt_at=message.created_at)
    assert services.deliver_pending() == 1


def test_sensitive_bodies_are_wiped_once_sent(district):
    queue(district.teacher, sensitive=True)
    services.deliver_pending()
    message = OutboxMessage.objects.get()
    assert "Plain" not in message.body_text and "Rich" not in message.body_html


def test_templates_render_subject_text_and_html(district):
    from people.models import Delegation

    delegation = Delegation.objects.get(grantee=district.designee)
    with transaction.atomic():
        message = services.notify(recipient=district.designee, template="delegation_granted",
                                  context={"delegation": delegation, "powers": delegation.get_powers_display()})
    assert message.subject == "You are the superintendent's designee for Test District"
    assert "Reveal escrowed credentials" in message.body_text
    assert "<strong>Test District</strong>" in message.body_html


def test_a_broker_outage_does_not_fail_the_change(district, settings):
    """The nudge after commit may fail; the message stays pending for the sweep."""
    with mock.patch("notifications.tasks.deliver_outbox.delay", side_effect=ConnectionError("broker down")):
        with transaction.atomic():
            services.enqueue(to="a@example.org", template="t", subject="s", body_text="b")
            transaction.on_commit(lambda: None)
        services._nudge_worker()  # what on_commit runs; it must swallow the outage
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.PENDING
