"""A Dropbox-preset query uploads a large picked file through an upload session.

Against the test provider's Dropbox-compatible API (a real server on
loopback, real OAuth tokens, ``tests.oauth_provider.dropbox_sessions``), with
the thresholds lowered so that a 40 MB file is "large": the threshold is
10 MiB and each chunk 8 MiB, and the provider refuses any single request
over 10 MiB, as Dropbox does over 150 MiB.
"""

from __future__ import annotations

import hashlib
import json
import os
import tracemalloc
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone

from builder.execution.files import RuntimeFileResolver, new_file_id
from builder.execution.queries import run_action
from builder.models import RuntimeFile
from tests.builder.helpers import file_json
from tests.oauth_provider.dropbox import ProviderApis

pytestmark = pytest.mark.django_db

MiB = 1024 * 1024
FILE_BYTES = 40 * MiB
CHUNK = 8 * MiB
ARG = (
    '{"path": "/{{FilePicker1.files[0].name}}", "mode": "add", "autorename": true, '
    '"mute": false, "strict_conflict": false}'
)
ACTION = {
    "name": "UploadFileToDropbox",
    "config": {
        "method": "POST",
        "path": "2/files/upload",
        "body_type": "binary",
        "body": "{{FilePicker1.files[0].data}}",
        "headers": [
            {"key": "Dropbox-API-Arg", "value": ARG},
            {"key": "Content-Type", "value": "application/octet-stream"},
        ],
        "timeout_s": 120,
    },
}


@pytest.fixture
def sessions(settings: Any, apis: ProviderApis) -> ProviderApis:
    settings.BRACE_UPLOAD_SESSION_THRESHOLD_BYTES = 10 * MiB
    settings.BRACE_UPLOAD_SESSION_CHUNK_BYTES = CHUNK
    apis.limit(10 * MiB)
    return apis


@pytest.fixture
def dropbox(oauth_datasource: Callable[..., Any], authorize: Callable[..., Any], provider: Any):
    """An authorized OAuth datasource with the Dropbox preset, on the provider's origin."""
    datasource = oauth_datasource(scopes=["files.content.write"])
    datasource.preset = "dropbox"
    datasource.url = provider.url("/")
    datasource.save(update_fields=["preset", "url"])
    authorize(datasource)
    return datasource


def picked(user: Any, application: Any, folder: Path, size: int, name: str) -> tuple[Any, str]:
    """A picked file of ``size`` random bytes, written 1 MiB at a time; it and its sha256."""
    digest = hashlib.sha256()
    path = folder / name
    with path.open("wb") as out:
        for start in range(0, size, MiB):
            block = os.urandom(min(MiB, size - start))
            digest.update(block)
            out.write(block)
    file_id = new_file_id()
    with path.open("rb") as handle:
        storage_name = default_storage.save(f"runtime-files/test/{file_id}", File(handle))
    row = RuntimeFile.objects.create(
        id=file_id,
        owner=user,
        application=application,
        widget="FilePicker1",
        name=name,
        size=size,
        content_type="application/octet-stream",
        storage_name=storage_name,
        expires_at=timezone.now() + timedelta(hours=1),
    )
    path.unlink()
    return row, digest.hexdigest()


def upload(datasource: Any, user: Any, application: Any, row: Any) -> dict[str, Any]:
    return run_action(
        ACTION,
        datasource=datasource,
        user=user,
        scope={"FilePicker1": {"files": [file_json(row)]}},
        files=RuntimeFileResolver(user, application),
    ).to_dict()


def steps(apis: ProviderApis) -> list[tuple[str, int, int]]:
    """(api, status, body size) of every Dropbox upload request the provider saw."""
    return [
        (seen["api"].removeprefix("dropbox."), seen["status"], seen.get("size", -1))
        for seen in apis.requests()
        if seen["api"].startswith("dropbox.upload")
    ]


