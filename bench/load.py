"""The public pages under concurrent load: ``python -m bench.load city``.

On a seeded district (``bench.seed``, in a fresh database), gunicorn serves the portal
with 2 workers and wrk (Debian's package; ``make bench`` installs it) sends requests over
``CONNECTIONS`` connections for ``SECONDS`` seconds to each address in turn, ``ROUNDS``
times over:

- a hello-world Django view behind the same middleware (``bench/urls.py``): the yardstick;
- the feed as an embed that already holds it asks for it (``If-None-Match``: a 304);
- the feed fetched whole, and the directory's first page;
- "is this account official?" asked about a lookalike of an official handle, and a
  school's own directory page: where a story about a fake school account sends families.

Requests per second and the 95th percentile latency of each, and each one's rate as a
share of hello-world's. The targets: the feed, revalidated (issue [performance]), and the
public pages a surge reaches (issue [public]: the directory, verify, a school's page), at
least half of hello-world's rate.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

CONNECTIONS = 16
SECONDS = 4
# Each address is loaded ROUNDS times for SECONDS, the addresses taking turns, so that a
# machine whose load drifts (other work on it) weighs on every address alike: its rate is
# the mean of its rounds', its p95 the worst of theirs.
ROUNDS = 3
TARGET_SHARE = 0.5
TARGETED = ("feed, revalidated", "directory, first page", "verify a lookalike", "a school's directory page")
# wrk prints these after its own summary: the rate and the 95th percentile in microseconds.
REPORT = """
done = function(summary, latency, requests)
  io.write(string.format("rate %.1f\\n", summary.requests / (summary.duration / 1e6)))
  io.write(string.format("p95 %d\\n", latency:percentile(95)))
  io.write(string.format("errors %d\\n", summary.errors.status + summary.errors.connect + summary.errors.read
                                         + summary.errors.write + summary.errors.timeout))
end
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 60 s")


def _wrk(url: str, script: str, headers: dict) -> dict:
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "-s", script, url]
    for name, value in headers.items():
        command[1:1] = ["-H", f"{name}: {value}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    figures = dict(re.findall(r"^(rate|p95|errors) ([\d.]+)$", output, re.MULTILINE))
    return {"rate": float(figures["rate"]), "p95_ms": int(figures["p95"]) / 1000, "errors": int(figures["errors"])}


def main(profile: str) -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (make bench installs it: apt-get install wrk).")
    from .seed import PROFILES, fresh_database, seed

    fresh_database()
    from django.db import connection

    seeded = seed(PROFILES[profile])
    connection.close()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "bench.wsgi", "--workers", "2", "--bind",
                               f"127.0.0.1:{port}", "--log-level", "warning"], env=env,
                              cwd=Path(__file__).resolve().parent.parent)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(REPORT)
    try:
        _wait_for(f"{base}/bench/hello/", server)
        etag = urllib.request.urlopen(f"{base}/directory/feed.json").headers["ETag"]
        runs = [
            ("hello-world view", "/bench/hello/", {}),
            ("feed, revalidated (304)", "/directory/feed.json", {"If-None-Match": etag}),
            ("feed, whole", "/directory/feed.json", {}),
            ("directory, first page", "/directory/", {}),
            ("verify a lookalike", f"/verify/?q=%40{seeded.verify_handle}_official", {}),
            ("a school's directory page", "/directory/unit-1/", {}),
        ]
        for _, path, _ in runs:  # each address once first: a surge meets a page already asked for
            urllib.request.urlopen(base + path).read()
        rounds = [{label: _wrk(base + path, script.name, headers) for label, path, headers in runs}
                  for _ in range(ROUNDS)]
        results = {label: {"rate": sum(run[label]["rate"] for run in rounds) / ROUNDS,
                           "p95_ms": max(run[label]["p95_ms"] for run in rounds),
                           "errors": sum(run[label]["errors"] for run in rounds)}
                   for label, _, _ in runs}
    finally:
        server.terminate()
        server.wait(timeout=30)
        os.unlink(script.name)
    hello = results["hello-world view"]["rate"]
    for label, figures in results.items():
        share = figures["rate"] / hello
        line = (f"{connection.vendor}: load ({profile}), {label}: {figures['rate']:,.0f} requests/s, "
                f"p95 {figures['p95_ms']:.1f} ms, {share:.2f}x hello-world"
                + (f", {figures['errors']} errors" if figures["errors"] else ""))
        if label.startswith(TARGETED):
            line += f" | >= {TARGET_SHARE}x hello-world | {'pass' if share >= TARGET_SHARE else 'FAIL'}"
        print(line, flush=True)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "city")
