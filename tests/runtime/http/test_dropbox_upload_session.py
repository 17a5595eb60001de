"""Dropbox's chunked-upload protocol in the executor, against an in-process session peer.

The end-to-end path (real provider, real tokens, 40 MB) is
``tests/builder/execution/test_upload_sessions.py``; here an
``httpx.MockTransport`` plays Dropbox to inject answers the provider never
gives (no session id, a self-contradicting offset), with chunks of 4 MiB.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from runtime.http import (
    HttpExecutor,
    InvalidActionConfigError,
    RetryPolicy,
    UploadCheckpoint,
    upload_protocol,
)
from runtime.http.dropbox_upload_session import DropboxUploadSession

from .conftest import DictResolver

MiB = 1024 * 1024
CHUNK = 4 * MiB
URL = "https://content.dropboxapi.test/"
COMMIT = {"path": "/a.bin", "mode": "add", "autorename": True, "mute": False}


class Peer:
    """Dropbox's session endpoints; ``override(step, n)`` may replace the n-th answer of a step."""

    def __init__(self) -> None:
        self.held = 0
        self.data = bytearray()
        self.seen: list[tuple[str, dict[str, Any], int]] = []
        self.overrides: dict[tuple[str, int], Callable[[], httpx.Response]] = {}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        step = request.url.path.rsplit("/", 1)[1]
        arg = json.loads(request.headers.get("dropbox-api-arg", "null"))
        body = request.read()
        self.seen.append((step, arg, len(body)))
        count = sum(1 for seen in self.seen if seen[0] == step)
        override = self.overrides.get((step, count))
        if override is not None:
            return override()
        if step == "upload":
            return httpx.Response(200, json={"path_display": arg["path"], "size": len(body)})
        if step == "start":
            self.data[:] = body
            return httpx.Response(200, json={"session_id": "s1"})
        if arg["cursor"]["offset"] != len(self.data):
            error = {".tag": "incorrect_offset", "correct_offset": len(self.data)}
            if step == "finish":
                error = {".tag": "lookup_failed", "lookup_failed": error}
            return httpx.Response(
                409, json={"error_summary": "incorrect_offset/..", "error": error}
            )
        self.data += body
        if step == "append_v2":
            return httpx.Response(200, json=None)
        return httpx.Response(200, json={**arg["commit"], "size": len(self.data)})


# Steps are sent once: retrying is tests/runtime/http/test_retry.py's subject.
NO_RETRY = RetryPolicy(attempts=1)


def run(
    peer: Peer,
    content: bytes,
    *,
    path: str = "2/files/upload",
    arg: Any = COMMIT,
    checkpoints: Any = None,
    retry: RetryPolicy = NO_RETRY,
    timeout_s: float = 30,
) -> Any:
    resolver = DictResolver()
    resolver.add("blob:f1", "a.bin", content, "application/octet-stream")
    headers = [{"key": "Content-Type", "value": "application/octet-stream"}]
    if arg is not None:
        headers.append({"key": "Dropbox-API-Arg", "value": json.dumps(arg)})
    protocol = upload_protocol(
        "dropbox_upload_session", threshold_bytes=CHUNK + 1, chunk_bytes=CHUNK
    )
    with HttpExecutor(transport=httpx.MockTransport(peer), retry=retry) as executor:
        return executor.execute(
            {
                "method": "POST",
                "path": path,
                "body_type": "binary",
                "body": "blob:f1",
                "headers": headers,
                "timeout_s": timeout_s,
            },
            {"url": URL},
            files=resolver,
            chunked_upload=protocol,
            upload_checkpoints=checkpoints,
        )


def steps(peer: Peer) -> list[str]:
    return [step for step, _, _ in peer.seen]


def test_the_session_sends_every_byte_once_and_answers_finish() -> None:
    content = os.urandom(2 * CHUNK + 123)
    peer = Peer()
    result = run(peer, content)
    assert result.error is None
    assert steps(peer) == ["start", "append_v2", "finish"]
    assert [size for *_, size in peer.seen] == [CHUNK, CHUNK, 123]
    assert bytes(peer.data) == content
    assert result.data == {**COMMIT, "size": len(content)}
    finish_arg = peer.seen[-1][1]
    assert finish_arg == {"cursor": {"session_id": "s1", "offset": 2 * CHUNK}, "commit": COMMIT}
    assert result.request.url == URL + "2/files/upload"  # the query's own request is shown


