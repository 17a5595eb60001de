"""Dropbox upload sessions: ``files/upload`` for files larger than one request takes.

Dropbox's ``2/files/upload`` accepts at most 150 MB. A larger file goes
through ``2/files/upload_session/start`` (the first chunk; answers
``{"session_id"}``), ``append_v2`` (``{"cursor": {"session_id", "offset"}}``,
one chunk each) and ``finish`` (the last bytes and the ``commit``), on the
same host as the upload, with the same headers and auth. ``finish`` answers
the file's metadata, exactly as ``files/upload`` would have, and that answer
is the query's ``data``.

The ``commit`` is the query's own evaluated ``Dropbox-API-Arg`` (its
CommitInfo fields: path, mode, autorename, client_modified, mute,
property_groups, strict_conflict), so the file lands where a single upload
would have put it. Chunks other than the last must be multiples of 4 MiB
(Dropbox's block size), so ``chunk_bytes`` is refused otherwise.

An ``incorrect_offset`` answer carries the offset Dropbox holds
(``correct_offset``, nested under ``lookup_failed`` for ``finish``): the
session continues from there, streaming the file from that offset (up to one
correction per chunk and ``MAX_EXTRA_CORRECTIONS`` more). Any other failed
step ends the run with that answer.

A session Dropbox no longer knows at an ``append_v2`` (``not_found``,
``closed``), say one that expired while a job waited to resume it, makes the
upload start over from byte 0 if its checkpoints allow
(``UploadCheckpoints.restart``). At ``finish`` the same answer
(``lookup_failed/not_found``) is the run's result: Dropbox also gives it
when an earlier ``finish`` stored the file and its answer was lost, and
starting over would store the file twice. Each confirmed chunk is recorded in
the checkpoints, and ``finish``'s answer with it, so that a rerun resumes
or, if the file is already stored, answers it again
(``runtime.http.upload_sessions``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from runtime.http.errors import InvalidActionConfigError, UploadSessionError
from runtime.http.files import FileByteStream
from runtime.http.upload_sessions import (
    RestartOnce,
    Sender,
    UploadCheckpoint,
    UploadCheckpoints,
    read_answer,
    upload_key,
)

__all__ = ["BLOCK_BYTES", "MAX_CHUNK_BYTES", "DropboxUploadSession"]

BLOCK_BYTES = 4 * 1024 * 1024
# Dropbox's cap on one request's body, for a single upload and for each session step.
MAX_CHUNK_BYTES = 150 * 1024 * 1024
# incorrect_offset answers followed per session: one per chunk (each could be
# lost once) and a few more.
MAX_EXTRA_CORRECTIONS = 3
# Error tags of a session Dropbox no longer holds open: it expired, or was closed.
GONE_TAGS = ("not_found", "closed")
ARG_HEADER = "Dropbox-API-Arg"
UPLOAD_PATH = "2/files/upload"
COMMIT_FIELDS = (
    "path",
    "mode",
    "autorename",
    "client_modified",
    "mute",
    "property_groups",
    "strict_conflict",
)


class DropboxUploadSession:
    """Dropbox's chunked-upload protocol (see the module docstring)."""

    name = "dropbox_upload_session"

    def __init__(self, *, threshold_bytes: int, chunk_bytes: int) -> None:
        if isinstance(threshold_bytes, bool) or threshold_bytes < 0:
            raise InvalidActionConfigError(
                "must be a number of bytes, 0 or more", field="threshold_bytes"
            )
        if isinstance(chunk_bytes, bool) or not 0 < chunk_bytes <= MAX_CHUNK_BYTES:
            raise InvalidActionConfigError(
                f"must be from {BLOCK_BYTES} to {MAX_CHUNK_BYTES} bytes (Dropbox takes at most "
                "150 MB per request)",
                field="chunk_bytes",
            )
        if chunk_bytes % BLOCK_BYTES:
            raise InvalidActionConfigError(
                f"must be a multiple of 4 MiB ({BLOCK_BYTES} bytes), as Dropbox requires of "
                f"every chunk but the last; got {chunk_bytes}",
                field="chunk_bytes",
            )
        self.threshold_bytes = threshold_bytes
        self.chunk_bytes = chunk_bytes

    def applies(self, request: httpx.Request, body: FileByteStream) -> bool:
        size = body.file.size
        return (
            request.method == "POST"
            and request.url.path.rstrip("/").endswith("/" + UPLOAD_PATH)
            and size is not None
            and size > self.threshold_bytes
            and _commit(request) is not None
        )

    def upload(
        self,
        request: httpx.Request,
        body: FileByteStream,
        send: Sender,
        checkpoints: UploadCheckpoints | None = None,
    ) -> httpx.Response:
        commit = _commit(request)
        size = body.file.size
        if commit is None or size is None:  # applies() said no: nothing to chunk
            return send(request)
        store = checkpoints if checkpoints is not None else RestartOnce()
        key = upload_key(self.name, request, body, commit)
        point = store.load(key)
        if point is not None and point.size != size:
            point = None
        if point is not None and point.done:
            # Finished by an earlier run that did not live to report it.
            return httpx.Response(200, json=point.answer, request=request)
        while True:
            if point is None:
                started = self._start(request, body, size, send)
                if isinstance(started, httpx.Response):
                    return started
                point = started
                store.save(key, point)
            outcome = self._rest(request, body, commit, point, send, lambda p: store.save(key, p))
            if isinstance(outcome, httpx.Response):
                return outcome
            step, reason = outcome
            store.restart(key, step=step, reason=reason)  # raises once restarts are used up
            point = None

    def _start(
        self, request: httpx.Request, body: FileByteStream, size: int, send: Sender
    ) -> UploadCheckpoint | httpx.Response:
        """A new session holding the first chunk, or the failed answer."""
        first = min(self.chunk_bytes, size)
        response = send(self._step(request, "start", {"close": False}, body.part(0, first)))
        if response.status_code != 200:
            return response
        _, answer = read_answer(response, body)
        session_id = answer.get("session_id") if isinstance(answer, Mapping) else None
        if not isinstance(session_id, str) or not session_id:
            raise UploadSessionError("upload_session/start answered no session_id", step="start")
        return UploadCheckpoint(session_id, first, size)

    def _rest(
        self,
        request: httpx.Request,
        body: FileByteStream,
        commit: dict[str, Any],
        point: UploadCheckpoint,
        send: Sender,
        confirmed: Callable[[UploadCheckpoint], None],
    ) -> httpx.Response | tuple[str, str]:
        """Append and finish from ``point``; the last answer, or (step, reason) if the
        session is gone at the peer."""
        session_id, offset, size = point.session, point.offset, point.size
        # A peer that keeps moving the offset must not keep a worker sending forever.
        corrections_left = -(-size // self.chunk_bytes) + MAX_EXTRA_CORRECTIONS
        while True:
            cursor = {"session_id": session_id, "offset": offset}
            length = size - offset
            last = length <= self.chunk_bytes
            step_name = "finish" if last else "append_v2"
            arg: dict[str, Any]
            if last:
                arg = {"cursor": cursor, "commit": commit}
                step = self._step(request, "finish", arg, body.part(offset, length))
            else:
                arg = {"cursor": cursor, "close": False}
                step = self._step(request, "append_v2", arg, body.part(offset, self.chunk_bytes))
            response = send(step)
            if response.status_code == 200:
                if last:
                    held, answer = read_answer(response, body)
                    confirmed(UploadCheckpoint(session_id, size, size, answer, done=True))
                    return held
                response.close()
                offset += self.chunk_bytes
                confirmed(UploadCheckpoint(session_id, offset, size))
                continue
            if response.status_code != 409:
                return response
            answered, answer = read_answer(response, body)
            gone = None if last else _gone(answer)  # at finish: see the module docstring
            if gone is not None:
                return step_name, gone
            held_offset = _held_offset(answer, size)
            if held_offset is None:
                return answered
            if held_offset == offset:
                # Dropbox holds what Brace sent from: the answer contradicts itself.
                raise UploadSessionError(
                    f"incorrect_offset names the offset sent ({offset})", step=step_name
                )
            corrections_left -= 1
            if corrections_left < 0:
                raise UploadSessionError(
                    "the upload session's offset kept moving (incorrect_offset answers); gave up",
                    step=step_name,
                )
            offset = held_offset

    def _step(
        self, request: httpx.Request, step: str, arg: Mapping[str, Any], part: FileByteStream
    ) -> httpx.Request:
        url = request.url
        path = url.path.rstrip("/")
        url = url.copy_with(path=path.removesuffix("files/upload") + f"files/upload_session/{step}")
        headers = httpx.Headers(request.headers)
        headers[ARG_HEADER] = json.dumps(arg, separators=(",", ":"))
        headers["Content-Length"] = str(part.length)
        headers.pop("Transfer-Encoding", None)
        return httpx.Request(request.method, url, headers=headers, stream=part)


def _commit(request: httpx.Request) -> dict[str, Any] | None:
    """The CommitInfo fields of the request's ``Dropbox-API-Arg``; None if it is not an object."""
    try:
        arg = json.loads(request.headers.get(ARG_HEADER, ""))
    except ValueError:
        return None
    if not isinstance(arg, dict) or not isinstance(arg.get("path"), str):
        return None
    return {key: arg[key] for key in COMMIT_FIELDS if key in arg}


def _held_offset(answer: Any, size: int) -> int | None:
    """``correct_offset`` of an ``incorrect_offset`` answer, if it is one Brace can go on from."""
    error = answer.get("error") if isinstance(answer, Mapping) else None
    if isinstance(error, Mapping) and error.get(".tag") == "lookup_failed":
        error = error.get("lookup_failed")
    if not isinstance(error, Mapping) or error.get(".tag") != "incorrect_offset":
        return None
    held = error.get("correct_offset")
    if isinstance(held, bool) or not isinstance(held, int) or not 0 <= held <= size:
        return None
    return held


def _gone(answer: Any) -> str | None:
    """The error tag (``not_found``, ``closed``) if an append's answer says the session is gone."""
    error = answer.get("error") if isinstance(answer, Mapping) else None
    if not isinstance(error, Mapping) or error.get(".tag") not in GONE_TAGS:
        return None
    return str(error[".tag"])
