"""End-to-end runs of HttpExecutor against a real loopback server."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import socket
from collections.abc import Generator
from pathlib import Path
from typing import Any

import httpx
import pytest

from outbound import OutboundPolicy
from runtime.http import (
    ExecutionResult,
    FileReferenceError,
    HttpExecutor,
    InvalidActionConfigError,
    InvalidBodyError,
    ResolvedFile,
)
from runtime.http.files import CHUNK_SIZE
from tests.conftest import SEED_APP
from tests.fakes.dns import fixed_resolver
from tests.fakes.upstream import PNG_BYTES, EchoServer

from .conftest import DictResolver, echoed, sent


def run(
    executor: HttpExecutor, server: EchoServer, config: dict[str, Any], **kwargs: Any
) -> ExecutionResult:
    datasource = kwargs.pop("datasource", {"url": server.url})
    return executor.execute(config, datasource, **kwargs)


class BearerAuth(httpx.Auth):
    def __init__(self, token: str = "secret-token") -> None:
        self.token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self.token}"
        yield request


class ApiKeyAuth(httpx.Auth):
    """Puts credentials in a custom header and a query parameter."""

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["X-Api-Key"] = "key-123"
        request.url = request.url.copy_merge_params({"api_key": "q-secret"})
        yield request


class RefreshingAuth(httpx.Auth):
    """Like the datasource auth: old token first, refresh and retry once on 401."""

    def __init__(self) -> None:
        self.attempts = 0

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = "Bearer stale"
        response = yield request
        self.attempts += 1
        if response.status_code == 401:
            request.headers["Authorization"] = "Bearer fresh"
            yield request


# --- URL, headers, params -------------------------------------------------


def test_get_echo_and_result_shape(executor: HttpExecutor, server: EchoServer) -> None:
    result = run(executor, server, {"method": "GET", "path": "users/1"})
    assert result.is_execution_success
    assert result.status_code == 200
    assert result.error is None
    assert result.data["path"] == "/users/1"
    assert result.headers["content-type"] == "application/json"
    assert isinstance(result.duration_ms, int)
    shape = result.to_dict()
    assert set(shape) == {"data", "response_meta", "duration_ms", "request", "error"}
    assert shape["response_meta"] == {
        "status_code": 200,
        "headers": result.headers,
        "is_execution_success": True,
    }
    assert shape["request"]["method"] == "GET"
    assert shape["request"]["url"] == f"{server.url}/users/1"


@pytest.mark.parametrize(
    ("base", "path", "expected"),
    [
        ("{url}/", "2/files/upload", "/2/files/upload"),
        ("{url}", "/2/files/upload", "/2/files/upload"),
        ("{url}/api/", "/v1/items", "/api/v1/items"),
        ("{url}/api", "v1/items", "/api/v1/items"),
        ("{url}/api", "", "/api"),
    ],
)
def test_url_joining(
    executor: HttpExecutor, server: EchoServer, base: str, path: str, expected: str
) -> None:
    result = run(executor, server, {"path": path}, datasource={"url": base.format(url=server.url)})
    assert result.data["path"] == expected


def test_full_url_path_on_same_origin(executor: HttpExecutor, server: EchoServer) -> None:
    result = run(executor, server, {"path": f"{server.url}/absolute?x=1"})
    assert result.data["path"] == "/absolute"
    assert result.data["query"] == [["x", "1"]]


def test_full_url_path_on_other_origin_is_refused(
    executor: HttpExecutor, server: EchoServer, other_server: EchoServer
) -> None:
    with pytest.raises(InvalidActionConfigError) as info:
        run(executor, server, {"path": f"{other_server.url}/steal"}, auth=BearerAuth())
    assert info.value.field == "config.path"
    assert other_server.requests == []


def test_without_datasource_a_full_url_is_used(executor: HttpExecutor, server: EchoServer) -> None:
    result = executor.execute({"path": f"{server.url}/plain"})
    assert result.data["path"] == "/plain"


def test_headers_action_overrides_datasource_case_insensitively(
    executor: HttpExecutor, server: EchoServer
) -> None:
    datasource = {
        "url": server.url,
        "headers": [
            {"key": "X-Team", "value": "ds"},
            {"key": "Accept", "value": "text/csv"},
            {"key": "", "value": "skipped"},
        ],
    }
    config = {"headers": [{"key": "x-team", "value": "action"}, {"key": "X-Count", "value": 3}]}
    result = run(executor, server, config, datasource=datasource)
    raw_names = [name.lower() for name, _ in result.data["headers"]]
    assert raw_names.count("x-team") == 1
    data = echoed(result)
    assert data["headers"]["x-team"] == "action"
    assert data["headers"]["accept"] == "text/csv"
    assert data["headers"]["x-count"] == "3"
    assert sent(result).headers["x-team"] == "action"


def test_query_params_merge(executor: HttpExecutor, server: EchoServer) -> None:
    datasource = {
        "url": f"{server.url}/?region=eu",
        "query_params": [{"key": "a", "value": "ds"}, {"key": "keep", "value": "1"}],
    }
    config = {
        "path": "list?page=2",
        "query_params": [
            {"key": "a", "value": "action"},
            {"key": "ids", "value": 1},
            {"key": "ids", "value": 2},
            {"key": "", "value": "skipped"},
        ],
    }
    result = run(executor, server, config, datasource=datasource)
    assert result.data["path"] == "/list"
    assert result.data["query"] == [
        ["region", "eu"],
        ["keep", "1"],
        ["page", "2"],
        ["a", "action"],
        ["ids", "1"],
        ["ids", "2"],
    ]


# --- bodies -----------------------------------------------------------------


def test_json_body_structured(executor: HttpExecutor, server: EchoServer) -> None:
    config = {"method": "POST", "body_type": "json", "body": {"name": "Ann", "tags": ["a"]}}
    data = echoed(run(executor, server, config))
    assert json.loads(data["body"]) == {"name": "Ann", "tags": ["a"]}
    assert data["headers"]["content-type"] == "application/json"


def test_json_body_string_sent_as_typed(executor: HttpExecutor, server: EchoServer) -> None:
    text = '{"a": 1,  "b": [true, null]}'
    config = {"method": "PUT", "body_type": "json", "body": text}
    data = echoed(run(executor, server, config))
    assert data["body"] == text.encode()


def test_json_body_respects_explicit_content_type(
    executor: HttpExecutor, server: EchoServer
) -> None:
    config = {
        "method": "POST",
        "body_type": "json",
        "body": {"a": 1},
        "headers": [{"key": "content-type", "value": "application/vnd.api+json"}],
    }
    data = echoed(run(executor, server, config))
    assert data["headers"]["content-type"] == "application/vnd.api+json"


def test_invalid_json_string_is_a_config_error(executor: HttpExecutor, server: EchoServer) -> None:
    with pytest.raises(InvalidBodyError) as info:
        run(executor, server, {"method": "POST", "body_type": "json", "body": "{nope"})
    assert info.value.field == "config.body"
    assert server.requests == []


def test_form_urlencoded_body(executor: HttpExecutor, server: EchoServer) -> None:
    config = {
        "method": "POST",
        "body_type": "x-www-form-urlencoded",
        "body": [
            {"key": "grant", "value": "a b&c"},
            {"key": "n", "value": 2},
            {"key": "", "value": "x"},
        ],
    }
    data = echoed(run(executor, server, config))
    assert data["body"] == b"grant=a+b%26c&n=2"
    assert data["headers"]["content-type"] == "application/x-www-form-urlencoded"


def test_raw_body(executor: HttpExecutor, server: EchoServer) -> None:
    config = {"method": "POST", "body_type": "raw", "body": "plain ✓ text"}
    data = echoed(run(executor, server, config))
    assert data["body"] == "plain ✓ text".encode()
    assert data["headers"]["content-type"] == "text/plain; charset=utf-8"


def test_none_body_ignores_body(executor: HttpExecutor, server: EchoServer) -> None:
    config = {"method": "POST", "body_type": "none", "body": "ignored"}
    data = echoed(run(executor, server, config))
    assert data["body"] == b""
    assert data["headers"]["content-length"] == "0"


def _big_file(tmp_path: Path, size: int = 3 * CHUNK_SIZE + 123) -> tuple[Path, bytes]:
    content = os.urandom(size)
    path = tmp_path / "photo.jpg"
    path.write_bytes(content)
    return path, content


def test_binary_body_streams_file_in_chunks(
    executor: HttpExecutor, server: EchoServer, resolver: DictResolver, tmp_path: Path
) -> None:
    path, content = _big_file(tmp_path)
    ref = resolver.add("blob:f1", "photo.jpg", path, "image/jpeg")
    config = {"method": "POST", "path": "upload", "body_type": "binary", "body": ref}
    result = run(executor, server, config, files=resolver)
    data = echoed(result)
    assert hashlib.sha256(data["body"]).digest() == hashlib.sha256(content).digest()
    assert data["headers"]["content-length"] == str(len(content))
    assert data["headers"]["content-type"] == "application/octet-stream"
    [reader] = resolver.opened
    assert reader.closed
    assert len(reader.read_sizes) > 1
    assert all(size == CHUNK_SIZE for size in reader.read_sizes)
    assert sent(result).body == {
        "type": "binary",
        "file": {
            "reference": "blob:f1",
            "name": "photo.jpg",
            "size": len(content),
            "content_type": "image/jpeg",
        },
    }


def test_binary_body_of_unknown_size_is_chunked(
    executor: HttpExecutor, server: EchoServer, tmp_path: Path
) -> None:
    resolver = DictResolver(report_size=False)
    path, content = _big_file(tmp_path, 100_000)
    ref = resolver.add("blob:f2", "a.bin", path, "application/octet-stream")
    result = run(
        executor, server, {"method": "PUT", "body_type": "binary", "body": ref}, files=resolver
    )
    data = echoed(result)
    assert data["body"] == content
    assert data["headers"]["transfer-encoding"] == "chunked"


def test_binary_body_accepts_filepicker_file_object(
    executor: HttpExecutor, server: EchoServer, resolver: DictResolver
) -> None:
    ref = resolver.add("blob:f3", "a.txt", b"hello", "text/plain")
    file_object = {"id": "f3", "name": "a.txt", "size": 5, "type": "text/plain", "data": ref}
    config = {"method": "POST", "body_type": "binary", "body": file_object}
    assert echoed(run(executor, server, config, files=resolver))["body"] == b"hello"


def test_binary_body_unknown_reference(
    executor: HttpExecutor, server: EchoServer, resolver: DictResolver
) -> None:
    config = {"method": "POST", "body_type": "binary", "body": "blob:missing"}
    with pytest.raises(FileReferenceError) as info:
        run(executor, server, config, files=resolver)
    assert info.value.field == "config.body"
    assert info.value.reference == "blob:missing"
    assert server.requests == []


def test_binary_body_requires_a_reference(executor: HttpExecutor, server: EchoServer) -> None:
    with pytest.raises(InvalidBodyError, match="blob:<id>"):
        run(executor, server, {"method": "POST", "body_type": "binary", "body": "just text"})


def test_multipart_with_text_and_file(
    executor: HttpExecutor, server: EchoServer, resolver: DictResolver, tmp_path: Path
) -> None:
    path, content = _big_file(tmp_path, 2 * CHUNK_SIZE + 7)
    ref = resolver.add("blob:doc", 'my "report".pdf', path, "application/pdf")
    config = {
        "method": "POST",
        "body_type": "multipart/form-data",
        "headers": [{"key": "Content-Type", "value": "multipart/form-data"}],
        "body": [
            {"key": "title", "value": "Q3"},
            {"key": "meta", "value": {"a": 1}},
            {"key": "file", "value": ref},
        ],
    }
    result = run(executor, server, config, files=resolver)
    data = echoed(result)
    content_type = data["headers"]["content-type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    boundary = content_type.split("boundary=")[1].encode()
    body = data["body"]
    assert body.startswith(b"--" + boundary + b"\r\n")
    assert body.endswith(b"--" + boundary + b"--\r\n")
    assert b'Content-Disposition: form-data; name="title"\r\n\r\nQ3\r\n' in body
    assert b'name="meta"\r\n\r\n{"a":1}\r\n' in body
    assert (
        b'Content-Disposition: form-data; name="file"; filename="my %22report%22.pdf"\r\n'
        b"Content-Type: application/pdf\r\n\r\n" + content + b"\r\n"
    ) in body
    assert data["headers"]["content-length"] == str(len(body))
    [reader] = resolver.opened
    assert all(size == CHUNK_SIZE for size in reader.read_sizes)
    assert sent(result).body["fields"][2]["file"]["name"] == 'my "report".pdf'


def test_multipart_unknown_reference_names_the_row(
    executor: HttpExecutor, server: EchoServer, resolver: DictResolver
) -> None:
    config = {
        "method": "POST",
        "body_type": "multipart",
        "body": [{"key": "a", "value": "x"}, {"key": "file", "value": "blob:nope"}],
    }
    with pytest.raises(FileReferenceError) as info:
        run(executor, server, config, files=resolver)
    assert info.value.field == "config.body[1].value"


def test_file_body_is_replayed_after_401_refresh(
    executor: HttpExecutor, server: EchoServer, resolver: DictResolver
) -> None:
    ref = resolver.add("blob:r", "r.bin", b"payload-bytes", "application/octet-stream")
    auth = RefreshingAuth()
    config = {"method": "POST", "path": "needs-token", "body_type": "binary", "body": ref}
    result = run(executor, server, config, files=resolver, auth=auth)
    assert result.is_execution_success
    assert base64.b64decode(result.data["body_base64"]) == b"payload-bytes"
    assert len(resolver.opened) == 2  # the file was opened again, not buffered
    assert sent(result).headers["authorization"] == "[REDACTED]"


class RetryReplayableOnce(httpx.Auth):
    """Answers the first 401 by sending the request again, if its body says it can be.

    The contract ``datasources.auth`` relies on: a stream with ``replayable = True``
    yields the same bytes on every pass.
    """

    def __init__(self) -> None:
        self.retried_streams: list[object] = []

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = "Bearer stale"
        response = yield request
        if response.status_code == 401 and getattr(request.stream, "replayable", False) is True:
            self.retried_streams.append(request.stream)
            request.headers["Authorization"] = "Bearer fresh"
            yield request


@pytest.mark.parametrize("known_size", [True, False], ids=["content-length", "chunked"])
@pytest.mark.parametrize("body_type", ["binary", "multipart"])
def test_a_file_body_is_sent_whole_again_when_the_auth_retries_a_401(
    executor: HttpExecutor, server: EchoServer, tmp_path: Path, body_type: str, known_size: bool
) -> None:
    resolver = DictResolver(report_size=known_size)
    path, content = _big_file(tmp_path)
    ref = resolver.add("blob:big", "photo.jpg", path, "image/jpeg")
    body: object = ref if body_type == "binary" else [{"key": "file", "value": ref}]
    config = {"method": "POST", "path": "needs-token", "body_type": body_type, "body": body}
    auth = RetryReplayableOnce()

    result = run(executor, server, config, files=resolver, auth=auth)

    assert result.is_execution_success, result.error
    assert len(auth.retried_streams) == 1
    first, second = server.requests
    assert [dict(r["headers"])["Authorization"] for r in (first, second)] == [
        "Bearer stale",
        "Bearer fresh",
    ]
    sent = [base64.b64decode(r["body_base64"]) for r in (first, second)]
    assert sent[0] == sent[1]
    assert content in sent[0]
    for record, body_bytes in zip((first, second), sent, strict=True):
        headers = {k.lower(): v for k, v in record["headers"]}
        if known_size:
            assert headers["content-length"] == str(len(body_bytes))
        else:
            assert headers["transfer-encoding"] == "chunked"
    # Opened once per send and read in chunks: never held whole in memory.
    assert len(resolver.opened) == 2
    for reader in resolver.opened:
        assert reader.closed
        assert len(reader.read_sizes) > 1
        assert all(size == CHUNK_SIZE for size in reader.read_sizes)


# --- responses --------------------------------------------------------------


def test_json_response(executor: HttpExecutor, server: EchoServer) -> None:
    result = run(executor, server, {"path": "json"})
    assert result.data == {"ok": True, "items": [1, 2]}
    assert result.headers["x-upstream"] == "yes"


def test_text_response_decoded_with_charset(executor: HttpExecutor, server: EchoServer) -> None:
    assert run(executor, server, {"path": "text"}).data == "héllo"


def test_binary_response_is_base64(executor: HttpExecutor, server: EchoServer) -> None:
    data = run(executor, server, {"path": "binary"}).data
    assert data["content_type"] == "image/png"
    assert base64.b64decode(data["base64"]) == PNG_BYTES
    assert data["size"] == len(PNG_BYTES)


def test_untyped_response_is_sniffed(executor: HttpExecutor, server: EchoServer) -> None:
    assert run(executor, server, {"path": "no-type"}).data == {"sniffed": True}


def test_invalid_json_response_falls_back_to_text(
    executor: HttpExecutor, server: EchoServer
) -> None:
    assert run(executor, server, {"path": "bad-json"}).data == "{not json"


def test_empty_response(executor: HttpExecutor, server: EchoServer) -> None:
    result = run(executor, server, {"path": "empty"})
    assert result.status_code == 204
    assert result.is_execution_success
    assert result.data == ""


def test_head_request(executor: HttpExecutor, server: EchoServer) -> None:
    result = run(executor, server, {"method": "head", "path": "json"})
    assert result.status_code == 200
    assert result.data == ""


@pytest.mark.parametrize("code", [400, 404, 422, 500, 503])
def test_upstream_errors_are_results(executor: HttpExecutor, server: EchoServer, code: int) -> None:
    result = run(executor, server, {"path": f"status/{code}"})
    assert not result.is_execution_success
    assert result.status_code == code
    assert result.data == {"error": f"status {code}"}
    assert result.error is not None
    assert result.error.code == "http_status"
    assert str(code) in result.error.message


@pytest.mark.parametrize("with_length", ["0", "1"])
def test_response_cap(server: EchoServer, with_length: str) -> None:
    with HttpExecutor(OutboundPolicy(allow_loopback=True), max_response_bytes=100_000) as ex:
        ok = run(ex, server, {"path": f"large?size=100000&length={with_length}"})
        assert ok.is_execution_success
        assert ok.data["size"] == 100_000
        result = run(ex, server, {"path": f"large?size=5000000&length={with_length}"})
    assert not result.is_execution_success
    assert result.status_code == 200
    assert result.data is None
    assert result.error is not None
    assert result.error.code == "response_too_large"
    assert "100000 bytes" in result.error.message


def test_timeout_waiting_for_response(executor: HttpExecutor, server: EchoServer) -> None:
    result = run(executor, server, {"path": "slow?delay=3", "timeout_s": 0.3})
    assert not result.is_execution_success
    assert result.status_code is None
    assert result.error is not None
    assert result.error.code == "timeout"
    assert "0.3 s" in result.error.message


def test_timeout_mid_body(executor: HttpExecutor, server: EchoServer) -> None:
    result = run(executor, server, {"path": "slow-body", "timeout_s": 0.3})
    assert result.error is not None
    assert result.error.code == "timeout"
    assert result.status_code == 200
    assert not result.is_execution_success


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_connect_error(executor: HttpExecutor) -> None:
    result = executor.execute({"path": f"http://127.0.0.1:{closed_port()}/"})
    assert result.error is not None
    assert result.error.code == "connect_error"
    assert result.status_code is None


def test_timeout_above_executor_maximum(server: EchoServer) -> None:
    with (
        HttpExecutor(OutboundPolicy(allow_loopback=True), max_timeout_s=30) as ex,
        pytest.raises(InvalidActionConfigError) as info,
    ):
        run(ex, server, {"timeout_s": 31})
    assert info.value.field == "config.timeout_s"


# --- auth and the debug view ------------------------------------------------


def test_auth_is_applied_and_redacted(executor: HttpExecutor, server: EchoServer) -> None:
    result = run(executor, server, {"path": "who"}, auth=BearerAuth())
    assert echoed(result)["headers"]["authorization"] == "Bearer secret-token"
    assert sent(result).headers["authorization"] == "[REDACTED]"
    assert "secret-token" not in json.dumps(result.to_dict()["request"])
    assert "secret-token" not in json.dumps(result.to_dict()["response_meta"])


def test_auth_query_param_and_custom_header_redacted(
    executor: HttpExecutor, server: EchoServer
) -> None:
    config = {"path": "who", "query_params": [{"key": "q", "value": "visible"}]}
    result = run(executor, server, config, auth=ApiKeyAuth())
    data = echoed(result)
    assert data["headers"]["x-api-key"] == "key-123"
    assert ["api_key", "q-secret"] in data["query"]
    shown = json.dumps(sent(result).to_dict())
    assert "key-123" not in shown
    assert "q-secret" not in shown
    assert "api_key=%5BREDACTED%5D" in sent(result).url
    assert "q=visible" in sent(result).url


def test_auth_redacted_when_call_fails(executor: HttpExecutor) -> None:
    result = executor.execute({"path": f"http://127.0.0.1:{closed_port()}/"}, auth=ApiKeyAuth())
    assert result.error is not None
    shown = json.dumps(result.to_dict())
    assert "key-123" not in shown
    assert "q-secret" not in shown


def test_user_authorization_header_is_redacted(executor: HttpExecutor, server: EchoServer) -> None:
    config = {"headers": [{"key": "Authorization", "value": "Basic dXNlcjpwdw=="}]}
    result = run(executor, server, config)
    assert sent(result).headers["authorization"] == "[REDACTED]"


# --- the seed's example -----------------------------------------------------


def test_dropbox_upload_example(
    executor: HttpExecutor, server: EchoServer, resolver: DictResolver, tmp_path: Path
) -> None:
    seed = json.loads(SEED_APP.read_text())
    action = seed["actions"][0]["config"]
    # What the evaluator produces from the bindings for a picked "cv.pdf".
    action["body"] = resolver.add("blob:cv", "cv.pdf", b"%PDF-1.7 ...", "application/pdf")
    action["headers"][0]["value"] = action["headers"][0]["value"].replace(
        "{{FilePicker1.files[0].name}}", "cv.pdf"
    )
    datasource = dict(seed["datasource"], url=f"{server.url}/")
    result = executor.execute(action, datasource, auth=BearerAuth("dbx"), files=resolver)
    data = echoed(result)
    assert data["method"] == "POST"
    assert data["path"] == "/2/files/upload"
    assert data["headers"]["content-type"] == "application/octet-stream"
    assert json.loads(data["headers"]["dropbox-api-arg"])["path"] == "/cv.pdf"
    assert data["headers"]["authorization"] == "Bearer dbx"
    assert data["body"] == b"%PDF-1.7 ..."


# --- faults a real server cannot produce ------------------------------------


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (httpx.RemoteProtocolError("peer closed connection"), "protocol_error"),
        (httpx.ReadError("connection reset"), "network_error"),
        (httpx.PoolTimeout("pool exhausted"), "timeout"),
    ],
)
def test_transport_faults_become_results(exc: Exception, code: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    with HttpExecutor(transport=httpx.MockTransport(handler)) as ex:
        result = ex.execute({"path": "https://api.example.com/x"})
    assert result.error is not None
    assert result.error.code == code
    assert not result.is_execution_success


def test_file_read_failure_mid_stream(tmp_path: Path) -> None:
    class Broken:
        def read(self, size: int = -1) -> bytes:
            raise OSError("disk gone")

        def close(self) -> None:
            pass

    from runtime.http import ResolvedFile

    class BrokenResolver:
        def resolve(self, reference: str) -> ResolvedFile:
            return ResolvedFile("x.bin", 10, "application/octet-stream", lambda: Broken())  # type: ignore[arg-type,return-value]

    def handler(request: httpx.Request) -> httpx.Response:
        request.read()
        return httpx.Response(200)

    with HttpExecutor(transport=httpx.MockTransport(handler)) as ex:
        result = ex.execute(
            {
                "path": "https://api.example.com/u",
                "method": "POST",
                "body_type": "binary",
                "body": "blob:x",
            },
            files=BrokenResolver(),
        )
    assert result.error is not None
    assert result.error.code == "file_read_error"
    assert "disk gone" in result.error.message


def test_unused_dns_resolver_is_not_called_for_literals(server: EchoServer) -> None:
    calls: list[str] = []

    def resolver(host: str) -> list[str]:
        calls.append(host)
        return fixed_resolver({})(host)

    with HttpExecutor(OutboundPolicy(allow_loopback=True), resolver=resolver) as ex:
        assert run(ex, server, {"path": "x"}).is_execution_success
    assert calls == []


def test_total_deadline_stops_a_dripping_response(server: EchoServer) -> None:
    # Each byte arrives well within the per-read timeout; only the total budget
    # of the run can stop this response.
    with HttpExecutor(OutboundPolicy(allow_loopback=True)) as ex:
        result = run(ex, server, {"path": "drip?count=50&interval=0.05", "timeout_s": 0.5})
    assert result.error is not None
    assert result.error.code == "timeout"
    assert result.status_code == 200
    assert result.data is None


def test_file_read_failure_through_the_real_transport(
    executor: HttpExecutor, server: EchoServer
) -> None:
    class FailsLater:
        def __init__(self) -> None:
            self.calls = 0

        def read(self, size: int = -1) -> bytes:
            self.calls += 1
            if self.calls > 1:
                raise OSError("storage went away")
            return b"x" * size

        def close(self) -> None:
            pass

    class Resolver:
        def resolve(self, reference: str) -> ResolvedFile:
            return ResolvedFile("big.bin", 10 * CHUNK_SIZE, "x/y", FailsLater)  # type: ignore[arg-type]

    config = {"method": "POST", "body_type": "binary", "body": "blob:big"}
    result = run(executor, server, config, files=Resolver())
    assert result.error is not None
    assert result.error.code == "file_read_error"
    assert "storage went away" in result.error.message
    # The executor and its pool still work afterwards.
    assert run(executor, server, {"path": "json"}).is_execution_success


def test_unicode_header_values(executor: HttpExecutor, server: EchoServer) -> None:
    arg = '{"path": "/Résumé 😀.pdf", "mode": "add"}'
    config = {
        "headers": [
            {"key": "Dropbox-API-Arg", "value": arg},
            {"key": "X-Plain", "value": "café"},
        ]
    }
    data = echoed(run(executor, server, config))
    sent_arg = data["headers"]["dropbox-api-arg"]
    assert sent_arg.isascii()
    assert sent_arg == '{"path": "/R\\u00e9sum\\u00e9 \\ud83d\\ude00.pdf", "mode": "add"}'
    assert json.loads(sent_arg) == json.loads(arg)
    # http.server decodes header bytes as Latin-1; the bytes on the wire were UTF-8.
    assert data["headers"]["x-plain"].encode("latin-1") == "café".encode()


@pytest.mark.parametrize(
    "path", ["//evil.example/x", "@evil.example", "\\\\evil.example\\x", "../../x", "%2F%2Fevil"]
)
def test_tricky_paths_stay_on_the_datasource_host(
    executor: HttpExecutor, server: EchoServer, path: str
) -> None:
    result = run(executor, server, {"path": path})
    assert result.is_execution_success
    assert sent(result).url.startswith(f"{server.url}/")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"max_response_bytes": 0}, "max_response_bytes"),
        ({"max_timeout_s": 0}, "max_timeout_s"),
    ],
)
def test_executor_settings_are_validated(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidActionConfigError) as info:
        HttpExecutor(**kwargs)
    assert info.value.field == field
