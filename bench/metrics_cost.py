"""Benchmark what metrics cost: one recorded request, and rendering /metrics from many processes.

    .venv/bin/python bench/metrics_cost.py [--calls 20000] [--processes 4,16,64]

* recording: ``metrics.http_request`` (a counter and a histogram, the
  middleware's whole work), in a process without and one with
  PROMETHEUS_MULTIPROC_DIR (the mode is chosen at import, so each runs in a
  process of its own);
* rendering: ``metrics.exposition`` over the files of N processes, each
  having recorded 40 routes x 3 statuses of requests and 5 presets x 4
  outcomes of query runs (what a busy day's gunicorn workers leave behind).

Prints a Markdown section for bench/RESULTS.md ("metrics"). Nothing here is
part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

RECORD = """
import time, metrics
calls = {calls}
started = time.perf_counter()
for i in range(calls):
    metrics.http_request("GET", "page-detail", 200, 0.01)
print((time.perf_counter() - started) / calls * 1e6)
"""

FILL = """
import metrics
for route in range(40):
    for status in (200, 401, 404):
        metrics.http_request("GET", f"route-{route}", status, 0.05)
for preset in ("dropbox", "google_docs", "zoho_campaigns", "custom", "none"):
    for outcome in ("success", "http_status", "timeout", "binding_error"):
        metrics.query_run(preset, outcome, 0.5)
"""

RENDER = """
import time, metrics
runs = []
for _ in range(5):
    started = time.perf_counter()
    body = metrics.exposition()
    runs.append(time.perf_counter() - started)
print(min(runs) * 1000, len(body))
"""


def _python(code: str, directory: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    env["PYTHONPATH"] = str(ROOT)
    if directory:
        env["PROMETHEUS_MULTIPROC_DIR"] = directory
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=20000)
    parser.add_argument("--processes", default="4,16,64")
    args = parser.parse_args()
    record = RECORD.format(calls=args.calls)
    single = statistics.median(float(_python(record, None)) for _ in range(3))
    with tempfile.TemporaryDirectory() as folder:
        multi = statistics.median(float(_python(record, folder)) for _ in range(3))
    rows: list[tuple[int, float, int]] = []
    for count in (int(n) for n in args.processes.split(",")):
        with tempfile.TemporaryDirectory() as folder:
            for _ in range(count):
                _python(FILL, folder)
            rendering, length = _python(RENDER, folder).split()
            rows.append((count, float(rendering), int(length)))
    print("## metrics\n")
    print(f"`bench/metrics_cost.py --calls {args.calls} --processes {args.processes}`.")
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, load {os.getloadavg()[0]:.1f}. "
        f"Date: {time.strftime('%Y-%m-%d')}.\n"
    )
    print("| measurement | result |\n| --- | ---: |")
    print(f"| one request recorded, single process | {single:.1f} µs |")
    print(f"| one request recorded, multiprocess mode (mmap files) | {multi:.1f} µs |")
    for count, milliseconds, size in rows:
        rendered = f"{milliseconds:.0f} ms ({size // 1024} KiB)"
        print(f"| /metrics rendered from {count} processes' files | {rendered} |")


if __name__ == "__main__":
    main()
