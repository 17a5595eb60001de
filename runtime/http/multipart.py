"""A streaming ``multipart/form-data`` encoder (RFC 7578).

httpx has its own encoder, but it wants open file objects up front and reads
them through ``seek``; ours takes ``ResolvedFile``s, opens each file only while
its part is being sent, and computes ``Content-Length`` from the sizes the
resolver reports, so the upstream gets a length without the file being read.
Field names and file names are escaped as browsers and httpx do (HTML5 form
encoding: ``"`` -> ``%22``, control characters -> ``%XX``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import httpx

from runtime.http.deadline import Deadline
from runtime.http.files import FileByteStream, ResolvedFile

__all__ = ["FilePart", "MultipartStream", "TextPart", "new_boundary"]

_ESCAPES = {'"': "%22", "\\": "\\\\"} | {chr(c): f"%{c:02X}" for c in range(0x20) if c != 0x1B}
_ESCAPE_RE = re.compile("|".join(re.escape(c) for c in _ESCAPES))


@dataclass(frozen=True)
class TextPart:
    name: str
    value: str


@dataclass(frozen=True)
class FilePart:
    name: str
    reference: str
    file: ResolvedFile


def new_boundary() -> str:
    return os.urandom(16).hex()


def _quote(value: str) -> str:
    return _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(0)], value)


class MultipartStream(httpx.SyncByteStream):
    """Yields the encoded form; file parts are streamed from storage.

    Replayable like ``FileByteStream``: every pass re-encodes the parts and
    reopens the files, so an auth flow may send it again after a 401.
    """

    replayable = True

    def __init__(
        self,
        parts: Sequence[TextPart | FilePart],
        boundary: str,
        deadline: Deadline | None = None,
    ) -> None:
        self.parts = tuple(parts)
        self.boundary = boundary
        self._deadline = deadline

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"

    def _part_head(self, part: TextPart | FilePart) -> bytes:
        disposition = f'form-data; name="{_quote(part.name)}"'
        lines = []
        if isinstance(part, FilePart):
            disposition += f'; filename="{_quote(part.file.name)}"'
            lines.append(f"Content-Disposition: {disposition}")
            lines.append(f"Content-Type: {part.file.content_type or 'application/octet-stream'}")
        else:
            lines.append(f"Content-Disposition: {disposition}")
        head = f"--{self.boundary}\r\n" + "\r\n".join(lines) + "\r\n\r\n"
        return head.encode("utf-8")

    def _tail(self) -> bytes:
        return f"--{self.boundary}--\r\n".encode("ascii")

    @property
    def content_length(self) -> int | None:
        """The encoded size, or None if a file's size is unknown."""
        total = len(self._tail())
        for part in self.parts:
            total += len(self._part_head(part)) + 2  # the CRLF closing each part
            if isinstance(part, FilePart):
                if part.file.size is None:
                    return None
                total += part.file.size
            else:
                total += len(part.value.encode("utf-8"))
        return total

    def __iter__(self) -> Iterator[bytes]:
        for part in self.parts:
            yield self._part_head(part)
            if isinstance(part, FilePart):
                yield from FileByteStream(part.reference, part.file, self._deadline)
            else:
                yield part.value.encode("utf-8")
            yield b"\r\n"
        yield self._tail()
