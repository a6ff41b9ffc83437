"""The portal's settings for the test suite (pytest's DJANGO_SETTINGS_MODULE, pyproject.toml):
everything of ``mps_social.settings``, plus the N+1 guard, which only the tests load.

django-zeal (requirements-dev.txt) patches the ORM: its middleware watches every request
and an autouse fixture (tests/conftest.py) wraps every test in ``zeal_context()``, so a
query repeated per row raises ``zeal.NPlusOneError`` and fails the suite
(tests/test_n_plus_one.py proves both are on). The portal itself never imports zeal.
"""

from mps_social.settings import *  # noqa: F403
from mps_social.settings import INSTALLED_APPS, MIDDLEWARE

INSTALLED_APPS = [*INSTALLED_APPS, "zeal"]
MIDDLEWARE = ["zeal.middleware.zeal_middleware", *MIDDLEWARE]
ZEAL_RAISE = True
# Only what is not an N+1 in production, model and field, each with its reason. Each is
# a ``get()``, which zeal counts per line of code: here one row per service call that a
# test repeats (production calls it once per request or task), or Django's own code.
# Relation reads (the classic N+1) are never allow-listed here.
ZEAL_ALLOWLIST = [
    # Django's session store reads the session row twice in one login (force_login).
    {"model": "sessions.Session", "field": "get()"},
    # django-celery-beat update_or_creates its one-row change marker on every schedule save.
    {"model": "django_celery_beat.PeriodicTasks", "field": "get()"},
    # Each transition locks the one row it changes, select_for_update().get(pk=...):
    # accounts/credentials/approvals/concerns/people services, one per request or task.
    {"model": "accounts.OfficialAccount", "field": "get()"},
    {"model": "approvals.Application", "field": "get()"},
    {"model": "concerns.ConcernReport", "field": "get()"},
    {"model": "people.Delegation", "field": "get()"},
    # The audit's run is read by id where a run in progress meets a second start (the
    # running one, then the task's own): a fixed number of times, not per row.
    {"model": "compliance.AuditRun", "field": "get()"},
    # Recording a completion or an acknowledgment is idempotent: get_or_create of its one
    # row (an import does it per new line, and writes that line's audit event anyway).
    {"model": "training.Completion", "field": "get()"},
    {"model": "training.Acknowledgment", "field": "get()"},
    # Test helpers fetch the Instagram platform by slug on every call; the product reads
    # platforms as one form field or with select_related.
    {"model": "accounts.Platform", "field": "get()"},
    # tests/test_escrow.py's reveal() re-reads its actor on every call, and the admin's
    # user change form gets the user and validates its supervisor (Django's code, once each).
    {"model": "people.User", "field": "get()"},
    # The admin's org unit change form gets the unit and validates its parent (Django's
    # code, once each).
    {"model": "people.OrgUnit", "field": "get()"},
    # The admin's question form checks each inline choice's id with its own get (Django's
    # inline formset; a question has a handful of choices).
    {"model": "training.Choice", "field": "get()"},
]
