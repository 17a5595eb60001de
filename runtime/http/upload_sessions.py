"""Chunked-upload protocols: how an API takes a file too large for one request.

Some APIs cap a single upload (Dropbox's ``files/upload``: 150 MB) and take
bigger files through a session of requests instead. A datasource preset names
its protocol (``datasources.presets``: Dropbox's is ``dropbox_upload_session``);
the caller builds it with ``runtime.http.upload_protocols.upload_protocol``
and hands it to
``HttpExecutor.execute``. The executor stays general: for a request whose
body is a picked file it asks the protocol whether to chunk it
(``applies``), and if so lets it run the session (``upload``) through a
``Sender`` that applies everything a single request would get: the outbound
policy, the run's deadline and the datasource's auth (a 401 refreshes the
token once and re-sends the chunk, since a chunk's stream reopens the file)
and the retries of ``runtime.http.retry`` (a 429, a 5xx, a dropped
connection: the step is sent again).
The protocol answers the response whose body becomes the query's ``data``,
the same answer a single upload gives, so bindings do not change.

Chunks stream from storage (``FileByteStream.part``): a session costs one
read buffer of memory, whatever the file's size.

Resuming: the caller may pass ``UploadCheckpoints``, where the protocol
records each upload's ``UploadCheckpoint`` (the provider's session id and the
bytes it confirmed) after every confirmed chunk, and reads it back when the
same upload runs again (a background job redelivered after its worker died):
the session then goes on from the confirmed offset instead of byte 0. An
upload is named by ``upload_key`` (file, method, URL, the protocol's own
destination), so that rerunning an event finds its uploads again. When the
peer has lost the session (expired, closed) at a step where starting over
cannot store the file twice (the protocol knows which), the upload starts
over from 0, ``MAX_SESSION_RESTARTS`` times per upload; the checkpoints decide through
``restart`` (a job counts across its runs; ``RestartOnce`` counts within one).
Hooks may raise to stop the upload (a cancelled job): the exception leaves
``HttpExecutor.execute`` unchanged, like one raised by the auth.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from runtime.http.errors import UploadSessionExpiredError
from runtime.http.files import FileByteStream
from runtime.http.response_reader import decode_body, read_body

__all__ = [
    "ANSWER_MAX_BYTES",
    "MAX_SESSION_RESTARTS",
    "ChunkedUpload",
    "RestartOnce",
    "Sender",
    "UploadCheckpoint",
    "UploadCheckpoints",
    "expired_message",
    "read_answer",
    "upload_key",
]

# A session step's answer is a small JSON document (an id, an error); more is refused.
ANSWER_MAX_BYTES = 64 * 1024


# Times one upload starts over from byte 0 because the peer lost its session.
MAX_SESSION_RESTARTS = 1

# Sends one request of a session; the response is streamed, the caller closes it.
Sender = Callable[[httpx.Request], httpx.Response]


@dataclass(frozen=True)
class UploadCheckpoint:
    """How far one chunked upload got, as the peer confirmed it.

    ``session``: the peer's id for the session; ``offset``: the bytes it
    confirmed; ``size``: the file's size; ``answer``: the finishing step's
    decoded answer once the upload is complete (a rerun answers it again
    instead of uploading the file twice).
    """

    session: str
    offset: int
    size: int
    answer: Any = None
    done: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "session": self.session,
            "offset": self.offset,
            "size": self.size,
            "answer": self.answer,
            "done": self.done,
        }

    @classmethod
    def from_json(cls, data: Any) -> UploadCheckpoint | None:
        """The checkpoint stored as ``to_json`` gave it; None for anything else."""
        if not isinstance(data, Mapping):
            return None
        session, offset, size = data.get("session"), data.get("offset"), data.get("size")
        if not isinstance(session, str) or not session:
            return None
        for number in (offset, size):
            if isinstance(number, bool) or not isinstance(number, int) or number < 0:
                return None
        if offset > size:  # type: ignore[operator]
            return None
        return cls(session, offset, size, data.get("answer"), data.get("done") is True)  # type: ignore[arg-type]


class UploadCheckpoints(Protocol):
    """Where a run's chunked uploads record how far they got (see the module docstring)."""

    def load(self, key: str) -> UploadCheckpoint | None:
        """The upload's last checkpoint, or None to start it from byte 0."""
        ...

    def save(self, key: str, checkpoint: UploadCheckpoint) -> None:
        """The peer confirmed bytes up to ``checkpoint.offset`` (or the whole upload: ``done``).

        Called after every confirmed chunk; may raise to stop the upload there.
        """
        ...

    def restart(self, key: str, *, step: str, reason: str) -> None:
        """The peer lost the session (``step`` answered ``reason``): start over from 0, or raise.

        Raise ``UploadSessionExpiredError`` (or the caller's own error) once
        the upload has started over ``MAX_SESSION_RESTARTS`` times.
        """
        ...


