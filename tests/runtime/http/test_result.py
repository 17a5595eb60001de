"""Result shape and the Redactor used by the debug view."""

from __future__ import annotations

import httpx

from runtime.http.result import REDACTED, ExecutionError, ExecutionResult, Redactor, RequestSummary


def test_redactor_hides_what_the_auth_added() -> None:
    request = httpx.Request("GET", "https://h.example/x?q=1", headers={"X-Mine": "shown"})
    redactor = Redactor.for_request(request)
    request.headers["X-Token"] = "t0ken"
    request.url = request.url.copy_merge_params({"sig": "s3cret"})
    redactor.learn(request)
    assert redactor.headers(request.headers) == {
        "host": "h.example",
        "x-mine": "shown",
        "x-token": REDACTED,
    }
    assert redactor.url(request.url) == "https://h.example/x?q=1&sig=%5BREDACTED%5D"


def test_redactor_always_hides_authorization_and_access_token() -> None:
    request = httpx.Request(
        "GET", "https://h.example/?access_token=abc", headers={"Authorization": "Basic x"}
    )
    redactor = Redactor.for_request(request)
    assert redactor.headers(request.headers)["authorization"] == REDACTED
    assert "abc" not in redactor.url(request.url)


def test_redactor_hides_every_credential_name_whoever_typed_it() -> None:
    request = httpx.Request(
        "GET",
        "https://h.example/?api_key=k1&client_secret=s1&q=shown",
        headers={"X-API-Key": "k2", "Cookie": "sid=c1", "Proxy-Authorization": "p1", "A": "b"},
    )
    redactor = Redactor.for_request(request)
    redactor.learn(request)
    shown = redactor.headers(request.headers)
    assert [shown[name] for name in ("x-api-key", "cookie", "proxy-authorization")] == [
        REDACTED
    ] * 3
    assert shown["a"] == "b"
    url = redactor.url(request.url)
    assert "k1" not in url and "s1" not in url and "q=shown" in url


def test_to_dict_shape() -> None:
    summary = RequestSummary("GET", "https://h.example/", {"host": "h.example"}, {"type": "none"})
    result = ExecutionResult(
        data=None,
        status_code=None,
        headers={},
        is_execution_success=False,
        duration_ms=3,
        request=summary,
        error=ExecutionError("timeout", "too slow"),
    )
    assert result.to_dict() == {
        "data": None,
        "response_meta": {"status_code": None, "headers": {}, "is_execution_success": False},
        "duration_ms": 3,
        "request": {
            "method": "GET",
            "url": "https://h.example/",
            "headers": {"host": "h.example"},
            "body": {"type": "none"},
            "redirects": [],
        },
        "error": {"code": "timeout", "message": "too slow"},
    }
