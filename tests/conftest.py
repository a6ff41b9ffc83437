"""Shared fixtures: a small district and one person per role (the personas).

The personas are the same people the authorization matrix and every permission test use:

| persona        | who                                                                |
| -------------- | ------------------------------------------------------------------ |
| superintendent | the one active superintendent                                      |
| designee       | holds a district-wide delegation with every power                  |
| principal      | supervisor of the teacher (derived from HR data, not a flag)       |
| teacher        | an employee at North High, reports to the principal                |
| coach          | an employee in Athletics                                           |
| contractor     | a contractor at North High                                         |
| outsider       | an employee at South High, with no tie to anyone above             |
| admin          | Django admin staff (catalogue keeper), no portal powers            |
| anonymous      | a visitor who is not signed in                                     |

Tests that need real transactions (a live server, a Celery worker) use
``serialized_rollback=True``: their closing flush then restores what the migrations put in
the database (the platform catalogue, beat's schedule) for the tests that follow.
"""

import os
from dataclasses import dataclass

import pytest
from django.test import Client
from zeal import zeal_context, zeal_ignore

from mps_social.celery import app as celery_app
from people.models import OrgUnit, Power, User

from .factories import DelegationFactory, OrgUnitFactory, UserFactory

# pytest-django exported the suite's settings (tests.settings, with the N+1 guard) for this
# process, which has read them. The processes a test starts (manage.py, a Celery worker,
# a restore drill) run the portal as it is deployed, on its own settings module.
os.environ["DJANGO_SETTINGS_MODULE"] = "mps_social.settings"

PERSONAS = [
    "anonymous", "superintendent", "designee", "principal", "teacher", "coach", "contractor", "outsider", "admin",
]


@pytest.fixture(autouse=True)
def _no_n_plus_one():
    """Every test runs inside zeal's N+1 detector (on in tests/settings.py):
    services, tasks run eagerly and commands are watched like requests, which zeal's
    middleware watches on its own. A query repeated per row raises ``zeal.NPlusOneError``.
    What it may ignore, and why: ZEAL_ALLOWLIST in the settings, DEMO_ROW_BY_ROW below."""
    with zeal_context():
        yield


# ``manage.py seed_demo`` writes a fixed, hand-written district of a few dozen rows one at a
# time, idempotently (get_or_create by natural key), through the same one-row services a
# person uses; it never runs on real data. Only while it runs, zeal lets these pass too (on
# top of ZEAL_ALLOWLIST, which already covers its units, people and platforms).
DEMO_ROW_BY_ROW = [
    {"model": "accounts.OfficialAccount", "field": "designations"},  # escrowing each demo account
    {"model": "training.Course", "field": "questions"},  # taking each demo quiz
    {"model": "people.User", "field": "org_unit"},  # each demo acknowledgment
]


@pytest.fixture(autouse=True, scope="session")
def _demo_seed_row_by_row():
    from mps_social.management.commands.seed_demo import Command

    handle = Command.handle

    def row_by_row(self, *args, **options):
        with zeal_ignore(DEMO_ROW_BY_ROW):
            return handle(self, *args, **options)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Command, "handle", row_by_row)
        yield


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Personas sign in without an authenticator; tests/test_security.py turns it on.
    settings.MFA_REQUIRED_FOR_PRIVILEGED = False
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache

    cache.clear()  # rate limits and lockouts start afresh in every test
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True, scope="session")
def _celery_eager():
    """Tasks run in-process unless a test starts a real worker (tests/test_celery_worker.py)."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@dataclass
class District:
    district: OrgUnit
    north: OrgUnit
    south: OrgUnit
    athletics: OrgUnit
    superintendent: User
    designee: User
    principal: User
    teacher: User
    coach: User
    contractor: User
    outsider: User
    admin: User

    def persona(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)


@pytest.fixture
def district(db) -> District:
    root = OrgUnitFactory(code="DIST", name="Test District", kind=OrgUnit.Kind.DISTRICT, parent=None)
    north = OrgUnitFactory(code="NORTH", name="North High School", parent=root)
    south = OrgUnitFactory(code="SOUTH", name="South High School", parent=root)
    athletics = OrgUnitFactory(code="ATH", name="Athletics", kind=OrgUnit.Kind.DEPARTMENT, parent=root)
    superintendent = UserFactory(email="super@example.org", full_name="Sue Perintendent", org_unit=root,
                                 is_superintendent=True)
    designee = UserFactory(email="designee@example.org", full_name="Dee Signee", org_unit=root,
                           supervisor=superintendent)
    DelegationFactory(grantee=designee, granted_by=superintendent, scope=root,
                      **{power: True for power in Power.values})
    principal = UserFactory(email="principal@example.org", full_name="Pat Principal", org_unit=north,
                            supervisor=superintendent)
    teacher = UserFactory(email="teacher@example.org", full_name="Tess Teacher", org_unit=north,
                          supervisor=principal)
    coach = UserFactory(email="coach@example.org", full_name="Cody Coach", org_unit=athletics,
                        supervisor=superintendent)
    contractor = UserFactory(email="contractor@example.org", full_name="Con Tractor", org_unit=north,
                             kind=User.Kind.CONTRACTOR, supervisor=principal)
    outsider = UserFactory(email="outsider@example.org", full_name="Otto Outsider", org_unit=south)
    admin = UserFactory(email="admin@example.org", full_name="Ada Admin", org_unit=root, is_staff=True,
                        is_superuser=True)
    return District(root, north, south, athletics, superintendent, designee, principal, teacher, coach,
                    contractor, outsider, admin)


@pytest.fixture
def client_for(district):
    """``client_for("teacher")`` is a test client signed in as that persona."""

    def make(persona: str) -> Client:
        client = Client()
        user = district.persona(persona)
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make