class RestartOnce:
    """Checkpoints for a run that keeps none: each upload may start over once, within the run."""

    def __init__(self) -> None:
        self.restarts: dict[str, int] = {}

    def load(self, key: str) -> UploadCheckpoint | None:
        return None

    def save(self, key: str, checkpoint: UploadCheckpoint) -> None:
        pass

    def restart(self, key: str, *, step: str, reason: str) -> None:
        done = self.restarts.get(key, 0)
        if done >= MAX_SESSION_RESTARTS:
            raise UploadSessionExpiredError(expired_message(step, reason, done), step=step)
        self.restarts[key] = done + 1


def expired_message(step: str, reason: str, restarts: int) -> str:
    """What a failed upload says when the peer lost its session once too often."""
    return (
        f"the upload session is gone at the provider ({step} answered {reason}) and the "
        f"upload already started over from the first byte {restarts} time(s); "
        "run it again to upload the whole file anew"
    )


def upload_key(protocol: str, request: httpx.Request, body: FileByteStream, target: Any) -> str:
    """Names one upload across runs: the same file sent the same way to the same place.

    ``target`` is what the protocol sends the file to (Dropbox: its commit).
    """
    digest = hashlib.sha256()
    for part in (protocol, request.method, str(request.url), repr(target), str(body.file.size)):
        digest.update(part.encode() + b"\0")
    return f"{body.reference}:{digest.hexdigest()[:16]}"


class ChunkedUpload(Protocol):
    """A preset's chunked-upload protocol, built for the deployment's settings.

    ``threshold_bytes``: files larger than this go through a session;
    ``chunk_bytes``: the bytes each session request carries. The constructor
    raises ``InvalidActionConfigError`` whose ``field`` is ``threshold_bytes``
    or ``chunk_bytes`` for a value the API would refuse.
    """

    name: str

    def applies(self, request: httpx.Request, body: FileByteStream) -> bool:
        """Whether ``request`` (its body the file ``body``) is sent through a session."""
        ...

    def upload(
        self,
        request: httpx.Request,
        body: FileByteStream,
        send: Sender,
        checkpoints: UploadCheckpoints | None = None,
    ) -> httpx.Response:
        """Run the session; the last response (or the first failed one).

        ``checkpoints``: where to resume from and record progress; None keeps
        nothing across runs (``RestartOnce``).
        """
        ...


def read_answer(response: httpx.Response, body: FileByteStream) -> tuple[httpx.Response, Any]:
    """A session step's answer read (bounded by ``ANSWER_MAX_BYTES``) and decoded.

    The response comes back as one that holds its (decoded) bytes, so that it
    can still become the query's result.
    """
    try:
        content = read_body(response, max_bytes=ANSWER_MAX_BYTES, deadline=body.deadline)
    finally:
        response.close()
    # The bytes are decoded already: the copy must not announce a content coding.
    headers = httpx.Headers(response.headers)
    for name in ("content-encoding", "content-length", "transfer-encoding"):
        headers.pop(name, None)
    held = httpx.Response(
        response.status_code, headers=headers, content=content, request=response.request
    )
    return held, decode_body(content, headers.get("content-type"))
