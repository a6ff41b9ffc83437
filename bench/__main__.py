"""``make bench`` (``python -m bench [--postgres URL]``): every benchmark, each in a fresh
process and database, on SQLite and, given a PostgreSQL server's URL, on PostgreSQL too;
one markdown table of what they printed, also written to bench/RESULTS.md with the
machine, the databases and the date. Timings never go in the test suite.

Each benchmark module prints lines ``what: figure``, or ``what: figure | target | mark``
where the issue sets a target (mark ``pass`` or ``FAIL``), and takes its sizes on the
command line; the defaults below are the issues' district sizes. A line may start with the
database's name (``sqlite:``); the table has a column for it instead.
"""

import argparse
import os
import platform
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

BENCHMARKS = [
    ("bench.district", ["city", "largest"]),
    ("bench.load", ["city"]),
    ("bench.audit", ["5000", "50000"]),
    ("bench.roster", ["10000", "150000"]),
    ("bench.trail", ["2000", "100000"]),
]
HERE = Path(__file__).resolve().parent
VENDORS = ("sqlite: ", "postgresql: ")


def run(database: str, env: dict) -> tuple[list[tuple], bool]:
    rows, failed = [], False
    for module, sizes in BENCHMARKS:
        result = subprocess.run([sys.executable, "-m", module, *sizes], capture_output=True, text=True,
                                cwd=HERE.parent, env=env)
        lines = [line for line in result.stdout.splitlines() if ":" in line]
        if result.returncode != 0:
            failed = True
            lines.append(f"{module}: FAILED (exit {result.returncode}): {result.stderr.strip().splitlines()[-1:]}")
        for line in lines:
            print(f"[{database}] {line}", flush=True)
            for vendor in VENDORS:
                line = line.removeprefix(vendor)
            head, _, rest = line.partition(" | ")
            what, _, figure = head.rpartition(":") if head.count(":") else ("", "", head)
            target, _, mark = rest.partition(" | ")
            rows.append((database, what.strip(), figure.strip(), target.strip(), mark.strip()))
            failed = failed or mark.strip() == "FAIL"
    return rows, failed


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--postgres", metavar="URL", help="also run on this PostgreSQL server, e.g. "
                        "postgres://postgres@127.0.0.1:5432/mps_social (the benchmarks use <name>_bench)")
    options = parser.parse_args()
    runs = [("SQLite", {key: value for key, value in os.environ.items() if key != "DATABASE_URL"})]
    if options.postgres:
        runs.append(("PostgreSQL", {**os.environ, "DATABASE_URL": options.postgres}))
    rows, missed = [], False
    for database, env in runs:
        found, failed = run(database, env)
        rows += found
        missed = missed or failed
    report = [
        "# Benchmark results", "",
        f"- Date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        f"- Databases: {', '.join(database for database, _ in runs)} (a fresh database per benchmark)",
        "- Targets are the issue's; `FAIL` marks a figure that misses its target.", "",
        "| database | measurement | figure | target | result |", "| --- | --- | --- | --- | --- |",
        *[f"| {' | '.join(row)} |" for row in rows], "",
    ]
    (HERE / "RESULTS.md").write_text("\n".join(report))
    print(f"\nWritten to {HERE / 'RESULTS.md'}.")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
