"""A worker killed mid-upload: the job's message comes back and the next worker resumes it.

Real parts throughout: Redis as the broker (BRACE_TEST_REDIS_URL), Celery
worker processes on the test database, the test provider's Dropbox API with
its upload sessions and 4 MiB chunks, the portal's API for the end user. The
visibility timeout and the job lease are short (seconds) so that the message
of the killed worker comes back soon; the provider answers each append a
little late so that the kill lands mid-upload. The first worker's whole
process group gets SIGKILL once about a third of the chunks are confirmed;
a second worker must finish the upload from the confirmed offset: the
provider then holds exactly one file with the very bytes picked. And the
other way round: a copy of the message that reaches a second worker while the
first is alive and uploading leaves the job to it (the copy waits and checks
again: Celery's "Retry in").
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from celery import current_app

from tests.builder.portal.support import fire, pick, publish_seed_on_provider
from tests.oauth_provider.dropbox import ProviderApis
from tests.processes import brace_env

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

MiB = 1024 * 1024
CHUNK = 4 * MiB
CHUNKS = 12
LEASE_S = 3
VISIBILITY_TIMEOUT_S = 5
LIVE = ("queued", "running")


@pytest.fixture
def broker(redis_url: str, settings: Any) -> Iterator[str]:
    """This process sends the job's message to Redis, as a web process would.

    To a queue of the test's own (the name yielded), which only its workers
    consume: the Redis database is shared with other tests' workers, which
    would take the message and find no such job in their database, and with
    messages other tests left behind.
    """
    from config.celery import app

    queue = f"brace-test-{uuid.uuid4().hex}"
    keys = ("broker_url", "broker_transport_options", "task_routes")
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(
        broker_url=redis_url,
        broker_transport_options={"visibility_timeout": VISIBILITY_TIMEOUT_S},
        task_routes={"builder.tasks.run_event_job": {"queue": queue}},
    )
    app._pool = None  # type: ignore[attr-defined]
    app.amqp._producer_pool = None  # type: ignore[attr-defined]
    previous_app = current_app._get_current_object()  # type: ignore[attr-defined]
    app.set_current()
    try:
        yield queue
    finally:
        app.conf.update(saved)
        app._pool = None  # type: ignore[attr-defined]
        app.amqp._producer_pool = None  # type: ignore[attr-defined]
        previous_app.set_current()


class Workers:
    """Celery worker processes, each the leader of its own process group."""

    def __init__(self, var_dir: Path, redis_url: str, queue: str, logs: Path) -> None:
        self.queue = queue
        self.env = brace_env(
            var_dir,
            REDIS_URL=redis_url,
            BRACE_OUTBOUND_ALLOW_PRIVATE="1",  # the provider is on loopback
            BRACE_UPLOAD_SESSION_THRESHOLD_BYTES=str(CHUNK),
            BRACE_UPLOAD_SESSION_CHUNK_BYTES=str(CHUNK),
            BRACE_JOB_LEASE_S=str(LEASE_S),
            BRACE_CELERY_VISIBILITY_TIMEOUT_S=str(VISIBILITY_TIMEOUT_S),
        )
        self.logs = logs
        self.started: list[subprocess.Popen[bytes]] = []

    def start(self, name: str) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo"]
        worker = subprocess.Popen(
            [*command, "-Q", self.queue, "--loglevel", "INFO", "--hostname", f"{name}@%h"],
            cwd=self.env["PYTHONPATH"],
            env=self.env,
            stdout=(self.logs / f"{name}.log").open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.started.append(worker)
        return worker

    def kill(self, worker: subprocess.Popen[bytes]) -> None:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)

    def log(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-4000:]}"
            for path in sorted(self.logs.glob("*.log"))
        )

    def stop_all(self) -> None:
        for worker in self.started:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
        for worker in self.started:
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()


@pytest.fixture
def workers(tmp_path: Path, redis_url: str, broker: str, settings: Any) -> Iterator[Workers]:
    var_dir = tmp_path / "worker-var"
    var_dir.mkdir()
    settings.MEDIA_ROOT = str(var_dir / "media")  # picked files, read by the workers
    logs = tmp_path / "logs"
    logs.mkdir()
    started = Workers(var_dir, redis_url, broker, logs)
    try:
        yield started
    finally:
        started.stop_all()


@pytest.fixture
def app(
    settings: Any,
    apis: ProviderApis,
    provider: Any,
    oauth_datasource: Callable[..., Any],
    authorize: Callable[..., Any],
    dropbox_portal: dict[str, Any],
    page: Any,
    members: dict[str, Any],
) -> Any:
    """The seed app on the provider's Dropbox API, published."""
    settings.BRACE_EVENT_BACKGROUND_BYTES = 1024
    datasource = oauth_datasource(scopes=["files.content.write"])
    return publish_seed_on_provider(
        dropbox_portal, page, datasource, provider.url("/"), authorize, members["developer"]
    )


