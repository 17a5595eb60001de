"""Settings come from the environment, with production-safe defaults when
DEBUG is off, and a clear error naming the variable when one is wrong."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_float, env_int, env_list, env_rate

ROOT = Path(__file__).resolve().parents[2]
PRINT = (
    "import json; from django.conf import settings as s; print(json.dumps({"
    "'debug': s.DEBUG, 'hosts': s.ALLOWED_HOSTS, 'session_secure': s.SESSION_COOKIE_SECURE,"
    "'csrf_secure': s.CSRF_COOKIE_SECURE, 'private': s.BRACE_OUTBOUND_ALLOW_PRIVATE,"
    "'engine': s.DATABASES['default']['ENGINE'], 'proxy': s.SECURE_PROXY_SSL_HEADER is not None}))"
)


def _settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "SECRET_KEY",
            "BRACE_ENCRYPTION_KEY",
            "ALLOWED_HOSTS",
            "DATABASE_URL",
            "REDIS_URL",
            "BRACE_OUTBOUND_ALLOW_PRIVATE",
            "SESSION_COOKIE_SECURE",
            "CSRF_COOKIE_SECURE",
            "BRACE_BEHIND_PROXY",
        }
    }
    clean.update(DJANGO_SETTINGS_MODULE="config.settings", BRACE_VAR_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {PRINT}"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
    )


def test_production_defaults_are_safe(tmp_path: Path) -> None:
    result = _settings(tmp_path, SECRET_KEY="k", BRACE_ENCRYPTION_KEY="e", ALLOWED_HOSTS="x.test")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        '{"debug": false, "hosts": ["x.test"], "session_secure": true, "csrf_secure": true, '
        '"private": false, "engine": "django.db.backends.sqlite3", "proxy": false}'
    )


def test_debug_gives_development_defaults(tmp_path: Path) -> None:
    result = _settings(tmp_path, DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert '"debug": true' in result.stdout
    assert '"hosts": ["localhost", "127.0.0.1", "[::1]"]' in result.stdout
    assert '"private": true' in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "BRACE_ENCRYPTION_KEY"])
def test_keys_are_required_without_debug(tmp_path: Path, missing: str) -> None:
    env = {"SECRET_KEY": "k", "BRACE_ENCRYPTION_KEY": "e"}
    env.pop(missing)
    result = _settings(tmp_path, **env)
    assert result.returncode != 0
    assert f"{missing} must be set when DEBUG is off." in result.stderr


def test_forwarded_proto_is_trusted_only_behind_a_proxy(tmp_path: Path) -> None:
    result = _settings(tmp_path, DEBUG="1", BRACE_BEHIND_PROXY="1")
    assert '"proxy": true' in result.stdout


def test_database_url_selects_postgresql(tmp_path: Path) -> None:
    result = _settings(tmp_path, DEBUG="1", DATABASE_URL="postgres://u@127.0.0.1:5432/db")
    assert '"engine": "django.db.backends.postgresql"' in result.stdout


def test_a_bad_boolean_names_the_variable(tmp_path: Path) -> None:
    result = _settings(tmp_path, DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be one of 1/0, true/false, yes/no, on/off; got 'maybe'" in result.stderr


@pytest.mark.parametrize(
    "name", ["BRACE_RUNTIME_FILES_MAX_PER_USER_APP", "BRACE_RUNTIME_BYTES_MAX_PER_USER_APP"]
)
def test_a_bad_upload_budget_names_the_variable(tmp_path: Path, name: str) -> None:
    result = _settings(tmp_path, DEBUG="1", **{name: "lots"})
    assert result.returncode != 0
    assert f"{name} must be a whole number; got 'lots'" in result.stderr


def test_env_readers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("B_INT", "12")
    monkeypatch.setenv("B_FLOAT", "1.5")
    monkeypatch.setenv("B_LIST", " a, b ,,c ")
    monkeypatch.setenv("B_BOOL", "Yes")
    assert env_int("B_INT", 0) == 12
    assert env_float("B_FLOAT", 0.0) == 1.5
    assert env_list("B_LIST", []) == ["a", "b", "c"]
    assert env_bool("B_BOOL") is True
    assert env_int("B_UNSET", 7) == 7
    assert env_list("B_UNSET", ["d"]) == ["d"]
    monkeypatch.setenv("B_RATE", " 5/hour ")
    assert env_rate("B_RATE", "20/min") == "5/hour"
    assert env_rate("B_UNSET", "20/min") == "20/min"


@pytest.mark.parametrize(
    ("reader", "raw", "message"),
    [
        (env_int, "ten", "B_BAD must be a whole number; got 'ten'"),
        (env_float, "x", "B_BAD must be a number; got 'x'"),
        (env_rate, "20", "B_BAD must be a count per period, such as 20/min"),
        (env_rate, "0/min", "B_BAD must be a count per period"),
        (env_rate, "5/week", "B_BAD must be a count per period"),
    ],
)
def test_env_readers_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, reader, raw: str, message: str
) -> None:
    monkeypatch.setenv("B_BAD", raw)
    with pytest.raises(ImproperlyConfigured, match=message):
        reader("B_BAD", 0)


def test_a_chunk_size_dropbox_refuses_stops_start_up_naming_the_setting(tmp_path: Path) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BRACE_UPLOAD_SESSION_")}
    clean.update(
        DJANGO_SETTINGS_MODULE="config.settings_test",
        BRACE_VAR_DIR=str(tmp_path),
        BRACE_UPLOAD_SESSION_CHUNK_BYTES=str(5 * 1024 * 1024),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=clean, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "runtime.E003" in result.stderr
    assert "BRACE_UPLOAD_SESSION_CHUNK_BYTES is 5242880: it must be a multiple of 4 MiB" in (
        result.stderr
    )
