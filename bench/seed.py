"""A district at scale, written in bulk: ``python -m bench.seed city`` (or ``largest``).

Issue [performance]: two profiles, ``city`` (a mid-size district) and ``largest`` (the
largest district in the United States). Everything goes in with ``bulk_create`` in
batches, not through the services: the services' own costs are measured elsewhere
(``bench.roster``, ``bench.audit``), and going through them here would take hours. The
rows are the ones the services would write, with the invariants the database enforces
(one current site manager, one current credential version, a live handle per platform),
and the audit trail goes through ``record_many``, so its hash chain verifies.

Run on its own, it seeds a fresh database (SQLite in a temporary folder, or the one
``DATABASE_URL`` names, emptied first) and prints how long each part took.
"""

import os
import sys
import time
from dataclasses import dataclass
from datetime import timedelta

BATCH = 5_000


@dataclass(frozen=True)
class Profile:
    name: str
    units: int
    staff: int
    accounts: int
    applications: int
    events: int
    completions: int


PROFILES = {
    "city": Profile("city", units=100, staff=6_000, accounts=1_500, applications=5_000, events=100_000,
                    completions=12_000),
    "largest": Profile("largest", units=2_000, staff=150_000, accounts=20_000, applications=100_000,
                       events=1_000_000, completions=300_000),
}

# The people the page benchmark signs in as, by role (their email addresses).
SUPERINTENDENT = "superintendent@bench.example.org"
DESIGNEE = "designee@bench.example.org"
PRINCIPAL = "principal.1@bench.example.org"  # the head of the first school
TEACHER = "staff.1@bench.example.org"  # reports to that principal; applies; manages accounts


@dataclass
class Seeded:
    """What the page benchmark needs to find again: a few ids and the timings."""

    profile: Profile
    timings: dict
    account_id: int
    verify_handle: str


def _timed(timings: dict, part: str):
    class Timer:
        def __enter__(self):
            self.start = time.perf_counter()

        def __exit__(self, *exc):
            timings[part] = time.perf_counter() - self.start

    return Timer()


def _units(profile):
    from people.models import OrgUnit

    district = OrgUnit(name="Bench Public Schools", code="BENCH", kind=OrgUnit.Kind.DISTRICT)
    district.save()  # the one unit saved one by one: it computes the first path
    comms = OrgUnit(name="Communications Department", code="BENCH-COMM", kind=OrgUnit.Kind.DEPARTMENT,
                    parent=district)
    comms.save()
    first = OrgUnit.objects.order_by("-pk").values_list("pk", flat=True).first() + 1
    units = []
    for n in range(profile.units - 2):
        pk = first + n
        kind = OrgUnit.Kind.SCHOOL if n % 10 else OrgUnit.Kind.DEPARTMENT
        units.append(OrgUnit(pk=pk, name=f"{'School' if n % 10 else 'Department'} {n + 1}", slug=f"unit-{n + 1}",
                             code=f"U{n + 1:05d}", kind=kind, parent=district, path=f"{district.path}{pk}/"))
    OrgUnit.objects.bulk_create(units, batch_size=BATCH)
    return district, comms, units


def _people(profile, district, comms, units):
    """The superintendent, a designee, one head per unit, and staff spread over the units,
    each reporting to their unit's head. Nobody has a usable password: the benchmark signs
    in with ``force_login``."""
    from people.models import Delegation, User

    superintendent = User.objects.create(email=SUPERINTENDENT, full_name="Bench Superintendent",
                                         org_unit=district, is_superintendent=True, employee_id="S0000001",
                                         password="!")
    designee = User.objects.create(email=DESIGNEE, full_name="Bench Designee", org_unit=comms,
                                   supervisor=superintendent, employee_id="S0000002", password="!")
    today = superintendent.date_joined.date()
    Delegation.objects.create(grantee=designee, granted_by=superintendent, scope=district,
                              decide_applications=True, establish_accounts=True, reveal_credentials=True,
                              triage_concerns=True, starts_on=today - timedelta(days=30),
                              ends_on=today + timedelta(days=335), reason="Benchmark")
    heads = User.objects.bulk_create([
        User(email=f"principal.{n + 1}@bench.example.org", full_name=f"Head {n + 1}", org_unit=unit,
             supervisor=superintendent, employee_id=f"H{n + 1:07d}", job_title="Principal", password="!")
        for n, unit in enumerate(units)], batch_size=BATCH)
    staff_count = profile.staff - len(heads) - 2
    # The first school gets a principal's share of staff like any other: staff n goes to unit n % units.
    User.objects.bulk_create([
        User(email=f"staff.{n + 1}@bench.example.org", full_name=f"Staff Member {n + 1}",
             org_unit=units[n % len(units)], supervisor=heads[n % len(heads)], employee_id=f"E{n + 1:07d}",
             job_title="Teacher", password="!")
        for n in range(staff_count)], batch_size=BATCH)
    staff = list(User.objects.filter(email__startswith="staff.").order_by("pk").values_list("pk", "org_unit_id"))
    return superintendent, designee, heads, staff


