"""Two upload sessions on one datasource meet an expired token together: one refresh.

Needs PostgreSQL (the token row lock, ``select_for_update``); each upload
runs in a thread with its own database connection, as two Celery workers
would. The provider expires every access token as the third append arrives
(both sessions are under way by then) and answers the token endpoint
slowly, so that the second session asks for a new token while the first
one's refresh is in flight.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, connections

from builder.execution.files import RuntimeFileResolver
from builder.execution.queries import run_action
from runtime.http import ExecutionResult
from tests.builder.execution import test_upload_sessions as base
from tests.builder.execution.test_upload_sessions import ACTION, CHUNK, picked
from tests.builder.helpers import file_json

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="needs PostgreSQL: DATABASE_URL=postgres://...",
    ),
]

sessions = base.sessions
dropbox = base.dropbox

FILE_BYTES = 3 * CHUNK + 1000


def _upload(
    datasource: Any, user: Any, application: Any, row: Any, barrier: threading.Barrier, out: list
) -> None:
    try:
        barrier.wait(timeout=30)
        result = run_action(
            ACTION,
            datasource=datasource,
            user=user,
            scope={"FilePicker1": {"files": [file_json(row)]}},
            files=RuntimeFileResolver(user, application),
        )
        out.append(result)
    except Exception as exc:  # reported by the assertions below
        out.append(exc)
    finally:
        connections.close_all()


def test_two_sessions_meeting_an_expired_token_make_one_refresh(
    sessions, dropbox, members, application, media, tmp_path, provider
):
    user = members["developer"]
    files = [picked(user, application, tmp_path, FILE_BYTES, f"f{n}.bin") for n in (1, 2)]
    sessions.session_faults({"step": "append_v2", "at": 3, "answer": "expire_token"})
    provider.set_mode("slow", delay_s=0.5)
    connection.close()

    barrier = threading.Barrier(2)
    results: list[ExecutionResult | Exception] = []
    threads = [
        threading.Thread(target=_upload, args=(dropbox, user, application, row, barrier, results))
        for row, _ in files
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert len(results) == 2
    assert all(isinstance(r, ExecutionResult) and r.error is None for r in results), results
    assert len(provider.token_requests("refresh_token")) == 1
    statuses = [r["status"] for r in sessions.requests() if r["api"].endswith("append_v2")]
    assert 401 in statuses
    stored = sessions.files()
    for (_, sha256), name in zip(files, ("/f1.bin", "/f2.bin"), strict=True):
        assert (stored[name]["size"], stored[name]["sha256"]) == (FILE_BYTES, sha256)
