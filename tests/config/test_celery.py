"""Celery runs real workers in both modes: Redis when REDIS_URL is set, and
kombu's filesystem transport as the embedded default (nothing runs inline).

Each test starts real `celery worker` (and `beat`) processes against the test
database and sends them the token refresh task by name.
"""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from celery import Celery

from tests.processes import ROOT, brace_env, stop

TASK = "datasources.tasks.refresh_expiring_tokens"


def _celery(*args: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", *args, "--loglevel", "INFO"],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def _stop(*processes: subprocess.Popen[bytes]) -> None:
    stop(*processes)


def _filesystem_client(var_dir: Path) -> Celery:
    queue = str(var_dir / "celery" / "queue")
    client = Celery("brace-test-client", set_as_current=False)
    # Brace's own routes and queues: the worker consumes `uploads` and `upkeep`.
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


@pytest.fixture
def var_dir(tmp_path: Path) -> Iterator[Path]:
    for folder in ("queue", "processed", "results", "control"):
        (tmp_path / "celery" / folder).mkdir(parents=True)
    yield tmp_path


@pytest.mark.django_db(transaction=True)
def test_embedded_worker_runs_tasks_over_the_filesystem_transport(
    var_dir: Path, tmp_path: Path
) -> None:
    worker = _celery(
        "worker", "--pool", "solo", env=brace_env(var_dir), log=tmp_path / "worker.log"
    )
    try:
        client = _filesystem_client(var_dir)
        result = client.send_task(TASK).get(timeout=60)
    finally:
        _stop(worker)
    # The task's own report, computed in the worker against the test database.
    assert (result["refreshed"], result["failed"]) == (0, 0)
    log = (tmp_path / "worker.log").read_text()
    assert "filesystem://:**@localhost//" in log
    assert "No hostname was supplied" not in log


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_worker_runs_tasks_over_redis(var_dir: Path, tmp_path: Path, redis_url: str) -> None:
    queue = f"brace-test-{uuid.uuid4().hex}"
    env = brace_env(var_dir, REDIS_URL=redis_url)
    worker = _celery("worker", "--pool", "solo", "-Q", queue, env=env, log=tmp_path / "w.log")
    try:
        client = Celery(
            "brace-test-client", broker=redis_url, backend=redis_url, set_as_current=False
        )
        result = client.send_task(TASK, queue=queue).get(timeout=60)
    finally:
        _stop(worker)
    assert (result["refreshed"], result["failed"]) == (0, 0)
    assert "redis://" in (tmp_path / "w.log").read_text()


@pytest.mark.django_db(transaction=True)
def test_beat_schedules_the_token_refresh_for_the_embedded_worker(
    var_dir: Path, tmp_path: Path
) -> None:
    env = brace_env(var_dir, BRACE_TOKEN_REFRESH_INTERVAL_S="1")
    worker_log = tmp_path / "worker.log"
    worker = _celery("worker", "--pool", "solo", env=env, log=worker_log)
    beat = _celery("beat", env=env, log=tmp_path / "beat.log")
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if f"Task {TASK}[" in worker_log.read_text() and " succeeded in " in (
                worker_log.read_text()
            ):
                break
            time.sleep(0.5)
    finally:
        _stop(beat, worker)
    log = worker_log.read_text()
    assert f"Task {TASK}[" in log and " succeeded in " in log, log[-2000:]
    assert "Sending due task refresh-expiring-oauth2-tokens" in (tmp_path / "beat.log").read_text()


def test_settings_pick_the_broker_from_redis_url(tmp_path: Path) -> None:
    code = "from django.conf import settings; print(settings.CELERY_BROKER_URL)"
    base = brace_env(tmp_path)
    base.pop("DATABASE_URL")
    embedded = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        check=True,
    )
    with_redis = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**base, "REDIS_URL": "redis://127.0.0.1:6379/3"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert embedded.stdout.strip() == "filesystem://localhost//"
    assert with_redis.stdout.strip() == "redis://127.0.0.1:6379/3"
