"""Secrets at rest depend on BRACE_ENCRYPTION_KEY alone: SECRET_KEY can rotate.

The keys are read when the models load, so the rotation is a second process
with another SECRET_KEY reading what this one wrote.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from datasources.models import Datasource
from tests.processes import ROOT, brace_env

pytestmark = pytest.mark.django_db(transaction=True)
SECRET = "a-bearer-token-kept-secret"
READ = (
    "import django; django.setup(); from datasources.models import Datasource; "
    "print(Datasource.objects.get(pk={pk}).bearer_token)"
)


def _datasource(workspace: Any) -> Datasource:
    return Datasource.objects.create(
        workspace=workspace,
        name="Bearer API",
        url="https://api.example.com/",
        auth_type="bearer",
        bearer_token=SECRET,
    )


def _read_in_another_process(pk: int, tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", READ.format(pk=pk)],
        cwd=ROOT,
        env=brace_env(tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_secrets_survive_a_secret_key_rotation(workspace: Any, tmp_path: Path) -> None:
    datasource = _datasource(workspace)
    result = _read_in_another_process(datasource.pk, tmp_path, SECRET_KEY="a-rotated-key")
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == SECRET


def test_another_encryption_key_cannot_read_them(workspace: Any, tmp_path: Path) -> None:
    datasource = _datasource(workspace)
    result = _read_in_another_process(datasource.pk, tmp_path, BRACE_ENCRYPTION_KEY="other")
    assert result.returncode != 0
    assert "BadSignature" in result.stderr
    assert SECRET not in result.stdout + result.stderr


def test_the_stored_value_is_not_the_secret(workspace: Any) -> None:
    datasource = _datasource(workspace)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT bearer_token FROM {Datasource._meta.db_table} WHERE id = %s",
            [datasource.pk],
        )
        (raw,) = cursor.fetchone()
    assert SECRET.encode() not in bytes(raw)
