"""Helpers for tests that start a second Brace process (Celery worker, beat, a
one-off script) against the test database."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)


def database_url() -> str:
    """The test database as a DATABASE_URL another process can open."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def brace_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """Environment for a production-settings process on the test database."""
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        SECRET_KEY="second-process-secret",
        BRACE_ENCRYPTION_KEY=settings.BRACE_ENCRYPTION_KEY,
        ALLOWED_HOSTS="localhost",
        BRACE_VAR_DIR=str(var_dir),
        DATABASE_URL=database_url(),
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


def stop(*processes: subprocess.Popen[Any], timeout_s: float = 20) -> None:
    """Ask the processes to end (SIGTERM), then kill any still running after ``timeout_s``."""
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
