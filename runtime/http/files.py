"""File references in action bodies and the streams that send them.

A picked file reaches an action as a reference string, ``blob:<id>`` (what
``POST /api/v1/runtime/files/`` answers as ``data``). The executor never sees
storage: the caller passes a ``FileResolver`` that maps a reference to a
``ResolvedFile`` (name, size, type and a way to open it). The resolver is also
where ownership is enforced: it must refuse references that do not belong to
the runtime session running the action.

Files are streamed in fixed-size chunks and never read whole, so a 200 MB
upload costs one chunk of memory. Each iteration of a ``FileByteStream``
opens the file afresh, which makes the body replayable: an ``httpx.Auth``
that retries after a 401, or a 307/308 redirect, sends the same bytes again.
The stream says so with ``replayable = True``, the duck-typed contract that
``datasources.auth.is_replayable`` reads (neither app may import the other);
``request_builder`` passes it as the request's ``stream`` so that an auth
flow sees this object, not httpx's wrapper around it. ``FileByteStream.part``
streams one byte range of the same file (a chunk of an upload session), with
the same reopening and checks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO, Protocol

import httpx

from runtime.http.deadline import Deadline
from runtime.http.errors import FileReadError, FileReferenceError
from runtime.values import FILE_REFERENCE_PREFIX

__all__ = [
    "CHUNK_SIZE",
    "FileByteStream",
    "FileResolver",
    "ResolvedFile",
    "is_file_reference",
    "resolve_reference",
]

# Bytes read from storage per step of a stream: large enough that Python's per-chunk
# work (the read, the deadline check, h11's framing, a send) stays small beside the
# copy itself (64 KiB took ~1.7x the CPU per byte), small beside a request's memory.
CHUNK_SIZE = 1024 * 1024

_REFERENCE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")


@dataclass(frozen=True)
class ResolvedFile:
    """A stored file, ready to be streamed.

    ``size`` is in bytes, or None when storage cannot tell (the body is then
    sent with chunked transfer encoding). ``opener`` returns a new binary
    file object positioned at the start; the stream closes it.
    """

    name: str
    size: int | None
    content_type: str
    opener: Callable[[], BinaryIO]

    def open(self) -> BinaryIO:
        return self.opener()


class FileResolver(Protocol):
    """Maps a ``blob:<id>`` reference to a ``ResolvedFile``.

    Raise ``LookupError`` (``KeyError`` is one) for an unknown reference or
    one the current session may not use; the executor reports it as a
    ``FileReferenceError`` naming the config field.
    """

    def resolve(self, reference: str) -> ResolvedFile: ...


def is_file_reference(value: object) -> bool:
    """True for strings that claim to be file references (``blob:...``)."""
    return isinstance(value, str) and value.startswith(FILE_REFERENCE_PREFIX)


def resolve_reference(reference: str, resolver: FileResolver | None, *, field: str) -> ResolvedFile:
    """Validate ``reference`` and resolve it, or raise ``FileReferenceError``."""
    ref_id = reference[len(FILE_REFERENCE_PREFIX) :]
    if not _REFERENCE_ID.fullmatch(ref_id):
        raise FileReferenceError(
            f"{reference[:60]!r} is not a valid file reference; expected blob:<id>",
            field=field,
            reference=reference,
        )
    if resolver is None:
        raise FileReferenceError(
            "the body references a file but no file resolver was given",
            field=field,
            reference=reference,
        )
    try:
        return resolver.resolve(reference)
    except LookupError:
        raise FileReferenceError(
            f"unknown file reference {reference!r}; pick the file again",
            field=field,
            reference=reference,
        ) from None


class FileByteStream(httpx.SyncByteStream):
    """Streams one resolved file, chunk by chunk, reopening it on every pass."""

    # Read by auth flows (datasources.auth.is_replayable) before sending a body again.
    replayable = True

    def __init__(
        self,
        reference: str,
        file: ResolvedFile,
        deadline: Deadline | None = None,
        chunk_size: int = CHUNK_SIZE,
        *,
        offset: int = 0,
        length: int | None = None,
    ) -> None:
        self.reference = reference
        self.file = file
        self.deadline = deadline
        self._chunk_size = chunk_size
        self.offset = offset
        # The bytes this stream sends: the range asked for, else the rest of the file.
        self.length = length if length is not None else _rest(file.size, offset)

    def part(self, offset: int, length: int) -> FileByteStream:
        """The ``length`` bytes of the same file from ``offset``, streamed the same way."""
        return FileByteStream(
            self.reference,
            self.file,
            self.deadline,
            self._chunk_size,
            offset=offset,
            length=length,
        )

    def __iter__(self) -> Iterator[bytes]:
        try:
            handle = self.file.open()
            if self.offset:
                handle.seek(self.offset)
        except OSError as exc:
            raise FileReadError(
                f"could not open file {self.file.name!r}: {exc}", reference=self.reference
            ) from exc
        # A range that ends where the file ends is read to the end of the file,
        # so that a file which grew meanwhile is noticed.
        to_end = self.length is None or self.offset + self.length == self.file.size
        sent = 0
        try:
            while True:
                if self.deadline is not None:
                    self.deadline.check()
                want = self._chunk_size
                if not to_end and self.length is not None:
                    want = min(want, self.length - sent)
                    if want == 0:
                        break
                try:
                    chunk = handle.read(want)
                except OSError as exc:
                    raise FileReadError(
                        f"could not read file {self.file.name!r}: {exc}",
                        reference=self.reference,
                    ) from exc
                if not chunk:
                    break
                sent += len(chunk)
                # A Content-Length was announced from ``size``; sending a different
                # number of bytes would corrupt the request, so fail clearly instead.
                if self.length is not None and sent > self.length:
                    raise self._size_mismatch(self.offset + sent)
                yield chunk
            if self.length is not None and sent != self.length:
                raise self._size_mismatch(self.offset + sent)
        finally:
            handle.close()

    def _size_mismatch(self, read: int) -> FileReadError:
        return FileReadError(
            f"file {self.file.name!r} changed while sending: expected {self.file.size} bytes, "
            f"read {read}",
            reference=self.reference,
        )


def _rest(size: int | None, offset: int) -> int | None:
    return None if size is None else size - offset