def poll(read: Callable[[], dict[str, Any]], done: Callable[[dict[str, Any]], bool]) -> Any:
    """Read until ``done`` says so, for at most a generous three minutes; the last read."""
    deadline = time.monotonic() + 180
    seen = read()
    while not done(seen) and time.monotonic() < deadline:
        time.sleep(0.1)
        seen = read()
    return seen


def test_a_worker_killed_mid_upload_is_resumed_by_the_next_one_from_the_confirmed_offset(
    app: Any,
    apis: ProviderApis,
    broker: str,
    workers: Workers,
    client_as: Callable[[str], Any],
) -> None:
    content = os.urandom(CHUNKS * CHUNK + 12345)
    apis.slow_appends(0.4)
    viewer = client_as("viewer")
    entry = pick(viewer, app, content, name="big.bin", content_type="application/octet-stream")
    first = workers.start("first")

    queued = fire(viewer, app, "FilePicker1", "onFilesSelected", {"files": [entry]})
    assert queued.status_code == 200, queued.content
    (line,) = queued.json()["jobs"]

    def job() -> dict[str, Any]:
        return dict(viewer.get(f"/api/v1/runtime/jobs/{line['id']}/").json())

    third = CHUNKS // 3 * CHUNK
    midway = poll(job, lambda seen: seen["bytes_done"] >= third or seen["status"] not in LIVE)
    assert midway["status"] == "running" and midway["bytes_done"] >= third, (
        midway,
        workers.log(),
    )
    workers.kill(first)
    killed_at = job()
    assert killed_at["status"] == "running", killed_at
    assert third <= killed_at["bytes_done"] < len(content)
    assert killed_at["attempts"] == 1

    apis.slow_appends(0)
    workers.start("second")
    ended = poll(job, lambda seen: seen["status"] not in LIVE)

    assert ended["status"] == "succeeded", (ended, workers.log())
    assert ended["attempts"] == 2
    assert (ended["bytes_done"], ended["total_bytes"], ended["progress"]) == (
        len(content),
        len(content),
        1.0,
    )
    assert ended["result"]["widgets"]["Result"]["text"] == "Stored as /big.bin"
    files = apis.files()
    assert list(files) == ["/big.bin"]  # one file: no copy renamed "big (1).bin"
    assert files["/big.bin"]["size"] == len(content)
    assert files["/big.bin"]["sha256"] == hashlib.sha256(content).hexdigest()
    sent = [seen["api"] for seen in apis.requests() if seen["api"].startswith("dropbox.upload")]
    # One session from start to finish: the second worker went on with the first one's.
    assert sent.count("dropbox.upload_session.start") == 1, sent
    assert sent.count("dropbox.upload_session.finish") == 1, sent
    assert "dropbox.upload" not in sent


def test_a_copy_of_the_message_delivered_while_the_worker_is_alive_does_not_run_it_twice(
    app: Any,
    apis: ProviderApis,
    broker: str,
    workers: Workers,
    client_as: Callable[[str], Any],
) -> None:
    # Appends slow enough that the upload outlasts the visibility timeout: Redis
    # hands the unacknowledged message to the other, idle worker meanwhile.
    content = os.urandom(CHUNKS * CHUNK)
    apis.slow_appends(1.0)
    viewer = client_as("viewer")
    entry = pick(viewer, app, content, name="big.bin", content_type="application/octet-stream")
    workers.start("first")
    workers.start("second")
    queued = fire(viewer, app, "FilePicker1", "onFilesSelected", {"files": [entry]})
    assert queued.status_code == 200, queued.content
    (line,) = queued.json()["jobs"]

    def job() -> dict[str, Any]:
        return dict(viewer.get(f"/api/v1/runtime/jobs/{line['id']}/").json())

    ended = poll(job, lambda seen: seen["status"] not in LIVE)

    assert ended["status"] == "succeeded", (ended, workers.log())
    assert ended["attempts"] == 1
    # The copy reached the worker that did not run the job, which left it alone.
    logs = [path.read_text(errors="replace") for path in workers.logs.glob("*.log")]
    assert any("Retry in" in log for log in logs), workers.log()
    files = apis.files()
    assert list(files) == ["/big.bin"]
    assert files["/big.bin"]["sha256"] == hashlib.sha256(content).hexdigest()
    sent = [seen["api"] for seen in apis.requests() if seen["api"].startswith("dropbox.upload")]
    assert sent.count("dropbox.upload_session.start") == 1, sent
