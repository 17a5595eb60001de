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
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import httpx

from runtime.http.files import FileByteStream
from runtime.http.response_reader import decode_body, read_body

__all__ = [
    "ANSWER_MAX_BYTES",
    "ChunkedUpload",
    "Sender",
    "read_answer",
]

# A session step's answer is a small JSON document (an id, an error); more is refused.
ANSWER_MAX_BYTES = 64 * 1024


# Sends one request of a session; the response is streamed, the caller closes it.
Sender = Callable[[httpx.Request], httpx.Response]


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

    def upload(self, request: httpx.Request, body: FileByteStream, send: Sender) -> httpx.Response:
        """Run the session; the last response, unread (or the first failed one)."""
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
