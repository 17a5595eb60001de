"""Redirect handling of HttpExecutor: policy on every hop, cap, method rules."""

from __future__ import annotations

from collections.abc import Generator
from urllib.parse import quote

import httpx
import pytest

from outbound import OutboundPolicy
from runtime.http import HttpExecutor
from tests.fakes.dns import fixed_resolver
from tests.fakes.upstream import EchoServer

from .conftest import DictResolver, echoed, sent


class KeyAuth(httpx.Auth):
    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = "Bearer secret"
        request.headers["X-Api-Key"] = "key-123"
        yield request


def redirect_path(to: str, status: int = 302) -> str:
    return f"redirect?status={status}&to={quote(to, safe='')}"


def test_redirect_chain_is_followed(executor: HttpExecutor, server: EchoServer) -> None:
    result = executor.execute({"path": "chain/5"}, {"url": server.url})
    assert result.is_execution_success
    assert result.data["path"] == "/echo"
    assert len(sent(result).redirects) == 5
    assert sent(result).url == f"{server.url}/echo"


def test_redirect_cap(executor: HttpExecutor, server: EchoServer) -> None:
    result = executor.execute({"path": "chain/6"}, {"url": server.url})
    assert not result.is_execution_success
    assert result.error is not None
    assert result.error.code == "too_many_redirects"
    assert [r["path"] for r in server.requests][-1] == "/chain/1"


def test_redirects_not_followed_when_policy_says_so(server: EchoServer) -> None:
    with HttpExecutor(OutboundPolicy(allow_loopback=True, follow_redirects=False)) as ex:
        result = ex.execute({"path": "chain/1"}, {"url": server.url})
    assert result.status_code == 302
    assert not result.is_execution_success
    assert result.headers["location"] == "/echo"
    assert result.error is not None
    assert result.error.code == "http_status"


def test_redirect_to_metadata_literal_is_refused(
    executor: HttpExecutor, server: EchoServer
) -> None:
    path = redirect_path("http://169.254.169.254/latest/meta-data/")
    result = executor.execute({"path": path}, {"url": server.url})
    assert result.error is not None
    assert result.error.code == "blocked_address"
    assert not result.is_execution_success
    assert sent(result).redirects == ()


def test_redirect_to_name_resolving_to_metadata_is_refused(server: EchoServer) -> None:
    resolver = fixed_resolver({"rebind.test": ["169.254.169.254"]})
    with HttpExecutor(OutboundPolicy(allow_loopback=True), resolver=resolver) as ex:
        path = redirect_path(f"http://rebind.test:{server.port}/x")
        result = ex.execute({"path": path}, {"url": server.url})
    assert result.error is not None
    assert result.error.code == "blocked_address"
    assert sent(result).redirects == (f"http://rebind.test:{server.port}/x",)


@pytest.mark.parametrize("target", ["file:///etc/passwd", "gopher://127.0.0.1:6379/_INFO"])
def test_redirect_to_other_schemes_is_refused(
    executor: HttpExecutor, server: EchoServer, target: str
) -> None:
    result = executor.execute({"path": redirect_path(target)}, {"url": server.url})
    assert result.error is not None
    assert result.error.code == "blocked_address"


def test_303_turns_post_into_get(executor: HttpExecutor, server: EchoServer) -> None:
    config = {
        "method": "POST",
        "path": redirect_path("/echo", 303),
        "body_type": "json",
        "body": {"a": 1},
    }
    data = echoed(executor.execute(config, {"url": server.url}))
    assert data["method"] == "GET"
    assert data["body"] == b""


def test_307_replays_a_file_body(
    executor: HttpExecutor, server: EchoServer, resolver: DictResolver
) -> None:
    ref = resolver.add("blob:z", "z.bin", b"0123456789", "application/octet-stream")
    config = {
        "method": "PUT",
        "path": redirect_path("/echo", 307),
        "body_type": "binary",
        "body": ref,
    }
    data = echoed(executor.execute(config, {"url": server.url}, files=resolver))
    assert data["method"] == "PUT"
    assert data["body"] == b"0123456789"
    assert len(resolver.opened) == 2


def test_same_origin_redirect_keeps_credentials(executor: HttpExecutor, server: EchoServer) -> None:
    result = executor.execute({"path": redirect_path("/echo")}, {"url": server.url}, auth=KeyAuth())
    data = echoed(result)
    assert data["headers"]["authorization"] == "Bearer secret"
    assert data["headers"]["x-api-key"] == "key-123"
    assert sent(result).headers["x-api-key"] == "[REDACTED]"


def test_cross_origin_redirect_drops_credentials(
    executor: HttpExecutor, server: EchoServer, other_server: EchoServer
) -> None:
    path = redirect_path(f"{other_server.url}/landing")
    result = executor.execute({"path": path}, {"url": server.url}, auth=KeyAuth())
    data = echoed(result)
    assert data["path"] == "/landing"
    assert "authorization" not in data["headers"]
    assert "x-api-key" not in data["headers"]


@pytest.mark.parametrize(
    ("target", "code"),
    [
        ("http://2852039166/", "blocked_address"),
        ("http://0xa9fea9fe/", "blocked_address"),
        ("http://[::ffff:a9fe:a9fe]/", "blocked_address"),
        # httpx itself rejects this spelling of 169.254.169.254 in a Location.
        ("http://0251.0376.0251.0376/", "protocol_error"),
    ],
)
def test_redirect_to_disguised_metadata_address(
    executor: HttpExecutor, server: EchoServer, target: str, code: str
) -> None:
    result = executor.execute({"path": redirect_path(target)}, {"url": server.url})
    assert result.error is not None
    assert result.error.code == code


def test_cross_origin_redirect_drops_typed_credentials(
    executor: HttpExecutor, server: EchoServer, other_server: EchoServer
) -> None:
    config = {
        "path": redirect_path(f"{other_server.url}/landing"),
        "headers": [
            {"key": "X-Api-Key", "value": "typed-key"},
            {"key": "Cookie", "value": "session=typed"},
            {"key": "X-Trace", "value": "kept"},
        ],
    }
    data = echoed(executor.execute(config, {"url": server.url}))
    assert data["path"] == "/landing"
    assert "x-api-key" not in data["headers"]
    assert "cookie" not in data["headers"]
    assert data["headers"]["x-trace"] == "kept"


def test_same_origin_redirect_keeps_typed_credentials(
    executor: HttpExecutor, server: EchoServer
) -> None:
    config = {"path": redirect_path("/echo"), "headers": [{"key": "X-Api-Key", "value": "k"}]}
    result = executor.execute(config, {"url": server.url})
    assert echoed(result)["headers"]["x-api-key"] == "k"
    assert sent(result).headers["x-api-key"] == "[REDACTED]"
