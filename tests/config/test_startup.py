"""A web server or Celery process whose settings fail a system check refuses
to start, as manage.py does: gunicorn, a worker and beat are started for real
with an upload-session chunk size Dropbox refuses (runtime.E003)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management.base import SystemCheckError

from config.startup import require_checks
from tests.processes import ROOT, brace_env
from tests.redis_server import free_port

BAD = {"BRACE_UPLOAD_SESSION_CHUNK_BYTES": str(5 * 1024 * 1024)}
MESSAGE = "BRACE_UPLOAD_SESSION_CHUNK_BYTES is 5242880: it must be a multiple of 4 MiB"


def _run(command: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    for folder in ("queue", "processed", "results", "control"):
        (tmp_path / "celery" / folder).mkdir(parents=True, exist_ok=True)
    env = brace_env(tmp_path, **BAD, BIND=f"127.0.0.1:{free_port()}", WEB_CONCURRENCY="1")
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_require_checks_passes_on_good_settings() -> None:
    require_checks("the test")


def test_require_checks_names_each_error(settings: Any) -> None:
    settings.BRACE_UPLOAD_SESSION_CHUNK_BYTES = 5 * 1024 * 1024
    with pytest.raises(SystemCheckError, match="the test refuses to start") as raised:
        require_checks("the test")
    assert "runtime.E003" in str(raised.value)
    assert MESSAGE in str(raised.value)


def test_gunicorn_refuses_to_start(tmp_path: Path) -> None:
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    result = _run([gunicorn, "-c", "config/gunicorn.py", "config.wsgi"], tmp_path)
    assert result.returncode != 0
    assert "runtime.E003" in result.stderr + result.stdout
    assert MESSAGE in result.stderr + result.stdout


@pytest.mark.parametrize("command", [["worker", "--pool", "solo"], ["beat"]])
def test_celery_refuses_to_start(tmp_path: Path, command: list[str]) -> None:
    result = _run([sys.executable, "-m", "celery", "-A", "config", *command], tmp_path)
    assert result.returncode != 0
    assert "runtime.E003" in result.stderr + result.stdout
    assert MESSAGE in result.stderr + result.stdout
