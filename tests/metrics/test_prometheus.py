"""Multiprocess mode: real processes write their files, /metrics sums them; start and exit hooks.

The writers are plain Python processes (the metrics package needs no Django),
started with PROMETHEUS_MULTIPROC_DIR set as gunicorn's and Celery's workers
would be. The view reading them runs in this process, pointed at the same
directories.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from metrics import ScrapeGauge, add_scrape_gauge, exposition
from metrics.process_hooks import child_exit, on_starting
from metrics.prometheus import _scrape_gauges, clean_process_dir, mark_process_exited

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "scrape-token-1234"


def write_in_process(directory: Path, code: str) -> int:
    """Run ``code`` (with ``metrics`` imported) in a new process writing into ``directory``."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(directory), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", f"import os, metrics\n{code}\nprint(os.getpid())"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return int(done.stdout.strip())


def value(body: str, sample: str) -> float:
    match = re.search(rf"^{re.escape(sample)} (\S+)$", body, re.MULTILINE)
    assert match, f"{sample} not in the exposition"
    return float(match.group(1))


@pytest.mark.django_db
def test_the_view_sums_every_process_of_both_directories(client, settings, tmp_path, monkeypatch):
    web, worker = tmp_path / "web", tmp_path / "worker"
    write_in_process(web, "metrics.query_run('dropbox', 'success', 0.2)")
    write_in_process(web, "for _ in range(2): metrics.query_run('dropbox', 'success', 7)")
    write_in_process(web, "metrics.http_request('GET', 'metrics', 200, 0.01)")
    write_in_process(worker, "metrics.token_refresh('success'); metrics.job_state('succeeded')")
    write_in_process(worker, "metrics.token_refresh('success'); metrics.sandbox_timeout('handler')")
    assert len(list(web.glob("*.db"))) >= 3  # one file per kind and process

    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(web))
    settings.BRACE_METRICS_TOKEN = TOKEN
    settings.BRACE_METRICS_MERGE_DIRS = [str(worker), str(tmp_path / "not-started-yet")]
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    body = response.content.decode()

    runs = 'brace_query_runs_total{datasource="dropbox",outcome="success"}'
    assert value(body, runs) == 3
    assert value(body, 'brace_query_run_seconds_count{datasource="dropbox"}') == 3
    assert value(body, 'brace_query_run_seconds_sum{datasource="dropbox"}') == 14.2
    # Histogram buckets are cumulative after the merge: 0.2 s once, 7 s twice.
    assert value(body, 'brace_query_run_seconds_bucket{datasource="dropbox",le="0.25"}') == 1
    assert value(body, 'brace_query_run_seconds_bucket{datasource="dropbox",le="10.0"}') == 3
    assert value(body, 'brace_token_refreshes_total{outcome="success"}') == 2
    assert value(body, 'brace_background_jobs_total{state="succeeded"}') == 1
    assert value(body, 'brace_sandbox_timeouts_total{kind="handler"}') == 1
    requests = 'brace_http_requests_total{method="GET",route="metrics",status="200"}'
    assert value(body, requests) == 1  # this scrape's own count is in this process only
    # The scrape gauges are read in multiprocess mode too.
    assert value(body, 'brace_background_jobs_in_state{state="queued"}') == 0
    assert body.count("# TYPE brace_query_runs_total counter") == 1


def test_without_the_directory_this_process_is_rendered(monkeypatch):
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    from metrics import recorders

    recorders.QUERY_RUNS.labels(datasource="google_docs", outcome="timeout").inc()
    body = exposition().decode()
    assert value(body, 'brace_query_runs_total{datasource="google_docs",outcome="timeout"}') >= 1


def test_a_starting_process_drops_earlier_runs_files_but_its_own(tmp_path, monkeypatch):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path / "web"))
    pid = write_in_process(tmp_path / "web", "metrics.token_refresh('success')")
    stale = tmp_path / "web" / f"counter_{pid}.db"
    own = tmp_path / "web" / f"counter_{os.getpid()}.db"
    own.write_bytes(b"")
    other = tmp_path / "web" / "notes.txt"
    other.write_text("kept")
    on_starting(server=None)
    assert not stale.exists()
    assert own.exists() and other.exists()
    # A directory not made yet is made.
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path / "new"))
    clean_process_dir()
    assert (tmp_path / "new").is_dir()


def test_an_exited_worker_keeps_its_totals_and_loses_its_live_gauges(tmp_path, monkeypatch):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    live = tmp_path / "gauge_livesum_4242.db"
    total = tmp_path / "counter_4242.db"
    for path in (live, total):
        path.write_bytes(b"")

    class Worker:
        pid = 4242

    child_exit(server=None, worker=Worker())
    assert not live.exists()
    assert total.exists()


def test_without_the_directory_the_hooks_do_nothing(tmp_path, monkeypatch):
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    stray = tmp_path / "gauge_livesum_4242.db"
    stray.write_bytes(b"")
    clean_process_dir()
    mark_process_exited(4242)
    assert stray.exists()


def test_a_scrape_gauge_that_fails_is_left_out_and_the_rest_served(monkeypatch, caplog):
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    monkeypatch.setattr("metrics.prometheus._scrape_gauges", dict(_scrape_gauges))

    def broken() -> dict[tuple[str, ...], float]:
        raise ConnectionError("database is down")

    add_scrape_gauge(ScrapeGauge("brace_test_broken", "Fails.", ["state"], broken))
    add_scrape_gauge(ScrapeGauge("brace_test_fine", "Reads.", ["state"], lambda: {("a",): 2.0}))
    body = exposition().decode()
    assert "brace_test_broken" not in body
    assert value(body, 'brace_test_fine{state="a"}') == 2
    assert "# TYPE brace_sandbox_timeouts_total counter" in body
    assert "brace_test_broken could not be read" in caplog.text