def test_the_commit_keeps_only_commit_info_fields() -> None:
    peer = Peer()
    arg = {**COMMIT, "strict_conflict": True, "content_hash": "0" * 64}
    run(peer, os.urandom(2 * CHUNK), arg=arg)
    assert peer.seen[-1][1]["commit"] == {**COMMIT, "strict_conflict": True}


def test_an_incorrect_offset_at_finish_goes_on_from_the_offset_held() -> None:
    content = os.urandom(2 * CHUNK + 5)
    peer = Peer()

    # The first finish finds the session without its appended chunk.
    def rewound() -> httpx.Response:
        del peer.data[CHUNK:]
        error = {".tag": "incorrect_offset", "correct_offset": CHUNK}
        body = {"error": {".tag": "lookup_failed", "lookup_failed": error}}
        return httpx.Response(409, json=body)

    peer.overrides[("finish", 1)] = rewound
    result = run(peer, content)
    assert result.error is None
    assert steps(peer) == ["start", "append_v2", "finish", "append_v2", "finish"]
    assert bytes(peer.data) == content


@pytest.mark.parametrize(
    ("step", "answer", "status"),
    [
        ("start", httpx.Response(401, json={"error": {".tag": "expired_access_token"}}), 401),
        ("append_v2", httpx.Response(409, json={"error": {".tag": "too_large"}}), 409),
        ("append_v2", httpx.Response(503, text="busy"), 503),
        ("finish", httpx.Response(409, json={"error": {".tag": "path"}}), 409),
        ("finish", httpx.Response(409, text="not json"), 409),
    ],
    ids=["start-401", "append-too-large", "append-503", "finish-conflict", "finish-text"],
)
def test_a_failed_step_is_the_result(step: str, answer: httpx.Response, status: int) -> None:
    peer = Peer()
    peer.overrides[(step, 1)] = lambda: answer
    result = run(peer, os.urandom(2 * CHUNK + 1))
    assert result.is_execution_success is False
    assert result.status_code == status
    assert result.error.code == "http_status"
    assert steps(peer)[-1] == step
    if status == 409 and answer.headers.get("content-type") == "application/json":
        assert result.data == json.loads(answer.content)


def test_a_start_without_a_session_id_fails_the_run() -> None:
    peer = Peer()
    peer.overrides[("start", 1)] = lambda: httpx.Response(200, json={"id": "x"})
    result = run(peer, os.urandom(2 * CHUNK))
    assert result.error.code == "upload_session_error"
    assert "session_id" in result.error.message
    assert steps(peer) == ["start"]


def test_an_incorrect_offset_naming_the_offset_sent_fails_the_run() -> None:
    peer = Peer()
    error = {".tag": "incorrect_offset", "correct_offset": CHUNK}
    peer.overrides[("append_v2", 1)] = lambda: httpx.Response(409, json={"error": error})
    result = run(peer, os.urandom(3 * CHUNK))
    assert result.error.code == "upload_session_error"
    assert f"({CHUNK})" in result.error.message
    assert steps(peer) == ["start", "append_v2"]


def test_an_offset_that_keeps_moving_fails_the_run_after_a_bounded_number_of_steps() -> None:
    peer = Peer()
    moves = iter([0, CHUNK] * 20)

    def moved() -> httpx.Response:
        error = {".tag": "incorrect_offset", "correct_offset": next(moves)}
        return httpx.Response(409, json={"error": error})

    for count in range(1, 30):
        peer.overrides[("append_v2", count)] = moved
    result = run(peer, os.urandom(3 * CHUNK))
    assert result.error.code == "upload_session_error"
    assert "kept moving" in result.error.message
    # Three chunks and three more corrections, then the one that gives up.
    assert steps(peer) == ["start"] + ["append_v2"] * 7


def test_an_incorrect_offset_past_the_file_is_the_result() -> None:
    peer = Peer()
    error = {".tag": "incorrect_offset", "correct_offset": 10 * CHUNK}
    peer.overrides[("append_v2", 1)] = lambda: httpx.Response(409, json={"error": error})
    result = run(peer, os.urandom(3 * CHUNK))
    assert (result.status_code, result.error.code) == (409, "http_status")
    assert result.data == {"error": error}


@pytest.mark.parametrize(
    ("path", "size", "arg"),
    [
        ("2/files/upload", CHUNK + 1, COMMIT),  # not over the threshold
        ("2/files/upload_session/start", 2 * CHUNK, COMMIT),  # another endpoint
        ("2/files/upload", 2 * CHUNK, None),  # no Dropbox-API-Arg: Dropbox says why
        ("2/files/upload", 2 * CHUNK, ["not", "an", "object"]),
    ],
    ids=["small", "other-path", "no-arg", "arg-not-object"],
)
def test_other_requests_go_as_one(path: str, size: int, arg: Any) -> None:
    peer = Peer()
    peer.overrides[(path.rsplit("/", 1)[1], 1)] = lambda: httpx.Response(200, json={})
    run(peer, os.urandom(size), path=path, arg=arg)
    assert len(peer.seen) == 1


