"""The heavy jobs on a seeded district (called by ``bench.district``): the nightly audit
against its raw SQL floor, the training reminders and the other reminders of what falls
due, a reveal, and key rotation.

Each function returns a dict of figures; timings are in seconds unless named ``_ms``.
"""

import statistics
import time

# The audit's floor: one statement, written by hand, finding the same failing accounts as
# the checks in compliance/checks.py. The protected-name check folds names in Python (accents,
# abbreviations): SQL cannot say it, so the floor leaves it out and the comparison below
# does too. The site-manager checks cover the accounts not yet active and those suspended
# too (``compliance.checks.KEPT``); the others the active ones.
FLOOR_SQL = """
SELECT 'site_manager', a.id FROM accounts_officialaccount a
 WHERE a.status IN ('pending_setup', 'active', 'suspended') AND NOT EXISTS (
   SELECT 1 FROM accounts_designation d JOIN people_user u ON u.id = d.person_id
    WHERE d.account_id = a.id AND d.role = 'site_manager' AND d.ended_at IS NULL AND u.is_active
      AND u.kind = 'employee')
UNION ALL
SELECT 'training', a.id FROM accounts_officialaccount a
  JOIN accounts_designation d ON d.account_id = a.id AND d.role = 'site_manager' AND d.ended_at IS NULL
  JOIN people_user u ON u.id = d.person_id AND u.is_active
 WHERE a.status IN ('pending_setup', 'active', 'suspended') AND EXISTS (
   SELECT 1 FROM training_course c WHERE c.is_active AND (c.for_site_managers OR c.for_account_staff)
      AND NOT EXISTS (SELECT 1 FROM training_completion k
                       WHERE k.user_id = u.id AND k.course_id = c.id AND k.expires_on > %(today)s))
UNION ALL
SELECT 'escrowed', a.id FROM accounts_officialaccount a
 WHERE a.status = 'active' AND NOT EXISTS (SELECT 1 FROM credentials_credentialversion v
                                            WHERE v.account_id = a.id AND v.replaced_at IS NULL)
UNION ALL
SELECT 'escrow_age', a.id FROM accounts_officialaccount a
 WHERE a.status = 'active' AND a.id IN (SELECT v.account_id FROM credentials_credentialversion v
                                         WHERE v.replaced_at IS NULL AND v.created_at < %(stale)s)
UNION ALL
SELECT 'rotation', a.id FROM accounts_officialaccount a WHERE a.status = 'active' AND a.rotation_due
UNION ALL
SELECT 'review', a.id FROM accounts_officialaccount a
 WHERE a.status = 'active' AND (a.next_review_due < %(today)s OR a.next_review_due IS NULL)
UNION ALL
SELECT 'audience_age', a.id FROM accounts_officialaccount a JOIN accounts_platform p ON p.id = a.platform_id
 WHERE a.status = 'active' AND a.audience_min_age < p.minimum_age
"""


def audit(turns: int = 5) -> dict:
    """The nightly run on data the first run has seen (what runs every night), against
    the floor, each the median of ``turns``, the two taken in turns so that neither pays
    alone for a cold first call or for the machine slowing down meanwhile (two runs of the
    same floor minutes apart differed by half, bench.district); and a check that both
    found the same (check, account) pairs."""
    from datetime import timedelta

    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from compliance import runs
    from compliance.models import Finding

    now = timezone.now()
    params = {"today": connection.ops.adapt_datefield_value(timezone.localdate()),
              "stale": connection.ops.adapt_datetimefield_value(now - timedelta(days=settings.ESCROW_MAX_AGE_DAYS))}
    took, floor = [], []
    for _ in range(turns):
        start = time.perf_counter()
        run = runs.execute(runs.start_run(actor=None))
        took.append(time.perf_counter() - start)
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL, params)
            found = set(cursor.fetchall())
        floor.append(time.perf_counter() - start)
    open_now = set(Finding.objects.filter(closed_at__isnull=True).exclude(check_slug="protected_name")
                   .values_list("check_slug", "account_id"))
    return {"accounts": run.accounts_checked, "run": statistics.median(took), "floor": statistics.median(floor),
            "failing": len(found), "same": found == open_now}


