"""The N+1 guard itself: django-zeal is on for the whole suite, so a new N+1 fails it.

zeal watches each request through its middleware (tests/settings.py, the suite's
settings) and everything else a test runs through the autouse fixture in tests/conftest.py.
If either were switched off, a deliberate N+1 below would pass quietly and its test fail.
This module is also a URL conf: the project's pages and one deliberately N+1 page.
"""

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import path
from zeal import NPlusOneError, teardown

from accounts.models import OfficialAccount
from mps_social.urls import urlpatterns as project_urlpatterns
from people.models import User

from .factories import OrgUnitFactory, UserFactory
from .test_registry import establish

EMAILS = ["one@example.org", "two@example.org"]


def units_of_two_people(request):
    """A page with an N+1: each person's unit read one query at a time."""
    people = User.objects.filter(email__in=EMAILS).order_by("email")
    return HttpResponse(", ".join(person.org_unit.name for person in people))


urlpatterns = [*project_urlpatterns, path("n-plus-one/", units_of_two_people)]


@pytest.fixture
def two_people(db):
    for email, code in zip(EMAILS, ["ONE", "TWO"]):
        UserFactory(email=email, org_unit=OrgUnitFactory(code=code, name=f"Unit {code}"))


def test_a_foreign_key_read_per_row_fails_the_suite(two_people):
    with pytest.raises(NPlusOneError, match=r"people\.User\.org_unit"):
        for person in User.objects.filter(email__in=EMAILS):
            person.org_unit.name  # one query per person: the N+1


def test_the_same_loop_with_select_related_passes(two_people):
    people = User.objects.filter(email__in=EMAILS).select_related("org_unit")
    assert sorted(person.org_unit.code for person in people) == ["ONE", "TWO"]


@pytest.mark.urls("tests.test_n_plus_one")
def test_a_page_with_an_n_plus_one_fails_the_suite_through_the_middleware(two_people, client, settings):
    teardown()  # the test's own watch off (tests/conftest.py): what is left is the middleware's
    with pytest.raises(NPlusOneError, match=r"people\.User\.org_unit"):
        client.get("/n-plus-one/")

    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if not name.startswith("zeal.")]
    unwatched = Client()  # a client builds its middleware chain on its first request
    assert unwatched.get("/n-plus-one/").content.decode() == "Unit ONE, Unit TWO"  # unwatched, it passes


def test_accounts_falling_due_together_are_read_with_what_their_events_name(district):
    """Found by zeal in the roster journey: each rotation-due event's label (the account's
    str, which names its platform) cost a query per account."""
    from credentials.services import mark_rotation_due

    for handle in ("north_one", "north_two"):
        establish(district, handle)
    assert mark_rotation_due(OfficialAccount.objects.all(), actor=None, reason="For the test.") == 2