@pytest.mark.parametrize(
    ("threshold", "chunk", "field", "words"),
    [
        (-1, CHUNK, "threshold_bytes", "0 or more"),
        (0, 0, "chunk_bytes", "from"),
        (0, 152 * MiB, "chunk_bytes", "150 MB"),
        (0, 5_000_000, "chunk_bytes", "multiple of 4 MiB"),
    ],
)
def test_settings_dropbox_refuses_are_refused(
    threshold: int, chunk: int, field: str, words: str
) -> None:
    with pytest.raises(InvalidActionConfigError) as info:
        DropboxUploadSession(threshold_bytes=threshold, chunk_bytes=chunk)
    assert info.value.field == field
    assert words in info.value.message


def test_the_largest_chunk_is_the_largest_multiple_of_4_mib_under_150_mb() -> None:
    assert DropboxUploadSession(threshold_bytes=0, chunk_bytes=148 * MiB).chunk_bytes == 148 * MiB


def test_an_unknown_protocol_is_refused() -> None:
    with pytest.raises(InvalidActionConfigError) as info:
        upload_protocol("ftp_resume", threshold_bytes=0, chunk_bytes=CHUNK)
    assert info.value.field == "chunked_upload"


class Checkpoints:
    """``UploadCheckpoints`` kept in a dict, as a job keeps them on its row."""

    def __init__(self, restarts_allowed: int = 1) -> None:
        self.points: dict[str, UploadCheckpoint] = {}
        self.saved: list[UploadCheckpoint] = []
        self.restarts: list[tuple[str, str]] = []
        self.restarts_allowed = restarts_allowed
        self.stop_after: int | None = None

    def load(self, key: str) -> UploadCheckpoint | None:
        return self.points.get(key)

    def save(self, key: str, checkpoint: UploadCheckpoint) -> None:
        self.points[key] = checkpoint
        self.saved.append(checkpoint)
        if self.stop_after is not None and len(self.saved) >= self.stop_after:
            raise Stopped()

    def restart(self, key: str, *, step: str, reason: str) -> None:
        if len(self.restarts) >= self.restarts_allowed:
            raise Stopped()
        self.restarts.append((step, reason))
        self.points.pop(key, None)


class Stopped(Exception):
    """What a caller's checkpoints raise to stop an upload (a cancelled job)."""


def gone(step: str, tag: str) -> Callable[[], httpx.Response]:
    error: dict[str, Any] = {".tag": tag}
    if step == "finish":
        error = {".tag": "lookup_failed", "lookup_failed": error}
    return lambda: httpx.Response(409, json={"error_summary": f"{tag}/..", "error": error})


class TestCheckpoints:
    def test_each_confirmed_chunk_is_recorded_then_the_answer(self) -> None:
        content = os.urandom(3 * CHUNK + 7)
        points = Checkpoints()
        result = run(Peer(), content, checkpoints=points)
        assert result.error is None
        assert [(p.session, p.offset, p.done) for p in points.saved] == [
            ("s1", CHUNK, False),
            ("s1", 2 * CHUNK, False),
            ("s1", 3 * CHUNK, False),
            ("s1", len(content), True),
        ]
        assert {p.size for p in points.saved} == {len(content)}
        assert points.saved[-1].answer == result.data

    def test_a_rerun_goes_on_from_the_confirmed_offset(self) -> None:
        content = os.urandom(3 * CHUNK + 7)
        points = Checkpoints()
        points.stop_after = 2  # the worker "dies" after two confirmed chunks
        peer = Peer()
        with pytest.raises(Stopped):
            run(peer, content, checkpoints=points)
        points.stop_after = None
        result = run(peer, content, checkpoints=points)
        assert result.error is None
        assert steps(peer) == ["start", "append_v2", "append_v2", "finish"]
        assert peer.seen[2][1]["cursor"] == {"session_id": "s1", "offset": 2 * CHUNK}
        assert bytes(peer.data) == content

    def test_a_chunk_confirmed_but_not_recorded_is_found_through_incorrect_offset(self) -> None:
        content = os.urandom(3 * CHUNK + 7)
        points = Checkpoints()
        points.stop_after = 1  # the first append reached Dropbox, its record did not
        peer = Peer()
        with pytest.raises(Stopped):
            run(peer, content, checkpoints=points)
        peer.data += content[CHUNK : 2 * CHUNK]
        points.stop_after = None
        result = run(peer, content, checkpoints=points)
        assert result.error is None
        assert steps(peer)[1:] == ["append_v2", "append_v2", "finish"]
        assert bytes(peer.data) == content

    def test_a_finished_upload_is_answered_again_without_sending(self) -> None:
        content = os.urandom(2 * CHUNK + 1)
        points, peer = Checkpoints(), Peer()
        first = run(peer, content, checkpoints=points)
        sent = len(peer.seen)
        again = run(peer, content, checkpoints=points)
        assert len(peer.seen) == sent
        assert (again.status_code, again.data) == (200, first.data)

    def test_a_checkpoint_for_another_size_is_not_resumed(self) -> None:
        content = os.urandom(2 * CHUNK + 1)
        points, peer = Checkpoints(), Peer()
        run(peer, content, checkpoints=points)
        (key,) = points.points
        points.points[key] = UploadCheckpoint("s1", CHUNK, 5 * CHUNK)
        peer.seen.clear()
        run(peer, content, checkpoints=points)
        assert steps(peer) == ["start", "append_v2", "finish"]

    def test_what_the_checkpoints_raise_stops_the_upload_and_leaves_execute(self) -> None:
        points, peer = Checkpoints(), Peer()
        points.stop_after = 1
        with pytest.raises(Stopped):
            run(peer, os.urandom(3 * CHUNK), checkpoints=points)
        assert steps(peer) == ["start"]


