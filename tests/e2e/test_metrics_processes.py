"""/metrics under production's processes: gunicorn (config/gunicorn.py, two workers) and a
real Celery worker, each kind writing into its own PROMETHEUS_MULTIPROC_DIR as
Procfile.production sets them. Requests land on either gunicorn worker; the
token refresh runs in the Celery worker; one scrape shows them all.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from celery import Celery
from django.utils import timezone

from datasources.models import AuthType, Datasource, OAuthToken, TokenStatus
from tests.processes import ROOT, brace_env, stop

pytestmark = pytest.mark.django_db(transaction=True)

TOKEN = "scrape-token-1234"
TASK = "datasources.tasks.refresh_expiring_tokens"
REQUESTS = 12


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT
    )


def _stop(*processes: subprocess.Popen[bytes]) -> None:
    stop(*processes, timeout_s=30)


def _wait_for(condition, what: str, log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    raise AssertionError(f"{what} did not happen:\n{log.read_text()[-3000:]}")


def _client(var_dir: Path) -> Celery:
    """A client of the worker's filesystem transport, with Brace's routes."""
    queue = str(var_dir / "celery" / "queue")
    client = Celery("brace-test-client", set_as_current=False)
    client.config_from_object("django.conf:settings", namespace="CELERY")
    client.conf.update(
        broker_url="filesystem://localhost//",
        broker_transport_options={
            "data_folder_in": queue,
            "data_folder_out": queue,
            "control_folder": str(var_dir / "celery" / "control"),
        },
        result_backend=f"file://{var_dir / 'celery' / 'results'}",
    )
    return client


def _value(body: str, sample: str) -> float:
    match = re.search(rf"^{re.escape(sample)} (\S+)$", body, re.MULTILINE)
    assert match, f"{sample} not in:\n{body}"
    return float(match.group(1))


def test_one_scrape_sums_the_web_workers_and_the_celery_worker(
    tmp_path, workspace, server, settings
):
    # A token due for refresh whose token endpoint answers 503.
    datasource = Datasource.objects.create(
        workspace=workspace,
        name="Api",
        url=server.url,
        auth_type=AuthType.OAUTH2,
        client_id="brace",
        client_secret="s3cret",
        access_token_url=server.url.rstrip("/") + "/status/503",
    )
    OAuthToken.objects.create(
        datasource=datasource,
        access_token="old",
        refresh_token="r1",
        status=TokenStatus.AUTHORIZED,
        expires_at=timezone.now() + timedelta(seconds=30),
    )
    var_dir = tmp_path / "var"
    for folder in ("queue", "processed", "results", "control"):
        (var_dir / "celery" / folder).mkdir(parents=True)
    web_dir, worker_dir = tmp_path / "metrics" / "web", tmp_path / "metrics" / "worker-upkeep"
    worker_dir.mkdir(parents=True)
    (worker_dir / "counter_999999.db").write_bytes(b"")  # an earlier run's file

    worker_log, web_log = tmp_path / "worker.log", tmp_path / "web.log"
    worker = _start(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "-l", "INFO"],
        brace_env(var_dir, PROMETHEUS_MULTIPROC_DIR=str(worker_dir)),
        worker_log,
    )
    web = _start(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"],
        brace_env(
            var_dir,
            PROMETHEUS_MULTIPROC_DIR=str(web_dir),
            BRACE_METRICS_MERGE_DIRS=str(worker_dir),
            BRACE_METRICS_TOKEN=TOKEN,
            BIND="127.0.0.1:0",
            ALLOWED_HOSTS="127.0.0.1",
            WEB_CONCURRENCY="2",
            GUNICORN_THREADS="2",
        ),
        web_log,
    )
    try:
        _wait_for(lambda: "ready." in worker_log.read_text(), "the worker's start", worker_log)
        assert not (worker_dir / "counter_999999.db").exists()
        report = _client(var_dir).send_task(TASK).get(timeout=60)
        assert report["failed"] == 1

        _wait_for(lambda: "Listening at" in web_log.read_text(), "gunicorn's start", web_log)
        _wait_for(lambda: web_log.read_text().count("Booting worker") >= 2, "2 workers", web_log)
        port = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", web_log.read_text())
        assert port
        base = f"http://127.0.0.1:{port.group(1)}"
        for page in range(REQUESTS):
            # A new connection each: the two workers share the listening socket.
            assert httpx.get(f"{base}/api/v1/pages/{page + 1}/").status_code == 401
        assert httpx.get(f"{base}/metrics").status_code == 401
        scraped = httpx.get(f"{base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    finally:
        _stop(web, worker)

    assert scraped.status_code == 200
    body = scraped.text
    route = 'brace_http_requests_total{method="GET",route="page-detail",status="401"}'
    assert _value(body, route) == REQUESTS
    assert _value(body, 'brace_http_requests_total{method="GET",route="metrics",status="401"}') == 1
    # Recorded by the Celery worker, in its own directory.
    assert _value(body, 'brace_token_refreshes_total{outcome="provider_unavailable"}') == 1
    # Read from the database at the scrape.
    assert _value(body, 'brace_background_jobs_in_state{state="queued"}') == 0
    # Each gunicorn worker writes files of its own, named by its pid.
    booted = set(re.findall(r"Booting worker with pid: (\d+)", web_log.read_text()))
    writers = {path.stem.split("_")[1] for path in web_dir.glob("counter_*.db")}
    assert writers and writers <= booted
