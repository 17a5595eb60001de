"""Procfile.production gives each process that records metrics a directory of its own, and
the web reads every worker's."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _environments() -> dict[str, dict[str, str]]:
    processes = {}
    for line in (ROOT / "Procfile.production").read_text().splitlines():
        if not line.strip():
            continue
        name, command = line.split(": ", 1)
        words = command.split()
        env = {}
        while words and re.fullmatch(r"[A-Z_]+=\S*", words[0]):
            key, value = words.pop(0).split("=", 1)
            env[key] = value
        processes[name] = env
    return processes


def test_every_worker_writes_where_the_web_reads() -> None:
    env = _environments()
    workers = [name for name in env if name.startswith("worker")]
    assert workers
    directories = [env[name]["PROMETHEUS_MULTIPROC_DIR"] for name in ("web", *workers)]
    assert len(set(directories)) == len(directories)  # none shares another's directory
    merged = env["web"]["BRACE_METRICS_MERGE_DIRS"].split(",")
    assert sorted(merged) == sorted(env[name]["PROMETHEUS_MULTIPROC_DIR"] for name in workers)
    assert "PROMETHEUS_MULTIPROC_DIR" not in env["beat"]  # it runs no tasks