def reminders() -> dict:
    """The daily training reminders: the first run sends what the seeded completions owe,
    the second finds nothing new."""
    from training import services

    figures = {}
    for label in ("first", "second"):
        start = time.perf_counter()
        sent = services.send_reminders()
        figures[label] = time.perf_counter() - start
        figures[f"{label}_sent"] = sent
    return figures


def due_reminders() -> dict:
    """The other daily reminders (annual reviews, courses never taken, policy versions,
    delegations and access grants ending), all five in turn: the first run sends what the
    seeded district owes, the second finds nothing new."""
    from accounts.services import send_review_reminders
    from credentials.services import send_grant_reminders
    from people.services import send_delegation_reminders
    from training.services import send_course_reminders, send_policy_reminders

    figures = {}
    for label in ("first", "second"):
        start, sent = time.perf_counter(), 0
        for job in (send_review_reminders, send_course_reminders, send_policy_reminders, send_delegation_reminders,
                    send_grant_reminders):
            sent += job()
        figures[label] = time.perf_counter() - start
        figures[f"{label}_sent"] = sent
    return figures


def reveal(times: int = 50) -> dict:
    """A site manager reveals an account's credentials: decrypt, the event, one
    transaction each; the median over ``times`` accounts."""
    from django.db import transaction

    from accounts.models import Designation, OfficialAccount
    from credentials import services

    designations = list(Designation.objects.filter(role=Designation.Role.SITE_MANAGER, ended_at__isnull=True,
                                                   account__status=OfficialAccount.Status.ACTIVE)
                        .select_related("account__org_unit", "person").order_by("pk")[:times])
    timings = []
    for designation in designations:
        start = time.perf_counter()
        with transaction.atomic():
            revealed = services.reveal(actor=designation.person, account=designation.account,
                                       reason_kind="post", reason="Benchmark", second_factor_used=False)
        timings.append((time.perf_counter() - start) * 1000)
        if revealed.secrets is None:
            raise RuntimeError(revealed.problem)
    return {"median_ms": statistics.median(timings), "times": len(timings)}


def rotation() -> dict:
    """A new key is put first in the ring, and every escrowed credential is sealed again
    under it (``rotate_escrow_keys``): the time per 1,000 secrets."""
    import io

    from django.conf import settings
    from django.core.management import call_command
    from django.test import override_settings

    from credentials.keyring import new_key_line
    from credentials.models import CredentialVersion

    ring = settings.ESCROW_KEYS or settings.ESCROW_KEY_FILE.read_text()
    count = CredentialVersion.objects.count()
    with override_settings(ESCROW_KEYS=new_key_line("bench2") + "\n" + ring):
        start = time.perf_counter()
        call_command("rotate_escrow_keys", stdout=io.StringIO())
        took = time.perf_counter() - start
    return {"secrets": count, "per_1000": took / count * 1000}


def protected_names() -> dict:
    """The audit's protected-name check with every unit's name protected (the seed has
    none, and the audit's floor leaves the check out: SQL cannot fold names): the time
    over every active account, in a transaction rolled back afterwards."""
    from django.db import transaction

    from accounts.models import ProtectedName
    from compliance import checks
    from people.models import OrgUnit

    with transaction.atomic():
        names = ProtectedName.objects.bulk_create([
            ProtectedName(name=unit.name, kind=ProtectedName.Kind.SCHOOL, owner=unit)
            for unit in OrgUnit.objects.exclude(kind=OrgUnit.Kind.DISTRICT)])
        accounts = checks.population()
        start = time.perf_counter()
        failing = checks.protected_name(accounts)
        took = time.perf_counter() - start
        figures = {"names": len(names), "accounts": accounts.count(), "took": took, "failing": len(failing)}
        transaction.set_rollback(True)
    return figures
