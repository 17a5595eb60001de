"""/healthz and /readyz: cheap, unauthenticated, named checks without detail,
reachable by a load balancer over HTTP and by the instance's own address.

Each readiness check is made to fail for real: a database file that cannot be
opened, a Redis server that is stopped (a private one), a broker folder that
is gone, a migration recorded as not applied.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client

from config import health
from tests.redis_server import PrivateRedis, free_port

ALL_OK = {"database": "ok", "cache": "ok", "broker": "ok", "migrations": "ok"}


@pytest.fixture(autouse=True)
def _fresh_memo() -> Iterator[None]:
    health.forget_migrations()
    yield
    health.forget_migrations()


@pytest.fixture
def filesystem_broker(settings: Any, tmp_path: Path) -> Path:
    """The embedded broker in a folder of this test's own."""
    folder = tmp_path / "celery"
    for name in ("queue", "control"):
        (folder / name).mkdir(parents=True)
    settings.CELERY_BROKER_URL = "filesystem://localhost//"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "control_folder": str(folder / "control"),
    }
    return folder


def _readyz(client: Client) -> tuple[int, dict[str, Any]]:
    response = client.get("/readyz")
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"] == "application/json"
    return response.status_code, json.loads(response.content)


def test_healthz_answers_without_touching_the_database(client: Client) -> None:
    # No django_db mark: a query would raise here.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies


@pytest.mark.django_db
def test_readyz_is_ok_when_everything_is_reachable(client: Client, filesystem_broker: Path) -> None:
    response = client.get("/readyz")
    assert (response.status_code, json.loads(response.content)) == (200, {"status": "ok"})
    assert not response.cookies


@pytest.mark.django_db
def test_probes_ignore_the_host_the_https_redirect_and_sign_in(
    client: Client, settings: Any, filesystem_broker: Path
) -> None:
    settings.SECURE_SSL_REDIRECT = True
    # A load balancer probes over HTTP by the instance's own address.
    for path in ("/healthz", "/readyz"):
        assert client.get(path, HTTP_HOST="10.1.2.3:8000").status_code == 200
    assert client.get("/accounts/login/", HTTP_HOST="10.1.2.3:8000").status_code == 400
    assert client.get("/accounts/login/").status_code == 301


def test_probes_accept_only_get_and_head(client: Client) -> None:
    assert client.head("/healthz").status_code == 200
    response = client.post("/healthz")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


@pytest.mark.django_db(transaction=True)
def test_readyz_reports_the_database_down(
    client: Client, filesystem_broker: Path, tmp_path: Path
) -> None:
    health.check_migrations()  # applied, remembered: the database is what fails
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = str(tmp_path / "no-such-folder" / "db.sqlite3")
    else:
        connection.settings_dict["PORT"] = str(free_port())
    try:
        status, body = _readyz(client)
    finally:
        connection.close()
        connection.settings_dict.update(saved)
    assert (status, body) == (
        503,
        {"status": "unavailable", "checks": {**ALL_OK, "database": "down"}},
    )


@pytest.mark.django_db
def test_readyz_reports_pending_migrations_until_they_are_applied(
    client: Client, filesystem_broker: Path
) -> None:
    recorder = MigrationRecorder(connection)
    latest = recorder.migration_qs.filter(app="authtoken").latest("id")
    recorder.record_unapplied("authtoken", latest.name)
    status, body = _readyz(client)
    assert (status, body["checks"]["migrations"]) == (503, "pending")
    recorder.record_applied("authtoken", latest.name)
    assert _readyz(client) == (200, {"status": "ok"})


@pytest.mark.django_db
def test_readyz_reports_a_missing_broker_folder(client: Client, filesystem_broker: Path) -> None:
    (filesystem_broker / "control").rmdir()
    status, body = _readyz(client)
    assert (status, body) == (
        503,
        {"status": "unavailable", "checks": {**ALL_OK, "broker": "down"}},
    )


@pytest.mark.redis
@pytest.mark.django_db
def test_readyz_reports_the_broker_down_while_redis_is_stopped_and_recovers(
    client: Client, settings: Any, private_redis: PrivateRedis
) -> None:
    settings.CELERY_BROKER_URL = private_redis.url
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    assert _readyz(client) == (200, {"status": "ok"})
    private_redis.stop()
    status, body = _readyz(client)
    assert (status, body) == (
        503,
        {"status": "unavailable", "checks": {**ALL_OK, "broker": "down"}},
    )
    # Nothing that would help an attacker: no address, port or error text.
    assert str(private_redis.port) not in json.dumps(body)
    private_redis.start()
    assert _readyz(client) == (200, {"status": "ok"})


@pytest.mark.redis
@pytest.mark.django_db
def test_readyz_reports_the_cache_down_while_redis_is_stopped(
    client: Client, settings: Any, filesystem_broker: Path, private_redis: PrivateRedis
) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": private_redis.url,
        }
    }
    assert _readyz(client) == (200, {"status": "ok"})
    private_redis.stop()
    status, body = _readyz(client)
    assert (status, body) == (503, {"status": "unavailable", "checks": {**ALL_OK, "cache": "down"}})
    private_redis.start()
    assert _readyz(client) == (200, {"status": "ok"})
