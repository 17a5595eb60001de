"""Brace scaled out: two web servers, two Celery workers and beat on PostgreSQL and Redis.

Every process is real (``tests.cluster``): two gunicorn servers (gthread) on
free loopback ports, a Celery worker for the queue background events go to
and one for upkeep (token refresh, purges), celery beat, all on the
PostgreSQL test database and Redis (``BRACE_TEST_REDIS_URL``), with the test
OAuth provider and its Dropbox API. The seed app is built, authorized and
published in this process (committed: the servers see it); end users then
pick files and fire events over HTTP only, split across both servers.

* 100 events at once on a token that has just expired (at the provider and in
  Brace's row; or at the provider only; or with the new token living less
  than Brace's refresh margin): every upload succeeds, and the provider's
  token endpoint sees one refresh. The lock that makes it one must hold
  across processes.
* 20 background jobs, and in the middle of their run one web server and the
  worker running them are killed (SIGKILL, whole process group) and a
  replacement worker starts: every job ends succeeded, once, and the
  provider holds each file once. A job that was running on the killed worker
  is only finished by the redelivery of its message (acks_late, a short
  visibility timeout) and the takeover of its lease.

Needs PostgreSQL (``DATABASE_URL=postgres://...``) and Redis.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from django.conf import settings
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from tests.cluster import Cluster, Web
from tests.e2e.seed_app import (
    API,
    SeedApp,
    authorize_in_browser,
    build_seed_app,
    publish,
)
from tests.oauth_provider.dropbox import ProviderApis
from tests.oauth_provider.process import Provider
from tests.processes import brace_env
from tests.redis_server import TEST_REDIS_URL, redis_is_up

EVENTS = 100
END_USERS = 25  # each fires EVENTS // END_USERS events on its own picked file
JOBS = 20
# Shorter than Brace's 60-second refresh margin, long enough for the 100 events.
SHORT_LIFETIME_S = 40
# Events whose picked files are larger than this run as background jobs; the
# small files of the 100-event test stay below it.
BACKGROUND_BYTES = 4096
JOB_FILE_BYTES = 64 * 1024
# The provider's Dropbox API waits this long before answering each upload, so
# that the run of jobs lasts long enough to be cut in the middle.
UPLOAD_DELAY_S = 0.4
# Redis hands a message whose worker died to another after the visibility
# timeout, and that worker takes the job over once the dead one's lease has run
# out: seconds here, not the production 15 and 2 minutes.
VISIBILITY_TIMEOUT_ENV = {"BRACE_CELERY_VISIBILITY_TIMEOUT_S": "10", "BRACE_JOB_LEASE_S": "4"}


pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="needs PostgreSQL: DATABASE_URL=postgres://...",
    ),
    pytest.mark.skipif(
        not os.environ.get("CI") and not redis_is_up(), reason=f"needs Redis at {TEST_REDIS_URL}"
    ),
]


def _queue_of(task: str) -> str:
    """The queue settings route ``task`` to (Celery's default queue without a route)."""
    routes = getattr(settings, "CELERY_TASK_ROUTES", None) or {}
    for pattern, route in routes.items() if isinstance(routes, dict) else ():
        if fnmatch.fnmatchcase(task, pattern) and route.get("queue"):
            return str(route["queue"])
    return str(getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", None) or "celery")


JOB_QUEUE = _queue_of("builder.tasks.run_event_job")
UPKEEP_QUEUE = _queue_of("datasources.tasks.refresh_expiring_tokens")


@dataclass
class Deployment:
    cluster: Cluster
    webs: list[Web]
    worker_env: dict[str, str]


@pytest.fixture
def deployment(tmp_path: Path, provider: Provider) -> Iterator[Deployment]:
    """Two web servers, a worker per queue and beat, stopped (process groups) afterwards."""
    redis.Redis.from_url(TEST_REDIS_URL).flushdb()  # only this suite's database: stale messages go
    env = brace_env(
        tmp_path / "cluster-var",
        REDIS_URL=TEST_REDIS_URL,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",  # plain HTTP on loopback
        BRACE_OUTBOUND_ALLOW_PRIVATE="1",  # the provider is on loopback
        DATABASE_CONN_MAX_AGE="60",
        BRACE_EVENT_BACKGROUND_BYTES=str(BACKGROUND_BYTES),
        # The beat's refresh of tokens expiring within minutes would be a refresh
        # the events did not make: it runs, but not within a test.
        BRACE_TOKEN_REFRESH_INTERVAL_S="3600",
        LOG_LEVEL="INFO",
        **VISIBILITY_TIMEOUT_ENV,
    )
    with Cluster(tmp_path / "cluster-var", env) as cluster:
        webs = [cluster.start_web(workers=1, threads=8) for _ in range(2)]
        job_queues = [JOB_QUEUE]
        upkeep_queues = [UPKEEP_QUEUE] if UPKEEP_QUEUE != JOB_QUEUE else ["upkeep"]
        cluster.start_worker(job_queues, concurrency=2)
        cluster.start_worker(upkeep_queues)
        cluster.start_beat()
        yield Deployment(cluster, webs, env)


@pytest.fixture
def seed(
    provider: Provider,
    apis: ProviderApis,
    members: dict[str, Any],
    make_user: Callable[..., Any],
    token_client: Callable[[Any], APIClient],
    browser: Callable[[Any], Client],
    dropbox_portal: dict[str, Any],
) -> tuple[SeedApp, list[str]]:
    """The seed app built, authorized and published; API tokens of END_USERS viewers."""
    from rest_framework.authtoken.models import Token

    from workspaces.models import Membership, Role

    developer = token_client(members["developer"])
    app = build_seed_app(developer, provider, dropbox_portal, viewers=[])
    landing = authorize_in_browser(browser(members["developer"]), app.datasource)
    assert landing.params == {"response_status": "success"}
    publish(developer, app.application)
    tokens = []
    for number in range(max(END_USERS, JOBS)):
        user = make_user(f"end_user_{number}")
        Membership.objects.create(workspace_id=app.workspace, user=user, role=Role.VIEWER)
        tokens.append(Token.objects.create(user=user).key)
    return app, tokens


def _client(web: Web, token: str) -> httpx.Client:
    return httpx.Client(base_url=web.url, headers={"Authorization": f"Token {token}"}, timeout=120)


def _pick(client: httpx.Client, page: int, name: str, content: bytes) -> dict[str, Any]:
    """POST runtime/files/ as the FilePicker does; the picked file's entry."""
    answer = client.post(
        f"{API}/runtime/files/",
        data={"page": str(page), "widget": "FilePicker1"},
        files={"file": (name, content, "text/plain")},
    )
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def _fire(client: httpx.Client, page: int, picked: dict[str, Any]) -> httpx.Response:
    body = {"widget": "FilePicker1", "event": "onFilesSelected", "meta": {"files": [picked]}}
    return client.post(f"{API}/runtime/pages/{page}/events/", json=body)


def _alerts(answer: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e["message"], e["style"]) for e in answer["effects"] if e["type"] == "showAlert"]


@pytest.mark.parametrize(
    ("brace_knows", "new_lifetime_s"),
    [
        pytest.param(True, None, id="expired-at-both"),
        # The provider ended it early: each upload's 401 is the first Brace hears of it.
        pytest.param(False, None, id="ended-early-by-the-provider"),
        # The new token lives less than Brace's 60-second refresh margin: it must
        # still serve every run that follows the one refresh.
        pytest.param(True, SHORT_LIFETIME_S, id="short-lived-tokens"),
    ],
)
def test_100_events_across_two_servers_on_a_just_expired_token_make_one_refresh(
    deployment: Deployment,
    seed: tuple[SeedApp, list[str]],
    provider: Provider,
    apis: ProviderApis,
    brace_knows: bool,
    new_lifetime_s: int | None,
) -> None:
    from datasources.models import OAuthToken

    app, tokens = seed
    webs, cluster = deployment.webs, deployment.cluster
    users = tokens[:END_USERS]
    clients = [_client(webs[n % 2], token) for n, token in enumerate(users)]
    picked = [
        _pick(client, app.page, f"profile-{n}.txt", f"profile of end user {n}\n".encode())
        for n, client in enumerate(clients)
    ]
    for client, file in zip(clients[:2], picked[:2], strict=True):  # one event on each server
        warm = _fire(client, app.page, file)
        assert warm.status_code == 200, (warm.text, cluster.logs())
        assert _alerts(warm.json())[0][1] == "success", warm.text
    for client in clients:
        client.close()
    # The token has just expired: at the provider, and (or not yet) by the expiry Brace stored.
    assert provider.expire_access_tokens() >= 1
    if brace_knows:
        OAuthToken.objects.filter(datasource_id=app.datasource).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
    provider.reset()  # count only the token requests from here on
    if new_lifetime_s is not None:
        provider.set_access_token_lifetime(new_lifetime_s)

    barrier = threading.Barrier(EVENTS)

    def event(number: int) -> tuple[int, int, Any]:
        user = number % END_USERS
        with _client(webs[number % 2], users[user]) as client:
            barrier.wait(timeout=60)
            answer = _fire(client, app.page, picked[user])
        return number, answer.status_code, answer.text

    with ThreadPoolExecutor(max_workers=EVENTS) as pool:
        results = list(pool.map(event, range(EVENTS)))

    failed = [
        (number, status, text)
        for number, status, text in results
        if status != 200
        or _alerts(json.loads(text)) != [(f"Uploaded profile-{number % END_USERS}.txt", "success")]
    ]
    assert failed == [], (len(failed), failed[:3], cluster.logs())
    names = {f"/profile-{n % END_USERS}.txt" for n in range(EVENTS)}
    assert set(apis.files()) == names
    refreshes = provider.token_requests("refresh_token")
    assert len(refreshes) == 1, (refreshes, cluster.logs())


def _job_rows(ids: list[str]) -> dict[str, str]:
    """Each job's status as its row holds it now."""
    from builder.models import EventJob

    rows = EventJob.objects.filter(pk__in=ids).values_list("pk", "status")
    return {str(pk): status for pk, status in rows}


def test_background_jobs_complete_once_when_a_web_server_and_a_worker_are_killed(
    deployment: Deployment, seed: tuple[SeedApp, list[str]], apis: ProviderApis
) -> None:
    from builder.models import EventJob

    app, tokens = seed
    webs, cluster = deployment.webs, deployment.cluster
    apis.slow_uploads(UPLOAD_DELAY_S)
    contents = {
        f"backup-{n}.bin": hashlib.sha256(str(n).encode()).digest() * (JOB_FILE_BYTES // 32)
        for n in range(JOBS)
    }
    jobs: dict[str, tuple[str, str]] = {}  # job id -> (file name, end user's token)
    for n, (name, content) in enumerate(contents.items()):
        with _client(webs[n % 2], tokens[n]) as client:
            picked = _pick(client, app.page, name, content)
            queued = _fire(client, app.page, picked)
        assert queued.status_code == 200, (queued.text, cluster.logs())
        (line,) = queued.json()["jobs"]
        jobs[line["id"]] = (name, tokens[n])

    # Mid-run: some jobs done, one running, the rest queued.
    deadline = time.monotonic() + 120
    statuses: dict[str, str] = {}
    while time.monotonic() < deadline:
        statuses = _job_rows(list(jobs))
        done = sum(s == "succeeded" for s in statuses.values())
        if done >= 2 and "running" in statuses.values():
            break
        time.sleep(0.05)
    else:
        raise AssertionError(f"the run never reached its middle: {statuses}\n{cluster.logs()}")
    (job_worker, *_) = (p for p in cluster.processes if p.name == "worker1")
    cluster.kill(webs[0])
    cluster.kill(job_worker)
    running_at_kill = sorted(pk for pk, s in _job_rows(list(jobs)).items() if s == "running")
    # The 0.4 s the provider takes per upload keeps a job running at the kill:
    # without one, nothing here would need a redelivery.
    assert running_at_kill, "no job was running when its worker was killed"
    cluster.start_worker([JOB_QUEUE], concurrency=2)

    survivor = webs[1]
    finished: dict[str, dict[str, Any]] = {}
    deadline = time.monotonic() + 180
    while len(finished) < JOBS and time.monotonic() < deadline:
        for job_id, (_, token) in jobs.items():
            if job_id in finished:
                continue
            with _client(survivor, token) as client:
                job = client.get(f"{API}/runtime/jobs/{job_id}/").json()
            if job["status"] in ("succeeded", "failed"):
                finished[job_id] = job
        time.sleep(0.5)

    # What holds without redelivery first: the jobs that finished did so once, rightly.
    for job_id, job in finished.items():
        name = jobs[job_id][0]
        assert job["status"] == "succeeded", (name, job)
        assert _alerts(job["result"]) == [(f"Uploaded {name}", "success")], job
    # Only a job cut off on the killed worker may have sent its file twice (the
    # same bytes again: Dropbox keeps one file).
    sent: dict[str, int] = {}
    for request in apis.requests("dropbox.upload"):
        if request["status"] == 200:
            path = json.loads(request["arg"])["path"]
            sent[path] = sent.get(path, 0) + 1
    twice = {path for path, count in sent.items() if count > 1}
    cut_off = {f"/{jobs[pk][0]}" for pk in running_at_kill}
    assert twice <= cut_off, (twice, cut_off)
    # Then the jobs that were running on the killed worker: redelivered and finished.
    unfinished = {pk: s for pk, s in _job_rows(list(jobs)).items() if pk not in finished}
    assert unfinished == {}, (
        f"jobs left unfinished after their worker was killed (running then: {running_at_kill})",
        cluster.logs(),
    )
    assert EventJob.objects.count() == JOBS
    stored = apis.files()
    assert set(stored) == {f"/{name}" for name in contents}  # no "name (1).bin": once each
    for name, content in contents.items():
        assert stored[f"/{name}"]["sha256"] == hashlib.sha256(content).hexdigest()