def _accounts(profile, superintendent, units, staff):
    """Accounts spread over the units; each has a site manager from its unit's staff and,
    when set up, one sealed credential version (as ``credentials.services.escrow`` seals)."""
    from accounts.models import Designation, OfficialAccount, Platform
    from credentials.keyring import keyring
    from credentials.models import CredentialVersion, Secrets

    Status = OfficialAccount.Status
    platforms = list(Platform.objects.filter(is_active=True).order_by("pk"))
    today = superintendent.date_joined.date()
    statuses = [Status.ACTIVE] * 16 + [Status.PENDING_SETUP, Status.SUSPENDED, Status.RETIRED, Status.ACTIVE]
    by_unit: dict[int, list[int]] = {}
    for pk, unit_id in staff:
        by_unit.setdefault(unit_id, []).append(pk)
    accounts, managers = [], []
    for n in range(profile.accounts):
        unit = units[n % len(units)]
        status = statuses[n % len(statuses)]
        handle = f"bench_{unit.code.lower()}_{n}"
        accounts.append(OfficialAccount(
            platform=platforms[n % len(platforms)], org_unit=unit, display_name=f"{unit.name} account {n}",
            handle=handle, handle_key=handle, origin=OfficialAccount.Origin.APPLICATION,
            established_by=superintendent, status=status,
            official_since=None if status == Status.PENDING_SETUP else today - timedelta(days=n % 700),
            next_review_due=today + timedelta(days=(n % 400) - 30)))
        people = by_unit[unit.pk]
        managers.append(people[(n // len(units)) % len(people)])
    accounts = OfficialAccount.objects.bulk_create(accounts, batch_size=BATCH)
    now = superintendent.date_joined
    Designation.objects.bulk_create([
        Designation(account=account, person_id=manager, role=Designation.Role.SITE_MANAGER, started_at=now,
                    designated_by=superintendent)
        for account, manager in zip(accounts, managers)], batch_size=BATCH)
    ring, versions = keyring(), []
    for account in accounts:
        if account.status == Status.PENDING_SETUP:
            continue
        version = CredentialVersion(account=account, number=1, created_at=now, created_by=superintendent)
        secrets = Secrets(login=f"{account.handle}@bench.example.org", password=os.urandom(12).hex())
        version.key_id, version.sealed = ring.seal(secrets.to_bytes(), aad=version.aad)
        versions.append(version)
    CredentialVersion.objects.bulk_create(versions, batch_size=BATCH)
    return accounts


def _applications(profile, units, heads, staff, accounts):
    """Applications in every state, as years of use leave them: all but the newest 3%
    decided or withdrawn, those few still open (drafts, queues, changes asked for)."""
    from accounts.models import Platform
    from approvals.models import Application

    Status = Application.Status
    platforms = list(Platform.objects.filter(is_active=True).order_by("pk"))
    head_of = {head.org_unit_id: head.pk for head in heads}
    closed = [Status.APPROVED] * 5 + [Status.REJECTED, Status.WITHDRAWN]
    still_open = [Status.DRAFT, Status.SUBMITTED, Status.ENDORSED, Status.CHANGES_REQUESTED]
    first_open = profile.applications * 97 // 100
    rows = []
    for n in range(profile.applications):
        applicant, unit_id = staff[n % len(staff)]
        status = closed[n % len(closed)] if n < first_open else still_open[n % len(still_open)]
        sent = status != Status.DRAFT
        rows.append(Application(
            applicant_id=applicant, status=status, org_unit_id=unit_id, purpose=Application.Purpose.SCHOOL_INFO,
            platform=platforms[n % len(platforms)], handle=f"bench_application_{n}",
            display_name=f"Application {n}", audience=Application.Audience.PARENTS,
            content_plan="News and events.", moderation_plan="Comments are reviewed daily.",
            site_manager_id=applicant, attests_network_use=True, attests_platform_rules=True,
            attests_disclosure=True, endorser_id=head_of.get(unit_id) if sent else None))
    Application.objects.bulk_create(rows, batch_size=BATCH)


def _events(profile, superintendent, accounts):
    """The audit trail: escrows, reveals and reviews spread over the accounts, appended
    through ``record_many`` (one hash chain), in transactions of 50,000.

    The verbs take turns every ``run`` events, as a real trail mixes them. (Written in
    blocks of 50,000 per verb, the newest 100,000 events held no reveal: PostgreSQL,
    whose statistics said a quarter of the trail were reveals, then read 100,000 rows
    for the newest page of reveals.)"""
    from django.db import transaction

    from audits.services import record_many

    verbs = ["credentials.escrowed", "credentials.revealed", "account.reviewed", "account.status_changed"]
    written, chunk, run = 0, 50_000, 1_000
    while written < profile.events:
        end = min(written + chunk, profile.events)
        with transaction.atomic():
            for start in range(written, end, run):
                record_many(actor=superintendent, verb=verbs[(start // run) % len(verbs)],
                            items=[(accounts[n % len(accounts)], None, {"n": n})
                                   for n in range(start, min(start + run, end))], reason="Benchmark history")
        written = end


def _training(profile, staff):
    """The courses and policy documents of the demo, and completions spread over the
    staff, some expired and some about to expire, so reminders have work to do."""
    from django.utils import timezone

    from training.demo import seed_courses
    from training.models import Completion, Course

    seed_courses()
    courses = list(Course.objects.order_by("pk"))
    today = timezone.localdate()
    rows = []
    for n in range(profile.completions):
        person, round_ = staff[n % len(staff)][0], n // len(staff)
        course = courses[round_ % len(courses)]
        # A person's later rounds of the same course are older ones: a history, not duplicates.
        completed = today - timedelta(days=n % 400 + 400 * (round_ // len(courses)))
        rows.append(Completion(user_id=person, course=course, completed_on=completed,
                               expires_on=completed + timedelta(days=365), method=Completion.Method.IMPORTED))
    Completion.objects.bulk_create(rows, batch_size=BATCH)


def seed(profile: Profile) -> Seeded:
    """Seed ``profile`` into the (migrated, empty) current database."""
    from accounts.models import OfficialAccount
    from compliance import runs

    timings: dict = {}
    with _timed(timings, "units"):
        district, comms, units = _units(profile)
    with _timed(timings, "people"):
        superintendent, designee, heads, staff = _people(profile, district, comms, units)
    with _timed(timings, "accounts"):
        accounts = _accounts(profile, superintendent, units, staff)
    with _timed(timings, "applications"):
        _applications(profile, units, heads, staff, accounts)
    with _timed(timings, "training"):
        _training(profile, staff)
    with _timed(timings, "audit events"):
        _events(profile, superintendent, accounts)
    with _timed(timings, "analyze"):
        analyze()
    with _timed(timings, "first compliance audit"):
        runs.execute(runs.start_run(actor=None))
    with _timed(timings, "analyze findings"):
        analyze("compliance_finding")  # the audit just opened them: the findings list plans on them
    timings["total"] = sum(timings.values())
    active = OfficialAccount.objects.filter(status=OfficialAccount.Status.ACTIVE, org_unit=units[0]).first()
    return Seeded(profile=profile, timings=timings, account_id=active.pk, verify_handle=active.handle)


def analyze(table: str = "") -> None:
    """Let PostgreSQL's planner see the rows just loaded, as autovacuum would soon after in
    a real database; measuring before it has would time plans no district ever runs.
    (SQLite keeps no statistics unless asked; Django never asks, so neither do we.)"""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")


def fresh_database() -> None:
    """Set Django up on an empty database: a new SQLite file in a temporary folder, or, when
    ``DATABASE_URL`` names a PostgreSQL server, a database of the benchmark's own beside the
    one it names (``<name>_bench``, dropped and created again), so a benchmark never touches
    data it did not write."""
    import tempfile
    from urllib.parse import urlsplit, urlunsplit

    os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="mps-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mps_social.settings")
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg2

        parts = urlsplit(url)
        name = parts.path.lstrip("/") + "_bench"
        admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
        admin.close()
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def main(name: str) -> None:
    fresh_database()
    from django.db import connection

    seeded = seed(PROFILES[name])
    parts = ", ".join(f"{part} {took:.1f} s" for part, took in seeded.timings.items() if part != "total")
    print(f"{connection.vendor}: seeding {name}: {seeded.timings['total']:.0f} s ({parts})", flush=True)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "city")
