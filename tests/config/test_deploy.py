"""`manage.py check --deploy` is clean with the production settings: DEBUG
off and only the variables README.md's production section requires, directly
or behind a TLS-terminating proxy; and it does find what a careless
environment turns off."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.processes import ROOT

# Variables the test run sets for itself (config/settings_test.py) or may carry.
_LEFT_OUT = {
    "DJANGO_SETTINGS_MODULE",
    "DEBUG",
    "SECRET_KEY",
    "BRACE_ENCRYPTION_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "BRACE_BEHIND_PROXY",
    "BRACE_OUTBOUND_ALLOW_PRIVATE",
}


def _check_deploy(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in _LEFT_OUT}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        BRACE_ENCRYPTION_KEY=secrets.token_urlsafe(32),
        ALLOWED_HOSTS="brace.example.com",
        DATABASE_URL="postgres://brace@db.example.com:5432/brace",
        REDIS_URL="redis://cache.example.com:6379/0",
        BRACE_VAR_DIR=str(tmp_path),
    )
    env.update(extra)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    "extra",
    [{}, {"BRACE_BEHIND_PROXY": "1", "CSRF_TRUSTED_ORIGINS": "https://brace.example.com"}],
    ids=["direct", "behind-a-proxy"],
)
def test_check_deploy_is_clean_with_production_settings(
    tmp_path: Path, extra: dict[str, str]
) -> None:
    result = _check_deploy(tmp_path, **extra)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("variable", "value", "check"),
    [
        ("SESSION_COOKIE_SECURE", "0", "security.W012"),
        ("CSRF_COOKIE_SECURE", "0", "security.W016"),
        ("SECURE_SSL_REDIRECT", "0", "security.W008"),
        ("SECURE_HSTS_SECONDS", "0", "security.W004"),
        ("DEBUG", "1", "security.W018"),
    ],
)
def test_check_deploy_finds_what_an_environment_turns_off(
    tmp_path: Path, variable: str, value: str, check: str
) -> None:
    result = _check_deploy(tmp_path, **{variable: value})
    assert result.returncode != 0
    assert check in result.stderr


def test_a_weak_secret_key_is_found(tmp_path: Path) -> None:
    result = _check_deploy(tmp_path, SECRET_KEY="short")
    assert result.returncode != 0
    assert "security.W009" in result.stderr
