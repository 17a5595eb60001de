"""The streaming multipart encoder, checked by a standard parser."""

from __future__ import annotations

import io
from email import message_from_bytes
from email.message import Message

from runtime.http import ResolvedFile
from runtime.http.multipart import FilePart, MultipartStream, TextPart


def parse(stream: MultipartStream) -> list[Message]:
    body = b"".join(stream)
    head = f"Content-Type: {stream.content_type}\r\n\r\n".encode()
    message = message_from_bytes(head + body)
    assert message.is_multipart()
    return list(message.get_payload())


def test_round_trip_through_email_parser() -> None:
    content = bytes(range(256)) * 10
    resolved = ResolvedFile(
        "a b.bin", len(content), "application/x-test", lambda: io.BytesIO(content)
    )
    stream = MultipartStream(
        [TextPart("title", "héllo"), FilePart("upload", "blob:1", resolved)], "b0undary"
    )
    assert stream.content_type == "multipart/form-data; boundary=b0undary"
    assert stream.content_length == len(b"".join(stream))
    title, upload = parse(stream)
    assert title.get_param("name", header="content-disposition") == "title"
    assert title.get_payload(decode=True) == "héllo".encode()
    assert upload.get_filename() == "a b.bin"
    assert upload.get_content_type() == "application/x-test"
    assert upload.get_payload(decode=True) == content


def test_names_are_escaped() -> None:
    stream = MultipartStream([TextPart('we"ird\r\nname', "v")], "b")
    head = b"".join(stream).split(b"\r\n\r\n")[0]
    assert b'name="we%22ird%0D%0Aname"' in head


def test_unknown_size_gives_no_length() -> None:
    resolved = ResolvedFile("f", None, "text/plain", lambda: io.BytesIO(b"x"))
    assert MultipartStream([FilePart("f", "blob:1", resolved)], "b").content_length is None


def test_empty_form() -> None:
    stream = MultipartStream([], "b")
    assert b"".join(stream) == b"--b--\r\n"
    assert stream.content_length == 7


def test_every_pass_reopens_the_files_and_yields_the_same_bytes() -> None:
    opened: list[io.BytesIO] = []

    def opener() -> io.BytesIO:
        opened.append(io.BytesIO(b"file-bytes"))
        return opened[-1]

    resolved = ResolvedFile("f.bin", 10, "x/y", opener)
    stream = MultipartStream([TextPart("a", "1"), FilePart("f", "blob:1", resolved)], "b")
    assert stream.replayable is True  # what datasources.auth reads before a re-send
    assert b"".join(stream) == b"".join(stream)
    assert len(opened) == 2
