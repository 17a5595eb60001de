"""The pure OAuth 2.0 steps: PKCE, the authorization URL, token requests and answers."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from datasources.errors import (
    InvalidClientError,
    InvalidGrantError,
    InvalidTokenResponseError,
    OAuth2Error,
    ProviderUnavailableError,
)
from datasources.oauth2 import authorization_code, client_credentials, pkce, refresh
from datasources.oauth2.token_request import (
    ClientAuth,
    basic_authorization,
    build_request,
    parse_response,
    send,
)


def test_pkce_matches_rfc_7636_appendix_b() -> None:
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert pkce.s256_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_pkce_verifiers_are_fresh_and_in_range() -> None:
    first, second = pkce.generate(), pkce.generate()
    assert first.verifier != second.verifier
    assert 43 <= len(first.verifier) <= 128
    assert first.method == "S256"
    with pytest.raises(ValueError, match="43 to 128"):
        pkce.s256_challenge("short")


def test_the_authorization_url_keeps_the_endpoints_query_and_brace_params_win() -> None:
    url = authorization_code.authorization_url(
        "https://auth.example/authorize?tenant=a",
        client_id="cid",
        redirect_uri="https://brace.example/cb/",
        state="st",
        scopes=["a", "b"],
        code_challenge="ch",
        resource="https://api.example/",
        extra_params=[("state", "evil"), ("access_type", "offline")],
    )
    query = parse_qs(urlsplit(url).query)
    assert query["tenant"] == ["a"]
    assert query["state"] == ["st"]
    assert query["scope"] == ["a b"]
    assert query["access_type"] == ["offline"]
    assert query["code_challenge_method"] == ["S256"]
    assert query["resource"] == ["https://api.example/"]


def test_parse_callback() -> None:
    parsed = authorization_code.parse_callback(
        {"state": "s", "error": "access_denied", "error_description": "no", "location": "eu"}
    )
    assert (parsed.state, parsed.code, parsed.error) == ("s", "", "access_denied")
    assert parsed.extra == {"location": "eu"}


def test_request_bodies() -> None:
    assert authorization_code.token_params("c", redirect_uri="r", code_verifier="v") == {
        "grant_type": "authorization_code",
        "code": "c",
        "redirect_uri": "r",
        "code_verifier": "v",
    }
    assert refresh.refresh_params("rt", scopes=["a"], send_scope=False) == {
        "grant_type": "refresh_token",
        "refresh_token": "rt",
    }
    assert refresh.refresh_params("rt", scopes=["a", "b"], send_scope=True)["scope"] == "a b"
    assert client_credentials.token_params(scopes=["a"], audience="aud") == {
        "grant_type": "client_credentials",
        "scope": "a",
        "audience": "aud",
    }


def test_basic_client_authentication_form_encodes_first() -> None:
    # RFC 6749 §2.3.1: "application/x-www-form-urlencoded" before Basic.
    header = basic_authorization("id:1", "s&2")
    assert base64.b64decode(header.removeprefix("Basic ")) == b"id%3A1:s%262"


def test_body_client_authentication() -> None:
    request = build_request("https://t.example/", {"a": "1"}, ClientAuth("cid", "cs", "body"))
    assert "authorization" not in request.headers
    assert parse_qs(request.content.decode()) == {
        "a": ["1"],
        "client_id": ["cid"],
        "client_secret": ["cs"],
    }


def test_a_public_client_sends_only_its_id() -> None:
    request = build_request("https://t.example/", {}, ClientAuth("cid", "", "basic_header"))
    assert "authorization" not in request.headers
    assert parse_qs(request.content.decode()) == {"client_id": ["cid"]}


def test_client_auth_repr_hides_the_secret() -> None:
    assert "cs-value" not in repr(ClientAuth("cid", "cs-value", "body"))


def _response(status: int, **kwargs: Any) -> httpx.Response:
    return httpx.Response(status, request=httpx.Request("POST", "https://t.example/"), **kwargs)


def test_a_token_response() -> None:
    parsed = parse_response(
        _response(
            200,
            json={
                "access_token": "at-1",
                "expires_in": "3600",
                "scope": "x y",
                "refresh_token": "rt-1",
            },
        )
    )
    assert (parsed.access_token, parsed.expires_in, parsed.scope) == ("at-1", 3600, ["x", "y"])
    assert parsed.token_type == "Bearer"
    assert "at-1" not in repr(parsed) and "rt-1" not in repr(parsed)


def test_a_form_encoded_token_response() -> None:
    parsed = parse_response(
        _response(
            200,
            content=b"access_token=a&scope=x,y",
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
    )
    assert (parsed.access_token, parsed.scope, parsed.refresh_token) == ("a", ["x", "y"], None)


@pytest.mark.parametrize(
    ("error", "cls"),
    [
        ("invalid_grant", InvalidGrantError),
        ("invalid_client", InvalidClientError),
        ("odd", OAuth2Error),
    ],
)
def test_rfc_6749_error_responses(error: str, cls: type[OAuth2Error]) -> None:
    with pytest.raises(cls) as caught:
        parse_response(_response(400, json={"error": error, "error_description": "why"}))
    assert caught.value.error_code == error
    assert caught.value.description == "why"


@pytest.mark.parametrize(
    ("response", "cls"),
    [
        (_response(503, text="down"), ProviderUnavailableError),
        (_response(404, text="nope"), InvalidTokenResponseError),
        (_response(200, json={"token_type": "bearer"}), InvalidTokenResponseError),
        (_response(200, text="<html>"), InvalidTokenResponseError),
        # Nested deeper than Python's parser can go: unreadable, not a crash.
        (_response(200, text="[" * 100_000 + "]" * 100_000), InvalidTokenResponseError),
    ],
)
def test_unusable_answers(response: httpx.Response, cls: type) -> None:
    with pytest.raises(cls):
        parse_response(response)


def test_a_refused_connection_is_retryable() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with (
        httpx.Client(transport=httpx.MockTransport(refuse)) as client,
        pytest.raises(ProviderUnavailableError) as caught,
    ):
        send(httpx.Request("POST", "https://t.example/"), http=client)
    assert caught.value.retryable is True
