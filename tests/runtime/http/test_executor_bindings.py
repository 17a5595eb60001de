"""Bound values in a query's URL, end to end: what a real server receives.

The path is evaluated as the builder evaluates it (``evaluate_url_template``)
and sent by the executor to a loopback echo with a datasource credential, so
each test shows the exact request target on the wire.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import httpx
import pytest

from runtime import evaluate_url_template
from runtime.http import ExecutionResult, HttpExecutor, InvalidActionConfigError
from tests.fakes.upstream import EchoServer


class BearerAuth(httpx.Auth):
    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = "Bearer secret-token"
        yield request


def run_bound(
    executor: HttpExecutor, server: EchoServer, path: str, value: Any, base: str = "/api/v1/"
) -> ExecutionResult:
    evaluated = evaluate_url_template(path, {"Input1": {"text": value}})
    assert evaluated.errors == ()
    datasource = {"url": server.url + base}
    result = executor.execute({"path": evaluated.value}, datasource, auth=BearerAuth())
    assert result.is_execution_success, result.error
    return result


@pytest.mark.parametrize(
    ("value", "received"),
    [
        ("../../admin?x=1#frag", "/api/v1/p/..%2F..%2Fadmin%3Fx%3D1%23frag"),
        ("a/b", "/api/v1/p/a%2Fb"),
        ("%2F", "/api/v1/p/%252F"),
        ("..", "/api/v1/p/%2E%2E"),
        (".", "/api/v1/p/%2E"),
        ("?x=1", "/api/v1/p/%3Fx%3D1"),
        ("#f", "/api/v1/p/%23f"),
        ("Résumé 日本", "/api/v1/p/R%C3%A9sum%C3%A9%20%E6%97%A5%E6%9C%AC"),
        ("", "/api/v1/p/"),
    ],
)
def test_a_bound_path_segment_stays_one_segment(
    executor: HttpExecutor, server: EchoServer, value: str, received: str
) -> None:
    run_bound(executor, server, "p/{{Input1.text}}", value)
    request = server.last
    assert request.path == received
    assert request.query == []
    assert request.headers["authorization"] == "Bearer secret-token"


@pytest.mark.parametrize(
    "value",
    ["../../admin?x=1#frag", "a/b", "%2F", "..", ".", "?x=1", "#f", "a&admin=1", "é 日本 +", ""],
)
def test_a_bound_query_value_stays_one_value(
    executor: HttpExecutor, server: EchoServer, value: str
) -> None:
    run_bound(executor, server, "p?q={{Input1.text}}&n=1", value)
    request = server.last
    assert request.path == "/api/v1/p"
    assert request.query == [("q", value), ("n", "1")]


def test_the_developers_own_text_keeps_its_meaning(
    executor: HttpExecutor, server: EchoServer
) -> None:
    # Typed dot segments are resolved, a typed "?" starts the query, typed
    # escapes stay as typed; only the bound value is encoded.
    run_bound(executor, server, "a/b/../c%2Fd/{{Input1.text}}?x=1#top", "e/f")
    request = server.last
    assert request.path == "/api/v1/a/c%2Fd/e%2Ff"
    assert request.query == [("x", "1")]


@pytest.mark.parametrize(
    ("value", "received"),
    [
        ("//evil.test/", "/api/v1/evil.test%2F"),
        ("@evil.test", "/api/v1/%40evil.test"),
        ("https://evil.test/", "/api/v1/https%3A%2F%2Fevil.test%2F"),
        ("\\\\evil.test", "/api/v1/%5C%5Cevil.test"),
    ],
)
def test_a_binding_cannot_change_the_host(
    executor: HttpExecutor,
    server: EchoServer,
    other_server: EchoServer,
    value: str,
    received: str,
) -> None:
    run_bound(executor, server, "{{Input1.text}}", value)
    assert server.last.path == received
    other = f"http://127.0.0.1:{other_server.port}/"
    run_bound(executor, server, "{{Input1.text}}", other)
    assert server.last.path == f"/api/v1/http%3A%2F%2F127.0.0.1%3A{other_server.port}%2F"
    assert other_server.requests == []


def test_a_binding_in_the_host_of_a_full_url_is_refused_before_sending(
    server: EchoServer,
) -> None:
    result = evaluate_url_template("http://{{Input1.text}}/p", {"Input1": {"text": "evil.test"}})
    assert [error.code for error in result.errors] == ["binding_in_url_origin"]
    assert server.requests == []


def test_a_typed_full_url_on_another_host_is_refused(
    executor: HttpExecutor, server: EchoServer, other_server: EchoServer
) -> None:
    path = f"{other_server.url}/{{{{Input1.text}}}}"
    evaluated = evaluate_url_template(path, {"Input1": {"text": "x"}})
    with pytest.raises(InvalidActionConfigError) as info:
        executor.execute({"path": evaluated.value}, {"url": server.url}, auth=BearerAuth())
    assert info.value.field == "config.path"
    assert "scheme, host and port" in info.value.message
    assert other_server.requests == []
