"""Time the nightly compliance audit at district scale: ``python -m bench.audit 5000 50000``.

For each size, on a fresh database (``bench.seed.fresh_database``): that many active
accounts, each with an employee site manager, none with escrowed credentials and a tenth
overdue for review, written in bulk; then one audit run, timed (it opens a finding per
failure and queues its notices), and the nightly run after it, which opens nothing new,
against the raw SQL floor that finds the same failing accounts (``bench.jobs``). Its
query count does not depend on the size (asserted in tests/test_compliance.py); this
says how long it takes, and whether it grows linearly: the time per account at the
largest size within 1.5x of that at the smallest (the pages' growth tolerance).
"""

import sys
import time
from datetime import timedelta


from . import jobs
from .seed import analyze, fresh_database


def linear(what: str, sizes: list[int], took: list[float]) -> str:
    """The line that says whether ``took`` (seconds at each of ``sizes``) grows linearly."""
    growth = (took[-1] / sizes[-1]) / (took[0] / sizes[0])
    per = ", ".join(f"{seconds / size * 1e6:.1f} us" for size, seconds in zip(sizes, took))
    return (f"compliance audit, {what}, per account from {sizes[0]:,} to {sizes[-1]:,}: {per} ({growth:.2f}x) "
            f"| linear: < 1.5x | {'pass' if growth < 1.5 else 'FAIL'}")


def main(sizes: list[int]) -> None:
    fresh_database()
    from django.utils import timezone

    from accounts.models import Designation, OfficialAccount, Platform
    from compliance import runs
    from compliance.models import AuditRun, CheckResult, Finding
    from people.models import OrgUnit, User

    district, _ = OrgUnit.objects.get_or_create(code="BENCH", defaults={"name": "Bench District",
                                                                        "kind": OrgUnit.Kind.DISTRICT})
    manager, _ = User.objects.get_or_create(email="manager@bench.example.org",
                                            defaults={"full_name": "Bench Manager", "org_unit": district})
    platform = Platform.objects.get(slug="instagram")
    first, nightly_runs = [], []
    for size in sizes:
        Finding.objects.all().delete()
        CheckResult.objects.all().delete()
        AuditRun.objects.all().delete()
        Designation.objects.all().delete()
        OfficialAccount.objects.all().delete()
        now, today = timezone.now(), timezone.localdate()
        accounts = OfficialAccount.objects.bulk_create([
            OfficialAccount(platform=platform, org_unit=district, display_name=f"Bench {n}", handle=f"bench_{n}",
                            handle_key=f"bench_{n}", origin=OfficialAccount.Origin.DIRECT, established_by=manager,
                            status=OfficialAccount.Status.ACTIVE, official_since=today,
                            next_review_due=today - timedelta(days=1) if n % 10 == 0 else today + timedelta(days=90))
            for n in range(size)], batch_size=5000)
        Designation.objects.bulk_create([
            Designation(account=account, person=manager, role=Designation.Role.SITE_MANAGER, started_at=now,
                        designated_by=manager) for account in accounts], batch_size=5000)
        analyze()
        start = time.perf_counter()
        run = runs.execute(runs.start_run(actor=None))
        first.append(time.perf_counter() - start)
        print(f"compliance audit, {size:>6,} accounts, first run: {first[-1]:6.1f} s "
              f"({run.findings_opened:,} findings opened)", flush=True)
        nightly = jobs.audit()
        nightly_runs.append(nightly["run"])
        ratio = nightly["run"] / nightly["floor"]
        print(f"compliance audit, {size:>6,} accounts, nightly run: {nightly['run'] * 1000:.1f} ms; raw SQL floor "
              f"{nightly['floor'] * 1000:.1f} ms ({ratio:.1f}x), {'the same' if nightly['same'] else 'NOT the same'} "
              f"failing accounts | <= 3x floor | {'pass' if ratio <= 3 and nightly['same'] else 'FAIL'}", flush=True)
    if len(sizes) > 1:
        print(linear("first run", sizes, first), flush=True)
        print(linear("nightly run", sizes, nightly_runs), flush=True)


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [5_000, 50_000])
