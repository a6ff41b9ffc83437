"""seed_demo: a believable district, loaded once however often it runs."""

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import ProtectedName
from notifications.models import InboxEntry
from people.demo import DEMO_PASSWORD, PEOPLE
from people.models import Delegation, OrgUnit, User


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)


def counts():
    return (OrgUnit.objects.count(), User.objects.count(), Delegation.objects.count(), ProtectedName.objects.count())


def test_seed_demo_is_idempotent(demo):
    first = counts()
    call_command("seed_demo", verbosity=0)
    assert counts() == first
    assert OrgUnit.objects.filter(kind="school").count() == 5
    assert OrgUnit.objects.filter(kind="department").count() == 3


def test_if_empty_leaves_a_populated_database_alone(demo):
    User.objects.filter(email="teacher@example.org").update(full_name="Changed")
    call_command("seed_demo", "--if-empty", verbosity=0)
    assert User.objects.get(email="teacher@example.org").full_name == "Changed"


def test_the_demo_has_every_role(demo):
    assert User.objects.get(is_superintendent=True).email == "superintendent@example.org"
    designee = User.objects.get(email="designee@example.org")
    assert Delegation.objects.in_force().filter(grantee=designee).exists()
    assert User.objects.get(email="principal@example.org").reports.exists()
    assert User.objects.get(email="contractor@example.org").kind == "contractor"
    assert User.objects.get(email="admin@example.org").is_staff
    assert ProtectedName.objects.filter(kind="mascot").exists()


@pytest.mark.parametrize("email", [row[0] for row in PEOPLE])
def test_every_demo_login_works(demo, email):
    client = Client()
    response = client.post("/accounts/login/", {"login": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/", email


def test_the_demo_inboxes_hold_read_and_unread_messages(demo):
    """Every persona the portal tells anything has messages in their inbox, the newest
    unread; the contractor, who holds no role the portal reports on, has none."""
    for email, *_ in PEOPLE:
        entries = InboxEntry.objects.filter(recipient__email=email)
        if email == "contractor@example.org":
            assert not entries.exists()
            continue
        assert entries.filter(read_at__isnull=True).count() == 1, email
    assert InboxEntry.objects.filter(recipient__email="principal@example.org", read_at__isnull=False).exists()
