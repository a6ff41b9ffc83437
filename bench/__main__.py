"""``make bench`` (``python -m bench``): every benchmark, each in a fresh process and
database, and one markdown table of what they printed, also written to bench/RESULTS.md
with the machine, the database and the date. Timings never go in the test suite.

Each benchmark module prints lines of the form ``what: figure`` and takes its sizes on
the command line; the defaults below are the issues' district sizes.
"""

import os
import platform
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

BENCHMARKS = [
    ("bench.roster", ["10000", "150000"]),
    ("bench.audit", ["5000", "50000"]),
    ("bench.trail", ["2000", "100000"]),
]
HERE = Path(__file__).resolve().parent


def main() -> int:
    database = os.environ.get("DATABASE_URL", "SQLite (a fresh file per benchmark)").split("@")[-1]
    rows, failed = [], False
    for module, sizes in BENCHMARKS:
        result = subprocess.run([sys.executable, "-m", module, *sizes], capture_output=True, text=True,
                                cwd=HERE.parent)
        lines = [line for line in result.stdout.splitlines() if ":" in line]
        if result.returncode != 0:
            failed = True
            lines.append(f"{module}: FAILED (exit {result.returncode}): {result.stderr.strip().splitlines()[-1:]}")
        for line in lines:
            what, _, figure = line.rpartition(":")
            rows.append((what.strip(), figure.strip()))
            print(line, flush=True)
    report = [
        "# Benchmark results", "",
        f"- Date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        f"- Database: {database}", "",
        "| measurement | figure |", "| --- | --- |",
        *[f"| {what} | {figure} |" for what, figure in rows], "",
    ]
    (HERE / "RESULTS.md").write_text("\n".join(report))
    print(f"\nWritten to {HERE / 'RESULTS.md'}.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
