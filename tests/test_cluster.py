"""The scale-out harness's own failure paths: a process that cannot start is
reported with its log, and killing a process takes its whole group."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.cluster import Cluster, ClusterError


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings_test",
        BRACE_VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'cluster.sqlite3'}",
    )
    return env


def test_a_web_server_whose_application_cannot_load_is_reported_with_its_log(
    tmp_path: Path,
) -> None:
    with Cluster(tmp_path, _env(tmp_path)) as cluster, pytest.raises(ClusterError) as failed:
        cluster.start_web(app="no_such_module.wsgi")

    assert "web1 exited at start" in str(failed.value)
    assert "No module named 'no_such_module'" in str(failed.value)
    assert not cluster.processes[0].alive


def test_a_worker_for_an_unknown_app_is_reported_with_its_log(tmp_path: Path) -> None:
    with Cluster(tmp_path, _env(tmp_path)) as cluster, pytest.raises(ClusterError) as failed:
        cluster.start_worker(["uploads"], app="no_such_celery_app")

    assert "worker1 exited at start" in str(failed.value)
    assert "no_such_celery_app" in str(failed.value)


def test_kill_takes_the_whole_process_group(tmp_path: Path) -> None:
    """A gunicorn master and its worker both go: no orphan keeps serving the port."""
    import httpx

    with Cluster(tmp_path, _env(tmp_path)) as cluster:
        web = cluster.start_web(app="tests.test_cluster:hello", workers=2, threads=1)
        assert httpx.get(web.url + "/").text == "hello"
        cluster.kill(web)

        with pytest.raises(httpx.TransportError):
            httpx.get(web.url + "/", timeout=2)
        assert _living_members(web.pid) == []


def _living_members(group: int) -> list[int]:
    """Processes of the group that are not zombies (waiting for init to reap them)."""
    living = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        state, pgrp = fields[0], int(fields[2])
        if pgrp == group and state not in ("Z", "X"):
            living.append(int(stat.parent.name))
    return living


def hello(environ: dict[str, object], start_response: object) -> list[bytes]:
    """A WSGI application that needs nothing: the kill test's server."""
    start_response("200 OK", [("Content-Type", "text/plain")])  # type: ignore[operator]
    return [b"hello"]
