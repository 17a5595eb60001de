"""config/gunicorn.py: gthread workers sized from the core count unless the
environment says otherwise, a bad number named at start-up, and an access log
format that leaves out query strings and referrers."""

from __future__ import annotations

import os
import runpy
from typing import Any

import pytest

from tests.processes import ROOT

CONFIG = str(ROOT / "config" / "gunicorn.py")
VARIABLES = (
    "WEB_CONCURRENCY",
    "GUNICORN_THREADS",
    "BIND",
    "PORT",
    "GUNICORN_TIMEOUT",
    "GUNICORN_GRACEFUL_TIMEOUT",
    "GUNICORN_KEEPALIVE",
    "GUNICORN_MAX_REQUESTS",
    "GUNICORN_CONTROL_SOCKET",
)


def _config(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, Any]:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(CONFIG)


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    config = _config(monkeypatch)
    assert config["worker_class"] == "gthread"
    assert config["workers"] == max(2, os.cpu_count() or 1)
    assert config["threads"] == 4
    assert config["bind"] == ["0.0.0.0:8000"]
    assert (config["timeout"], config["graceful_timeout"], config["keepalive"]) == (30, 30, 5)
    assert (config["max_requests"], config["max_requests_jitter"]) == (0, 0)
    assert config["control_socket_disable"] is True


def test_the_environment_sets_every_number(monkeypatch: pytest.MonkeyPatch) -> None:
    config = _config(
        monkeypatch,
        WEB_CONCURRENCY="3",
        GUNICORN_THREADS="8",
        PORT="9000",
        GUNICORN_TIMEOUT="60",
        GUNICORN_GRACEFUL_TIMEOUT="90",
        GUNICORN_KEEPALIVE="65",
        GUNICORN_MAX_REQUESTS="1000",
        GUNICORN_CONTROL_SOCKET="/run/brace/gunicorn.ctl",
    )
    assert (config["workers"], config["threads"], config["bind"]) == (3, 8, ["0.0.0.0:9000"])
    assert (config["timeout"], config["graceful_timeout"], config["keepalive"]) == (60, 90, 65)
    assert (config["max_requests"], config["max_requests_jitter"]) == (1000, 100)
    assert config["control_socket"] == "/run/brace/gunicorn.ctl"
    assert config["control_socket_disable"] is False
    assert _config(monkeypatch, BIND="127.0.0.1:7000", PORT="9000")["bind"] == ["127.0.0.1:7000"]


def test_default_workers_from_the_core_count() -> None:
    default_workers = runpy.run_path(CONFIG)["default_workers"]
    assert [default_workers(cores) for cores in (None, 1, 2, 8)] == [2, 2, 2, 8]


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("WEB_CONCURRENCY", "many", "WEB_CONCURRENCY must be a whole number; got 'many'"),
        ("WEB_CONCURRENCY", "0", "WEB_CONCURRENCY must be at least 1; got '0'"),
        ("GUNICORN_THREADS", "0", "GUNICORN_THREADS must be at least 1; got '0'"),
        ("GUNICORN_TIMEOUT", "-1", "GUNICORN_TIMEOUT must be at least 0; got '-1'"),
        ("PORT", "http", "PORT must be a whole number; got 'http'"),
    ],
)
def test_a_bad_number_is_named(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    with pytest.raises(SystemExit, match=message):
        _config(monkeypatch, **{name: value})


def test_the_access_log_leaves_out_query_strings_and_referrers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    log_format = _config(monkeypatch)["access_log_format"]
    assert "%(U)s" in log_format  # the path alone
    for field in ("%(r)s", "%(q)s", "%(f)s", "{referer}"):
        assert field not in log_format
