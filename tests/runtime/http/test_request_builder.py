"""Building the httpx.Request: URL joining, merging, body encoding, validation."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from runtime.http import (
    ActionConfig,
    DatasourceConfig,
    FileReferenceError,
    InvalidBodyError,
    InvalidHeaderError,
    InvalidURLError,
)
from runtime.http.files import FileByteStream
from runtime.http.multipart import MultipartStream
from runtime.http.request_builder import BuiltRequest, build_request

from .conftest import DictResolver


def build(
    config: dict[str, Any], datasource: dict[str, Any] | None = None, **kw: Any
) -> BuiltRequest:
    source = {"url": "https://api.example.com/"} if datasource is None else datasource
    return build_request(
        ActionConfig.from_mapping(config), DatasourceConfig.from_mapping(source), **kw
    )


def body_bytes(built: BuiltRequest) -> bytes:
    return b"".join(built.request.stream)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("base", "path", "url"),
    [
        (
            "https://content.dropboxapi.com/",
            "2/files/upload",
            "https://content.dropboxapi.com/2/files/upload",
        ),
        (
            "https://content.dropboxapi.com",
            "/2/files/upload",
            "https://content.dropboxapi.com/2/files/upload",
        ),
        ("https://h.example/api/", "/v1", "https://h.example/api/v1"),
        ("https://h.example/api", "", "https://h.example/api"),
        ("https://h.example/api", "?q=1", "https://h.example/api?q=1"),
        ("https://h.example/", "search?q=a b&x=1", "https://h.example/search?q=a+b&x=1"),
        ("https://h.example/?key=1", "items", "https://h.example/items?key=1"),
        ("https://h.example:8443/", "https://h.example:8443/other", "https://h.example:8443/other"),
        (
            "https://campaigns.zoho.eu/api/v1.1/",
            "getmailinglists?resfmt=JSON",
            "https://campaigns.zoho.eu/api/v1.1/getmailinglists?resfmt=JSON",
        ),
    ],
)
def test_url_joining(base: str, path: str, url: str) -> None:
    assert str(build({"path": path}, {"url": base}).request.url) == url


@pytest.mark.parametrize(
    ("datasource", "path", "field"),
    [
        ({"url": "ftp://h.example/"}, "x", "datasource.url"),
        ({"url": "not a url"}, "x", "datasource.url"),
        ({"url": "https://user:pw@h.example/"}, "x", "datasource.url"),
        ({"url": "https://h.example/"}, "https://other.example/x", "config.path"),
        ({"url": "https://h.example/"}, "http://h.example/x", "config.path"),
        ({"url": "https://h.example/"}, "https://h.example:444/x", "config.path"),
        ({}, "relative/path", "config.path"),
        ({}, "https://u:p@h.example/", "config.path"),
        ({"url": "http://0251.0376.0251.0376/"}, "", "datasource.url"),
    ],
)
def test_bad_urls(datasource: dict[str, Any], path: str, field: str) -> None:
    with pytest.raises(InvalidURLError) as info:
        build({"path": path}, datasource)
    assert info.value.field == field


def test_default_headers_and_override() -> None:
    built = build(
        {"headers": [{"key": "user-agent", "value": "mine"}]},
        {"url": "https://h.example/", "headers": [{"key": "ACCEPT", "value": "application/json"}]},
    )
    headers = built.request.headers
    assert headers["user-agent"] == "mine"
    assert headers.get_list("accept") == ["application/json"]
    assert headers["host"] == "h.example"


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"key": "Bad Name", "value": "x"}, "config.headers[0].key"),
        ({"key": "X-Evil", "value": "a\r\nInjected: 1"}, "config.headers[0].value"),
        ({"key": "Content-Length", "value": "5"}, "config.headers[0].key"),
        ({"key": "Host", "value": "internal"}, "config.headers[0].key"),
        ({"key": "Transfer-Encoding", "value": "chunked"}, "config.headers[0].key"),
    ],
)
def test_bad_headers(row: dict[str, str], field: str) -> None:
    with pytest.raises(InvalidHeaderError) as info:
        build({"headers": [row]})
    assert info.value.field == field


def test_datasource_header_errors_name_datasource() -> None:
    with pytest.raises(InvalidHeaderError) as info:
        build({}, {"url": "https://h.example/", "headers": [{"key": "a b", "value": ""}]})
    assert info.value.field == "datasource.headers[0].key"


def test_json_body_and_summary() -> None:
    built = build({"method": "POST", "body_type": "json", "body": [1, {"é": True}]})
    assert body_bytes(built) == '[1,{"é":true}]'.encode()
    assert built.request.headers["content-length"] == str(len('[1,{"é":true}]'.encode()))
    assert built.body_summary == {
        "type": "json",
        "size": len('[1,{"é":true}]'.encode()),
        "preview": '[1,{"é":true}]',
        "truncated": False,
    }


DEEP = "[" * 100_000 + '"é"' + "]" * 100_000


def test_json_text_nested_deeper_than_the_parser_goes_is_a_config_error() -> None:
    with pytest.raises(InvalidBodyError) as info:
        build({"method": "POST", "body_type": "json", "body": DEEP})
    assert info.value.field == "config.body"


def test_a_header_value_nested_deeper_than_the_parser_goes_is_sent_as_utf8() -> None:
    built = build({"headers": [{"key": "X-Deep", "value": DEEP}]})
    assert built.request.headers.raw[-1] == (b"X-Deep", DEEP.encode())


def test_long_body_preview_is_truncated() -> None:
    built = build({"method": "POST", "body_type": "raw", "body": "x" * 5000})
    assert len(built.body_summary["preview"]) == 2048
    assert built.body_summary["truncated"] is True


def test_form_body_from_mapping_and_string() -> None:
    built = build({"method": "POST", "body_type": "form_urlencoded", "body": {"a": 1, "b": "x y"}})
    assert body_bytes(built) == b"a=1&b=x+y"
    built = build({"method": "POST", "body_type": "form_urlencoded", "body": "pre=encoded"})
    assert body_bytes(built) == b"pre=encoded"


@pytest.mark.parametrize(
    ("body_type", "body", "field"),
    [
        ("form_urlencoded", 5, "config.body"),
        ("form_urlencoded", ["a=1"], "config.body[0]"),
        ("multipart", [{"key": 1, "value": "x"}], "config.body[0]"),
        ("binary", None, "config.body"),
        ("binary", {"name": "no data"}, "config.body"),
        ("json", "{'single': 'quotes'}", "config.body"),
    ],
)
def test_bad_bodies(body_type: str, body: object, field: str) -> None:
    with pytest.raises(InvalidBodyError) as info:
        build({"method": "POST", "body_type": body_type, "body": body})
    assert info.value.field == field


def test_file_reference_without_resolver() -> None:
    with pytest.raises(FileReferenceError, match="no file resolver"):
        build({"method": "POST", "body_type": "binary", "body": "blob:abc"})


def test_malformed_file_reference() -> None:
    with pytest.raises(FileReferenceError, match="not a valid file reference"):
        build(
            {"method": "POST", "body_type": "binary", "body": "blob:../etc/passwd"},
            files=DictResolver(),
        )


def test_binary_content_type_from_header_wins() -> None:
    resolver = DictResolver()
    ref = resolver.add("blob:p", "p.png", b"png", "image/png")
    built = build(
        {
            "method": "POST",
            "body_type": "binary",
            "body": ref,
            "headers": [{"key": "Content-Type", "value": "image/png"}],
        },
        files=resolver,
    )
    assert built.request.headers["content-type"] == "image/png"
    assert resolver.opened == []  # resolved, not opened, until sent


def test_multipart_keeps_user_boundary_and_lists_of_files() -> None:
    resolver = DictResolver()
    a = resolver.add("blob:a", "a.txt", b"AAA", "text/plain")
    b = resolver.add("blob:b", "b.txt", b"BB", "text/plain")
    built = build(
        {
            "method": "POST",
            "body_type": "multipart",
            "headers": [{"key": "content-type", "value": 'multipart/form-data; boundary="xyz"'}],
            "body": [{"key": "files", "value": [a, {"data": b, "name": "ignored"}]}],
        },
        files=resolver,
    )
    assert built.request.headers["content-type"] == "multipart/form-data; boundary=xyz"
    body = body_bytes(built)
    assert body.count(b'name="files"; filename=') == 2
    assert body.startswith(b"--xyz\r\n")
    assert built.request.headers["content-length"] == str(len(body))
    assert [f["file"]["name"] for f in built.body_summary["fields"]] == ["a.txt", "b.txt"]


def test_multipart_replaces_non_multipart_content_type() -> None:
    built = build(
        {
            "method": "POST",
            "body_type": "multipart",
            "headers": [{"key": "Content-Type", "value": "application/json"}],
            "body": [{"key": "a", "value": "1"}],
        },
    )
    assert built.request.headers["content-type"].startswith("multipart/form-data; boundary=")


@pytest.mark.parametrize("body_type", ["json", "raw", "form_urlencoded", "multipart"])
def test_empty_body_sends_nothing(body_type: str) -> None:
    built = build({"method": "POST", "body_type": body_type, "body": ""})
    assert body_bytes(built) == b""
    assert built.body_summary == {"type": "none"}
    assert "content-type" not in built.request.headers


@pytest.mark.parametrize("known_size", [True, False])
@pytest.mark.parametrize("body_type", ["binary", "multipart"])
def test_a_file_body_is_the_replayable_request_stream_itself(
    body_type: str, known_size: bool
) -> None:
    # httpx's wrapper (what content= gives) would hide `replayable` from an auth flow.
    resolver = DictResolver(report_size=known_size)
    ref = resolver.add("blob:f", "f.bin", b"file-bytes", "application/octet-stream")
    body: object = ref if body_type == "binary" else [{"key": "file", "value": ref}]
    built = build(
        {"method": "POST", "path": "up", "body_type": body_type, "body": body},
        {"url": "https://api.example.com:8443/"},
        files=resolver,
    )
    stream = built.request.stream
    assert isinstance(stream, FileByteStream if body_type == "binary" else MultipartStream)
    assert stream.replayable is True
    headers = built.request.headers
    # With stream= httpx adds no headers: Host and framing are ours, as content= sets them.
    assert headers.raw[0] == (b"Host", b"api.example.com:8443")
    first = body_bytes(built)
    assert body_bytes(built) == first
    assert b"file-bytes" in first
    assert len(resolver.opened) == 2
    if known_size:
        assert headers["content-length"] == str(len(first))
        assert "transfer-encoding" not in headers
    else:
        assert headers["transfer-encoding"] == "chunked"
        assert "content-length" not in headers


def test_an_in_memory_body_is_still_a_byte_stream() -> None:
    built = build({"method": "POST", "body_type": "json", "body": {"a": 1}})
    assert isinstance(built.request.stream, httpx.ByteStream)
    assert built.request.headers["content-length"] == "7"
    assert built.request.headers["host"] == "api.example.com"
