"""An upload session meets faults mid-way: it retries the chunk, or refreshes the token, or stops.

Against the test provider (a real server on loopback, real OAuth tokens),
whose session endpoints are told to fail one step
(``tests.oauth_provider.session_faults``): a 429 with ``Retry-After``, 503s,
a connection dropped before the answer, the access token expiring, the
grant revoked. Each time the provider must end up with one file, byte for
byte the picked one, and the chunk that met the fault must have been sent
once more from the same offset. The retry policy's ``sleep`` is injected,
so waits are recorded instead of slept; except in the one test where a
token with a 3-second lifetime must really run out during the wait.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest

from builder.execution.files import RuntimeFileResolver
from builder.execution.queries import run_action
from datasources.models import OAuthToken, TokenStatus
from datasources.tokens import refresh_now
from datasources.transport import outbound_policy
from runtime.http import HttpExecutor, RetryPolicy
from tests.builder.execution import test_upload_sessions as base
from tests.builder.execution.test_upload_sessions import ACTION, CHUNK, MiB, picked
from tests.builder.helpers import file_json
from tests.oauth_provider.dropbox import ProviderApis

pytestmark = pytest.mark.django_db

# The session tests' fixtures: thresholds lowered (10 MiB, chunks of 8 MiB),
# and an authorized Dropbox-preset datasource on the provider.
sessions = base.sessions
dropbox = base.dropbox

# start (8 MiB), append_v2 at 8 MiB, append_v2 at 16 MiB, finish (1000 bytes).
FILE_BYTES = 3 * CHUNK + 1000


@pytest.fixture
def slept() -> list[float]:
    """The waits the retry policy asked for, in order."""
    return []


@pytest.fixture
def executor(slept: list[float]) -> Iterator[HttpExecutor]:
    """The query executor, its retry policy's waits recorded instead of slept."""
    retry = RetryPolicy(attempts=5, base_delay_s=0.5, max_delay_s=30, sleep=slept.append)
    with HttpExecutor(outbound_policy(), retry=retry) as built:
        yield built


def upload(datasource: Any, user: Any, application: Any, row: Any, executor: HttpExecutor) -> Any:
    return run_action(
        ACTION,
        datasource=datasource,
        user=user,
        scope={"FilePicker1": {"files": [file_json(row)]}},
        files=RuntimeFileResolver(user, application),
        executor=executor,
    ).to_dict()


def session_steps(apis: ProviderApis) -> list[tuple[str, int, int | None]]:
    """(step, status, cursor offset in MiB) of every session request the provider saw."""
    seen = []
    for request in apis.requests():
        if not request["api"].startswith("dropbox.upload_session."):
            continue
        arg = json.loads(request["arg"]) if request["arg"] else {}
        offset = arg.get("cursor", {}).get("offset")
        seen.append(
            (
                request["api"].removeprefix("dropbox.upload_session."),
                request["status"],
                None if offset is None else offset // MiB,
            )
        )
    return seen


def stored_once(apis: ProviderApis, name: str, sha256: str) -> dict[str, Any]:
    (stored,) = apis.files().values()
    assert (stored["path_display"], stored["size"], stored["sha256"]) == (
        f"/{name}",
        FILE_BYTES,
        sha256,
    )
    return stored


@pytest.fixture
def big_file(members: Any, application: Any, media: Any, tmp_path: Any) -> tuple[Any, str]:
    return picked(members["developer"], application, tmp_path, FILE_BYTES, "big.bin")


def test_a_429_with_retry_after_is_waited_for_then_the_chunk_is_sent_again(
    sessions, dropbox, members, application, big_file, executor, slept
):
    row, sha256 = big_file
    sessions.session_faults({"step": "append_v2", "at": 2, "answer": "429", "retry_after": "7"})

    result = upload(dropbox, members["developer"], application, row, executor)

    assert result["error"] is None, result["error"]
    assert session_steps(sessions) == [
        ("start", 200, None),
        ("append_v2", 200, 8),
        ("append_v2", 429, 16),
        ("append_v2", 200, 16),  # the same chunk, once more
        ("finish", 200, 24),
    ]
    assert slept == [7.0]  # Retry-After, not the backoff
    stored_once(sessions, "big.bin", sha256)
    assert result["request"]["body"]["upload_session"] == {
        "protocol": "dropbox_upload_session",
        "requests": 5,
        "retries": 1,
    }


def test_503_twice_is_retried_with_backoff(
    sessions, dropbox, members, application, big_file, executor, slept
):
    row, sha256 = big_file
    sessions.session_faults({"step": "append_v2", "at": 1, "times": 2, "answer": "503"})

    result = upload(dropbox, members["developer"], application, row, executor)

    assert result["error"] is None, result["error"]
    assert session_steps(sessions) == [
        ("start", 200, None),
        ("append_v2", 503, 8),
        ("append_v2", 503, 8),
        ("append_v2", 200, 8),
        ("append_v2", 200, 16),
        ("finish", 200, 24),
    ]
    # Full jitter: the first wait within 0.5 s, the second within 1 s.
    assert len(slept) == 2
    assert 0 <= slept[0] <= 0.5 and 0 <= slept[1] <= 1.0
    stored_once(sessions, "big.bin", sha256)


