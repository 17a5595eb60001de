"""Reading and decoding response bodies, and the size cap."""

from __future__ import annotations

import base64
import gzip
from collections.abc import Iterator

import httpx
import pytest

from runtime.http import DeadlineExceededError, ResponseTooLargeError
from runtime.http.deadline import Deadline
from runtime.http.response_reader import decode_body, read_body, response_headers
from runtime.values import MAX_JSON_DEPTH


def streamed(chunks: list[bytes], headers: dict[str, str] | None = None) -> httpx.Response:
    def body() -> Iterator[bytes]:
        yield from chunks

    return httpx.Response(200, headers=headers, content=body())


def test_read_body_under_the_cap() -> None:
    assert read_body(streamed([b"ab", b"cd"]), max_bytes=4) == b"abcd"


def test_read_body_stops_at_the_cap() -> None:
    pulled: list[int] = []

    def body() -> Iterator[bytes]:
        for index in range(1000):
            pulled.append(index)
            yield b"x" * 10

    with pytest.raises(ResponseTooLargeError) as info:
        read_body(httpx.Response(200, content=body()), max_bytes=25)
    assert info.value.limit == 25
    assert len(pulled) == 3  # stopped right after crossing the cap


def test_declared_length_over_the_cap_fails_before_reading() -> None:
    response = streamed([b"x"], headers={"Content-Length": "999999"})
    with pytest.raises(ResponseTooLargeError):
        read_body(response, max_bytes=10)


def test_cap_applies_to_decompressed_size() -> None:
    bomb = gzip.compress(b"\0" * 100_000)
    response = httpx.Response(
        200,
        headers={"Content-Encoding": "gzip", "Content-Length": str(len(bomb))},
        content=iter([bomb]),
    )
    with pytest.raises(ResponseTooLargeError):
        read_body(response, max_bytes=10_000)


def test_deadline_checked_between_chunks() -> None:
    deadline = Deadline(0)
    with pytest.raises(DeadlineExceededError) as info:
        read_body(streamed([b"a", b"b"]), max_bytes=100, deadline=deadline)
    assert info.value.code == "timeout"


@pytest.mark.parametrize(
    ("content", "content_type", "data"),
    [
        (b'{"a": 1}', "application/json", {"a": 1}),
        (b'{"a": 1}', "application/json; charset=utf-8", {"a": 1}),
        (b'\xef\xbb\xbf{"bom": true}', "application/json", {"bom": True}),
        (b'{"a": 1}', "application/vnd.api+json", {"a": 1}),
        (b"[1, 2]", "text/json", [1, 2]),
        (b"<html>", "application/json", "<html>"),
        (b"caf\xe9", "text/plain; charset=latin-1", "café"),
        (b"caf\xc3\xa9", "text/html", "café"),
        (b"caf\xff", "text/plain", "caf\ufffd"),
        (b"x", "text/plain; charset=no-such-charset", "x"),
        (b"<a/>", "application/xml", "<a/>"),
        (b"<svg/>", "image/svg+xml", "<svg/>"),
        (b"<a/>", "application/atom+xml", "<a/>"),
        (b'{"sniffed": 1}', None, {"sniffed": 1}),
        (b"[not json", None, "[not json"),
        (b"plain words", None, "plain words"),
        (b"", "application/json", ""),
    ],
)
def test_decode_body(content: bytes, content_type: str | None, data: object) -> None:
    assert decode_body(content, content_type) == data


@pytest.mark.parametrize(
    ("content", "content_type", "shown_type"),
    [
        (b"\x89PNG\r\n", "image/png", "image/png"),
        (b"abc", "application/octet-stream", "application/octet-stream"),
        (b"%PDF", "Application/PDF", "application/pdf"),
        (b"\xff\xfe\x00", None, "application/octet-stream"),
        (b"a\x00b", None, "application/octet-stream"),
    ],
)
def test_binary_bodies_are_base64(
    content: bytes, content_type: str | None, shown_type: str
) -> None:
    data = decode_body(content, content_type)
    assert data == {
        "base64": base64.b64encode(content).decode(),
        "content_type": shown_type,
        "size": len(content),
    }


def test_response_headers_lowercased_and_joined() -> None:
    response = httpx.Response(
        200, headers=[("X-A", "1"), ("Set-Cookie", "a=1"), ("set-cookie", "b=2")]
    )
    assert response_headers(response) == {"x-a": "1", "set-cookie": "a=1, b=2"}


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 1_000, 100_000])
@pytest.mark.parametrize("content_type", ["application/json", None])
def test_json_nested_deeper_than_brace_keeps_is_text(depth: int, content_type: str | None) -> None:
    text = "[" * depth + "]" * depth
    assert decode_body(text.encode(), content_type) == text


def test_json_as_deep_as_brace_keeps_is_data() -> None:
    text = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    assert isinstance(decode_body(text.encode(), "application/json"), list)