def test_a_file_over_the_threshold_goes_through_a_session_with_flat_memory(
    sessions, dropbox, members, application, media, tmp_path
):
    user = members["developer"]
    row, sha256 = picked(user, application, tmp_path, FILE_BYTES, "big.bin")

    tracemalloc.start()
    try:
        result = upload(dropbox, user, application, row)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert result["error"] is None, result["error"]
    assert [(api, status) for api, status, _ in steps(sessions)] == [
        ("upload_session.start", 200),
        ("upload_session.append_v2", 200),
        ("upload_session.append_v2", 200),
        ("upload_session.append_v2", 200),
        ("upload_session.finish", 200),
    ]
    assert [size for *_, size in steps(sessions)] == [CHUNK] * 5
    (stored,) = sessions.files().values()
    assert stored["path_display"] == "/big.bin"
    assert stored["size"] == FILE_BYTES
    assert stored["sha256"] == sha256
    # The query's data is finish's answer: the file's metadata, as a single upload gives.
    assert result["data"]["path_display"] == "/big.bin"
    assert result["data"]["size"] == FILE_BYTES
    assert result["data"]["content_hash"] == stored["content_hash"]
    assert result["request"]["body"]["upload_session"] == {
        "protocol": "dropbox_upload_session",
        "requests": 5,
        "retries": 0,
    }
    print(f"peak traced memory during the upload: {peak} bytes")
    assert peak < 4 * MiB, f"peak traced memory {peak} bytes for a {FILE_BYTES}-byte file"


def test_an_incorrect_offset_answer_is_continued_from_the_offset_held(
    sessions, dropbox, members, application, media, tmp_path
):
    user = members["developer"]
    row, sha256 = picked(user, application, tmp_path, FILE_BYTES, "resumed.bin")
    # At the third append (sending from 24 MiB) the session holds only 8 MiB.
    sessions.incorrect_offset(at_append=3, hold=CHUNK)

    result = upload(dropbox, user, application, row)

    assert result["error"] is None, result["error"]
    arguments = [
        (seen["api"].removeprefix("dropbox.upload_session."), seen["status"])
        for seen in sessions.requests()
        if seen["api"].startswith("dropbox.upload")
    ]
    assert arguments == [
        ("start", 200),
        ("append_v2", 200),  # 8 MiB
        ("append_v2", 200),  # 16 MiB
        ("append_v2", 409),  # 24 MiB: incorrect_offset, 8 MiB held
        ("append_v2", 200),  # 8 MiB again
        ("append_v2", 200),  # 16 MiB
        ("append_v2", 200),  # 24 MiB
        ("finish", 200),  # 32 MiB
    ]
    offsets = [
        json.loads(seen["arg"])["cursor"]["offset"]
        for seen in sessions.requests()
        if seen["api"].endswith(("append_v2", "finish"))
    ]
    assert offsets == [n * CHUNK for n in (1, 2, 3, 1, 2, 3, 4)]
    (stored,) = sessions.files().values()
    assert (stored["path_display"], stored["size"], stored["sha256"]) == (
        "/resumed.bin",
        FILE_BYTES,
        sha256,
    )


def test_a_file_under_the_threshold_goes_in_one_request(
    sessions, dropbox, members, application, media, tmp_path
):
    user = members["developer"]
    row, sha256 = picked(user, application, tmp_path, 9 * MiB, "small.bin")

    result = upload(dropbox, user, application, row)

    assert result["error"] is None, result["error"]
    assert steps(sessions) == [("upload", 200, -1)]
    assert "upload_session" not in result["request"]["body"]
    (stored,) = sessions.files().values()
    assert (stored["size"], stored["sha256"]) == (9 * MiB, sha256)
    assert result["data"]["path_display"] == "/small.bin"


def test_without_the_preset_a_file_over_the_limit_is_refused_as_dropbox_does(
    sessions, dropbox, members, application, media, tmp_path
):
    dropbox.preset = ""
    dropbox.save(update_fields=["preset"])
    user = members["developer"]
    row, _ = picked(user, application, tmp_path, 12 * MiB, "big.bin")

    result = upload(dropbox, user, application, row)

    assert result["response_meta"]["status_code"] == 409
    assert result["data"]["error"] == {".tag": "payload_too_large"}
    assert sessions.files() == {}
