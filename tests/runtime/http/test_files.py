"""File references and FileByteStream: chunked, replayable, size-checked."""

from __future__ import annotations

import io
from typing import BinaryIO, cast

import pytest

from runtime.http import FileReadError, FileReferenceError, ResolvedFile
from runtime.http.deadline import Deadline
from runtime.http.errors import DeadlineExceededError
from runtime.http.files import FileByteStream, is_file_reference, resolve_reference

from .conftest import DictResolver, RecordingReader


def file_of(content: bytes, size: int | None = None) -> tuple[ResolvedFile, list[RecordingReader]]:
    readers: list[RecordingReader] = []

    def opener() -> BinaryIO:
        readers.append(RecordingReader(io.BytesIO(content)))
        return cast(BinaryIO, readers[-1])

    return ResolvedFile("f.bin", len(content) if size is None else size, "x/y", opener), readers


def test_is_file_reference() -> None:
    assert is_file_reference("blob:abc")
    assert not is_file_reference("abc")
    assert not is_file_reference({"data": "blob:abc"})


def test_resolve_reference_errors() -> None:
    resolver = DictResolver()
    resolver.add("blob:ok", "a", b"a", "text/plain")
    assert resolve_reference("blob:ok", resolver, field="f").name == "a"
    with pytest.raises(FileReferenceError) as info:
        resolve_reference("blob:gone", resolver, field="config.body")
    assert (info.value.field, info.value.reference) == ("config.body", "blob:gone")
    for bad in ("blob:", "blob:a/b", "blob:" + "a" * 300):
        with pytest.raises(FileReferenceError, match="not a valid file reference"):
            resolve_reference(bad, resolver, field="config.body")


def test_stream_reads_in_chunks_and_closes() -> None:
    resolved, readers = file_of(b"0123456789")
    assert b"".join(FileByteStream("blob:x", resolved, chunk_size=4)) == b"0123456789"
    [reader] = readers
    assert reader.read_sizes == [4, 4, 4, 4]
    assert reader.closed


def test_stream_is_replayable() -> None:
    resolved, readers = file_of(b"abc")
    stream = FileByteStream("blob:x", resolved)
    assert b"".join(stream) == b"".join(stream) == b"abc"
    assert len(readers) == 2
    assert stream.replayable is True  # what datasources.auth reads before a re-send


@pytest.mark.parametrize(("declared", "actual"), [(5, b"abc"), (2, b"abc")])
def test_size_mismatch_is_reported(declared: int, actual: bytes) -> None:
    resolved, readers = file_of(actual, size=declared)
    with pytest.raises(FileReadError, match="changed while sending"):
        b"".join(FileByteStream("blob:x", resolved, chunk_size=1))
    assert readers[0].closed


def test_open_failure() -> None:
    def opener() -> BinaryIO:
        raise FileNotFoundError("no such file")

    stream = FileByteStream("blob:x", ResolvedFile("f", 1, "x/y", opener))
    with pytest.raises(FileReadError, match="could not open") as info:
        list(stream)
    assert info.value.reference == "blob:x"


def test_deadline_stops_the_upload() -> None:
    resolved, readers = file_of(b"abc")
    with pytest.raises(DeadlineExceededError):
        list(FileByteStream("blob:x", resolved, Deadline(0)))
    assert readers[0].closed


def test_a_part_streams_its_byte_range_from_a_fresh_handle() -> None:
    content = bytes(range(256)) * 1000
    file, readers = file_of(content)
    stream = FileByteStream("blob:f", file, chunk_size=1000)
    part = stream.part(100_000, 50_000)
    assert b"".join(part) == content[100_000:150_000]
    assert b"".join(part) == content[100_000:150_000]  # replayable: reopened
    assert len(readers) == 2 and all(r.closed for r in readers)
    assert max(r.read_sizes[0] for r in readers) <= 1000


def test_a_part_of_a_file_that_shrank_is_a_read_error() -> None:
    file, _ = file_of(b"x" * 100, size=300)
    with pytest.raises(FileReadError, match="expected 300 bytes, read 100"):
        b"".join(FileByteStream("blob:f", file).part(50, 100))


def test_the_last_part_of_a_file_that_grew_is_a_read_error() -> None:
    file, _ = file_of(b"x" * 300, size=200)
    with pytest.raises(FileReadError, match="changed while sending"):
        b"".join(FileByteStream("blob:f", file).part(100, 100))
