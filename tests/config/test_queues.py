"""Celery's two queues: `uploads` for the portal's long background events,
`upkeep` for token refreshes and purges, so a flood of uploads never delays a
refresh. Routing is checked on a real (private) Redis by reading its queue
lists, and a real `-Q upkeep` worker runs a refresh while `uploads` is full.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from celery import Celery

from tests.processes import ROOT, brace_env
from tests.redis_server import PrivateRedis

UPLOAD = "builder.tasks.run_event_job"
REFRESH = "datasources.tasks.refresh_expiring_tokens"
ROUTES = {
    UPLOAD: "uploads",
    REFRESH: "upkeep",
    "builder.tasks.purge_expired_runtime_files": "upkeep",
    "builder.tasks.purge_finished_event_jobs": "upkeep",
}

# Procfile.production's upkeep worker, in one process.
UPKEEP_WORKER = ["-Q", "upkeep", "--pool", "solo", "--loglevel", "INFO"]

pytestmark = pytest.mark.redis


def _client(url: str) -> Celery:
    """A Celery client with Brace's own Celery settings, on the given Redis."""
    client = Celery("brace-test-client", set_as_current=False)
    client.config_from_object("django.conf:settings", namespace="CELERY")
    client.conf.update(broker_url=url, result_backend=url, broker_transport_options={})
    return client


def _queued(server: PrivateRedis, queue: str) -> list[str]:
    """Task names of the messages waiting in a queue (kombu keeps a Redis list per queue)."""
    return [json.loads(raw)["headers"]["task"] for raw in server.client().lrange(queue, 0, -1)]


def test_every_task_goes_to_its_queue(private_redis: PrivateRedis) -> None:
    client = _client(private_redis.url)
    for task in ROUTES:
        client.send_task(task, args=["job"] if task == UPLOAD else [])
    client.send_task("brace.some_future_task")
    assert _queued(private_redis, "uploads") == [UPLOAD]
    # A task no route names lands on upkeep, which every deployment consumes.
    assert sorted(_queued(private_redis, "upkeep")) == sorted(
        [*(task for task, queue in ROUTES.items() if queue == "upkeep"), "brace.some_future_task"]
    )
    assert not private_redis.client().exists("celery")


def test_the_tasks_own_dispatch_uses_the_routes() -> None:
    """`run_event_job.delay_on_commit` in the portal names no queue: the route decides."""
    from config.celery import app

    for task, queue in ROUTES.items():
        assert app.amqp.router.route({}, task)["queue"].name == queue


@pytest.mark.django_db(transaction=True)
def test_a_refresh_runs_while_the_uploads_queue_is_flooded(
    private_redis: PrivateRedis, tmp_path: Path
) -> None:
    for folder in ("queue", "processed", "results", "control"):
        (tmp_path / "celery" / folder).mkdir(parents=True)
    client = _client(private_redis.url)
    # Far more uploads than any worker pool holds, and no uploads worker free.
    for number in range(200):
        client.send_task(UPLOAD, args=[f"flood-{number}"])
    log = tmp_path / "worker-upkeep.log"
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", *UPKEEP_WORKER],
        cwd=ROOT,
        env=brace_env(tmp_path, REDIS_URL=private_redis.url),
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        result = client.send_task(REFRESH).get(timeout=60)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert (result["refreshed"], result["failed"]) == (0, 0)
    # The upkeep worker took nothing from the uploads queue.
    assert private_redis.client().llen("uploads") == 200
    assert f"Task {UPLOAD}[" not in log.read_text()
    assert f"Task {REFRESH}[" in log.read_text()


def _procfile(name: str) -> dict[str, str]:
    lines = (ROOT / name).read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip())


def _consumed(command: str) -> set[str]:
    words = command.split()
    return set(words[words.index("-Q") + 1].split(",")) if "-Q" in words else set()


def test_the_procfiles_consume_every_queue() -> None:
    from django.conf import settings

    queues = {queue.name for queue in settings.CELERY_TASK_QUEUES}
    production = _procfile("Procfile.production")
    assert set(production) == {"web", "worker-uploads", "worker-upkeep", "beat"}
    assert production["web"].startswith("gunicorn -c config/gunicorn.py config.wsgi")
    assert _consumed(production["worker-uploads"]) == {"uploads"}
    assert _consumed(production["worker-upkeep"]) == {"upkeep"}
    # `make run`'s single worker takes both.
    assert _consumed(_procfile("Procfile")["worker"]) == queues == {"uploads", "upkeep"}
