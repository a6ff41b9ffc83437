"""Time the HR roster import at district scale: ``python -m bench.roster 10000 150000``.

For each size, on a fresh database (``bench.seed.fresh_database``): the demo district's org units, then a
generated roster of that many people (ten reports per supervisor), timed through
``import_roster`` twice: the first import creates everyone, the second finds nothing to
do. The budget (issue [roster]): 150,000 rows in under two minutes on this machine.
"""

import os
import sys
import time


from .seed import fresh_database


def roster_csv(size: int, codes: list[str]) -> bytes:
    lines = ["employee_id,email,full_name,kind,org_unit,supervisor_id,active,job_title"]
    for n in range(1, size + 1):
        supervisor = f"B{n // 10:07d}" if n >= 10 else ""
        lines.append(f"B{n:07d},person{n}@bench.example.org,Person {n},employee,{codes[n % len(codes)]},"
                     f"{supervisor},yes,Teacher")
    return ("\n".join(lines) + "\n").encode()


def main(sizes: list[int]) -> None:
    fresh_database()
    from django.core.management import call_command

    from people.demo import UNITS
    from people.models import OrgUnit, User

    units = {}
    for code, name, kind, parent in UNITS:
        units[code], _ = OrgUnit.objects.get_or_create(code=code, defaults={"name": name, "kind": kind,
                                                                            "parent": units.get(parent)})
    codes = list(units)
    for size in sizes:
        bench_people = User.objects.filter(email__endswith="@bench.example.org")
        bench_people.update(supervisor=None)
        bench_people.delete()
        path = os.path.join(os.environ["VAR_DIR"], f"roster-{size}.csv")
        with open(path, "wb") as handle:
            handle.write(roster_csv(size, codes))
        for label in ("first import", "again (no change)"):
            start = time.perf_counter()
            call_command("import_roster", path, stdout=open(os.devnull, "w"))
            print(f"roster import, {size:>7,} rows, {label}: {time.perf_counter() - start:6.1f} s", flush=True)


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [10_000, 150_000])
