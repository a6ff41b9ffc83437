"""Time the audit trail: ``python -m bench.trail 2000 100000``.

On a fresh database (``bench.seed.fresh_database``):
the first number of single appends, each ``record`` in its own transaction (the median of
the call alone and of the whole transaction with its commit); one ``record_many`` of the
second number of events (a roster import's size); then, where the project has it,
``verify_audit_trail`` over everything written.
"""

import statistics
import sys
import time


from .seed import fresh_database


def main(single: int, bulk: int) -> None:
    fresh_database()
    from django.db import connection, transaction

    from audits import services
    from people.models import OrgUnit, User

    unit, _ = OrgUnit.objects.get_or_create(code="BENCH", defaults={"name": "Bench District",
                                                                    "kind": OrgUnit.Kind.DISTRICT})
    actor, _ = User.objects.get_or_create(email="actor@bench.example.org",
                                          defaults={"full_name": "Bench Actor", "org_unit": unit})
    call, whole = [], []
    for n in range(single):
        start = time.perf_counter()
        with transaction.atomic():
            inner = time.perf_counter()
            services.record(actor=actor, verb="bench.changed", target=unit, org_unit=unit,
                            before={"n": n - 1, "name": "Bench District"}, after={"n": n, "name": "Bench District"},
                            reason="Benchmark")
            call.append(time.perf_counter() - inner)
        whole.append(time.perf_counter() - start)
    print(f"{connection.vendor}: record(), {single:,} appends: median {statistics.median(call) * 1000:.3f} ms "
          f"the call, {statistics.median(whole) * 1000:.3f} ms with its transaction and commit", flush=True)
    people = [User(pk=actor.pk, full_name=f"Person {n}", email=f"p{n}@bench.example.org") for n in range(bulk)]
    start = time.perf_counter()
    with transaction.atomic():
        services.record_many(actor=actor, verb="bench.bulk",
                             items=[(person, None, {"employee_id": f"B{n:07d}", "org_unit": "BENCH"})
                                    for n, person in enumerate(people)])
    print(f"{connection.vendor}: record_many(), {bulk:,} events: {time.perf_counter() - start:.2f} s", flush=True)
    try:
        from audits import chain
    except ImportError:
        return
    start = time.perf_counter()
    result = chain.verify()
    print(f"{connection.vendor}: verify, {result.count:,} events: {time.perf_counter() - start:.2f} s "
          f"({'intact' if result.ok else result.problem})", flush=True)


if __name__ == "__main__":
    numbers = [int(arg) for arg in sys.argv[1:]] or [2000, 100_000]
    main(numbers[0], numbers[1] if len(numbers) > 1 else 100_000)