def test_a_dropped_connection_is_retried(
    sessions, dropbox, members, application, big_file, executor, slept, caplog
):
    row, sha256 = big_file
    sessions.session_faults({"step": "finish", "at": 1, "answer": "drop"})

    with caplog.at_level(logging.INFO, logger="runtime.http.retry"):
        result = upload(dropbox, members["developer"], application, row, executor)

    assert result["error"] is None, result["error"]
    steps = session_steps(sessions)
    assert [(step, offset) for step, _, offset in steps] == [
        ("start", None),
        ("append_v2", 8),
        ("append_v2", 16),
        ("finish", 24),  # dropped: no answer reached Brace
        ("finish", 24),
    ]
    assert steps[-1][1] == 200
    assert len(slept) == 1
    # Brace saw the connection closed without an answer, not an error status.
    (retried,) = [r.getMessage() for r in caplog.records if r.name == "runtime.http.retry"]
    assert "RemoteProtocolError" in retried
    stored_once(sessions, "big.bin", sha256)
    assert result["data"]["size"] == FILE_BYTES


def test_more_failures_than_attempts_end_with_the_last_answer(
    sessions, dropbox, members, application, big_file, executor, slept
):
    row, _ = big_file
    sessions.session_faults({"step": "append_v2", "at": 1, "times": 5, "answer": "503"})

    result = upload(dropbox, members["developer"], application, row, executor)

    assert result["response_meta"]["status_code"] == 503
    assert result["error"]["code"] == "http_status"
    assert [step for step, *_ in session_steps(sessions)] == ["start"] + ["append_v2"] * 5
    assert len(slept) == 4
    assert sessions.files() == {}


def test_a_400_is_not_retried(sessions, dropbox, members, application, big_file, executor, slept):
    row, _ = big_file
    # A finish whose commit Dropbox refuses (a path without a leading slash).
    action = json.loads(json.dumps(ACTION))
    action["config"]["headers"][0]["value"] = '{"path": "no-slash.bin", "mode": "add"}'

    result = run_action(
        action,
        datasource=dropbox,
        user=members["developer"],
        scope={"FilePicker1": {"files": [file_json(row)]}},
        files=RuntimeFileResolver(members["developer"], application),
        executor=executor,
    ).to_dict()

    assert result["response_meta"]["status_code"] == 400
    assert result["data"]["error"][".tag"] == "bad_input"
    assert session_steps(sessions)[-1] == ("finish", 400, 24)
    assert [step for step, *_ in session_steps(sessions)].count("finish") == 1
    assert slept == []


def test_an_access_token_expiring_mid_upload_is_refreshed_once_and_the_chunk_resent(
    sessions, dropbox, members, application, big_file, executor, slept, provider
):
    row, sha256 = big_file
    token_before = OAuthToken.objects.get(datasource=dropbox).access_token
    # The provider expires every access token as the second append arrives.
    sessions.session_faults({"step": "append_v2", "at": 2, "answer": "expire_token"})

    result = upload(dropbox, members["developer"], application, row, executor)

    assert result["error"] is None, result["error"]
    assert session_steps(sessions) == [
        ("start", 200, None),
        ("append_v2", 200, 8),
        ("append_v2", 401, 16),  # expired_access_token
        ("append_v2", 200, 16),  # the same chunk with the new token
        ("finish", 200, 24),
    ]
    assert len(provider.token_requests("refresh_token")) == 1
    tokens_seen = [r["headers"]["authorization"] for r in sessions.requests()]
    assert len(set(tokens_seen[:3])) == 1 and len(set(tokens_seen[3:])) == 1
    assert tokens_seen[2] != tokens_seen[3]
    token = OAuthToken.objects.get(datasource=dropbox)
    assert token.access_token != token_before and token.status == TokenStatus.AUTHORIZED
    assert slept == []  # the auth re-sent it, not the retry policy
    stored_once(sessions, "big.bin", sha256)


def test_a_revoked_grant_mid_upload_fails_the_run_and_marks_the_datasource(
    sessions, dropbox, members, application, big_file, executor, slept, provider, client_as
):
    row, _ = big_file
    sessions.session_faults({"step": "append_v2", "at": 2, "answer": "revoke_grant"})

    result = upload(dropbox, members["developer"], application, row, executor)

    assert result["error"]["code"] == "needs_reauthorization"
    assert "needs to be authorized again" in result["error"]["message"]
    assert session_steps(sessions)[-1] == ("append_v2", 401, 16)
    assert len(session_steps(sessions)) == 3  # nothing sent after the refresh failed
    refreshes = provider.token_requests("refresh_token")
    assert len(refreshes) == 1
    token = OAuthToken.objects.get(datasource=dropbox)
    assert token.status == TokenStatus.NEEDS_REAUTHORIZATION
    assert "invalid_grant" in token.last_error
    shown = client_as("developer").get(f"/api/v1/datasources/{dropbox.pk}/token/")
    assert shown.json()["status"] == "needs_reauthorization"
    assert sessions.files() == {}
    assert slept == []


def test_a_short_lived_token_that_runs_out_during_a_wait_is_refreshed_before_the_next_chunk(
    sessions, dropbox, members, application, big_file, provider
):
    """Real expiry: tokens live 3 s, and the API asks for a 4 s pause mid-upload (slept)."""
    row, sha256 = big_file
    provider.set_access_token_lifetime(3)
    refresh_now(dropbox)  # the datasource's token now lives 3 s
    sessions.session_faults({"step": "append_v2", "at": 1, "answer": "429", "retry_after": "4"})
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        time.sleep(seconds)

    retry = RetryPolicy(sleep=sleep)
    with HttpExecutor(outbound_policy(), retry=retry) as executor:
        result = upload(dropbox, members["developer"], application, row, executor)

    assert result["error"] is None, result["error"]
    assert slept == [4.0]
    assert [status for _, status, _ in session_steps(sessions)] == [200, 429, 200, 200, 200]
    seen = [r["headers"]["authorization"] for r in sessions.requests()]
    # Refreshed before it was sent again (no 401: Brace knew the token's expiry).
    assert seen[2] != seen[0]
    assert len(provider.token_requests("refresh_token")) >= 2  # refresh_now, then the upload's
    stored_once(sessions, "big.bin", sha256)