@pytest.mark.parametrize("tag", ["not_found", "closed"])
def test_a_session_gone_at_an_append_starts_over_from_zero_once(tag: str) -> None:
    content = os.urandom(2 * CHUNK + 1)
    peer, points = Peer(), Checkpoints()
    peer.overrides[("append_v2", 1)] = gone("append_v2", tag)
    result = run(peer, content, checkpoints=points)
    assert result.error is None
    assert points.restarts == [("append_v2", tag)]
    assert steps(peer) == ["start", "append_v2", "start", "append_v2", "finish"]
    assert bytes(peer.data) == content


def test_a_session_gone_at_finish_is_the_result_not_a_second_upload() -> None:
    # Dropbox answers so too when an earlier finish stored the file and its
    # answer was lost: starting over could store the file twice.
    peer, points = Peer(), Checkpoints()
    peer.overrides[("finish", 1)] = gone("finish", "not_found")
    result = run(peer, os.urandom(2 * CHUNK + 1), checkpoints=points)
    assert (result.status_code, result.error.code) == (409, "http_status")
    assert result.data["error"]["lookup_failed"] == {".tag": "not_found"}
    assert points.restarts == []
    assert steps(peer) == ["start", "append_v2", "finish"]


def test_without_checkpoints_a_lost_session_starts_over_once_then_fails() -> None:
    peer = Peer()
    peer.overrides[("append_v2", 1)] = gone("append_v2", "not_found")
    peer.overrides[("append_v2", 2)] = gone("append_v2", "closed")
    result = run(peer, os.urandom(3 * CHUNK + 1))
    assert steps(peer) == ["start", "append_v2", "start", "append_v2"]
    assert result.error.code == "upload_session_expired"
    assert "(append_v2 answered closed)" in result.error.message
    assert "started over from the first byte 1 time(s)" in result.error.message


def test_the_checkpoints_may_refuse_a_restart() -> None:
    peer, points = Peer(), Checkpoints(restarts_allowed=0)
    peer.overrides[("append_v2", 1)] = gone("append_v2", "not_found")
    with pytest.raises(Stopped):
        run(peer, os.urandom(2 * CHUNK + 1), checkpoints=points)
    assert steps(peer) == ["start", "append_v2"]


@pytest.mark.parametrize(
    "stored",
    [
        None,
        [],
        {"session": "", "offset": 0, "size": 1},
        {"session": "s", "offset": -1, "size": 1},
        {"session": "s", "offset": True, "size": 1},
        {"session": "s", "offset": 5, "size": 4},
        {"session": "s", "offset": 1},
    ],
)
def test_a_stored_checkpoint_that_is_not_one_reads_as_none(stored: Any) -> None:
    assert UploadCheckpoint.from_json(stored) is None


def test_a_checkpoint_round_trips_through_json() -> None:
    point = UploadCheckpoint("s", 4, 9, {"id": "x"}, done=True)
    assert UploadCheckpoint.from_json(json.loads(json.dumps(point.to_json()))) == point
