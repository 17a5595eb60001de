"""Requests to a token endpoint and reading their answers (RFC 6749 §3.2, §5).

``build_request`` authenticates the client (§2.3.1) in an HTTP Basic header or
in the form body; ``parse_response`` turns the answer into a ``TokenResponse``
(§5.1) or raises from the ``datasources.errors`` tree (§5.2); ``send`` is the
one place that performs the HTTP call.

The endpoint's URL is typed in by users, so its answer is read as an
attacker's would be: uncompressed (the request asks for ``identity`` and a
compressed answer is refused, so that no bomb is ever expanded) and at most
``MAX_RESPONSE_BYTES`` of it, read as it arrives.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import parse_qsl, quote

import httpx

from datasources.errors import (
    InvalidTokenResponseError,
    OAuth2Error,
    ProviderUnavailableError,
)

ClientAuthMethod = Literal["basic_header", "body"]

# Token and revocation answers are a few hundred bytes of JSON.
MAX_RESPONSE_BYTES = 256 * 1024


@dataclass(frozen=True)
class ClientAuth:
    """How the client proves itself to the token endpoint (§2.3.1)."""

    client_id: str
    client_secret: str
    method: ClientAuthMethod

    def __repr__(self) -> str:  # the secret never reaches a log or traceback
        return f"ClientAuth(client_id={self.client_id!r}, method={self.method!r})"


@dataclass(frozen=True)
class TokenResponse:
    """A successful token response (§5.1). ``scope`` is None when not returned."""

    access_token: str
    token_type: str
    expires_in: int | None
    refresh_token: str | None
    scope: list[str] | None

    def __repr__(self) -> str:
        return (
            f"TokenResponse(token_type={self.token_type!r}, expires_in={self.expires_in!r}, "
            f"refresh_token={'set' if self.refresh_token else None}, scope={self.scope!r})"
        )


def basic_authorization(client_id: str, client_secret: str) -> str:
    """§2.3.1: both parts are form-urlencoded before the Basic encoding."""
    raw = f"{quote(client_id, safe='')}:{quote(client_secret, safe='')}"
    return "Basic " + base64.b64encode(raw.encode("utf-8")).decode("ascii")


def build_request(url: str, params: dict[str, str], client: ClientAuth) -> httpx.Request:
    body = dict(params)
    headers = {"Accept": "application/json", "Accept-Encoding": "identity"}
    if client.method == "basic_header" and client.client_secret:
        headers["Authorization"] = basic_authorization(client.client_id, client.client_secret)
    else:
        # A public client (no secret) identifies itself in the body (§3.2.1).
        body["client_id"] = client.client_id
        if client.client_secret:
            body["client_secret"] = client.client_secret
    return httpx.Request("POST", url, data=body, headers=headers)


def _read_body(response: httpx.Response) -> dict[str, Any] | None:
    content_type = response.headers.get("content-type", "")
    text = response.text
    if "application/x-www-form-urlencoded" in content_type or "text/plain" in content_type:
        # Some providers (GitHub's legacy endpoint) answer form-encoded.
        pairs = parse_qsl(text, keep_blank_values=True)
        if pairs:
            return dict(pairs)
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than the stack
        return None
    return data if isinstance(data, dict) else None


def _expires_in(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        seconds = int(float(value))
    except (TypeError, ValueError):
        return None
    return max(seconds, 0)


def parse_response(response: httpx.Response) -> TokenResponse:
    status = response.status_code
    if status >= 500:
        raise ProviderUnavailableError(
            f"The token endpoint answered HTTP {status}; try again later."
        )
    data = _read_body(response)
    if data is not None and data.get("error"):
        # §5.2 says 400, but providers also send 401 and even 200 with an error.
        raise OAuth2Error.for_error(
            str(data["error"]), str(data.get("error_description") or ""), status_code=status
        )
    if status >= 400:
        raise InvalidTokenResponseError(
            f"The token endpoint answered HTTP {status} without an OAuth 2.0 error."
        )
    if data is None or not data.get("access_token"):
        raise InvalidTokenResponseError("The token endpoint's answer has no access_token.")
    scope = data.get("scope")
    if isinstance(scope, list):
        scopes: list[str] | None = [str(s) for s in scope]
    elif isinstance(scope, str):
        # Space-delimited (§3.3); a few providers use commas.
        scopes = [s for s in scope.replace(",", " ").split() if s]
    else:
        scopes = None
    return TokenResponse(
        access_token=str(data["access_token"]),
        token_type=str(data.get("token_type") or "Bearer"),
        expires_in=_expires_in(data.get("expires_in")),
        refresh_token=str(data["refresh_token"]) if data.get("refresh_token") else None,
        scope=scopes,
    )


def send(request: httpx.Request, *, http: httpx.Client) -> httpx.Response:
    """Perform the call and read the answer into memory, bounded (see the module docstring).

    Transport failures become ``ProviderUnavailableError``; a compressed or
    oversized answer, ``InvalidTokenResponseError``.
    """
    try:
        response = http.send(request, stream=True)
        try:
            content = _read_bounded(response)
        finally:
            response.close()
    except httpx.TimeoutException:
        raise ProviderUnavailableError("The token endpoint did not answer in time.") from None
    except httpx.TransportError as exc:
        # The exception's text may name the URL, never a secret: the body is not in it.
        raise ProviderUnavailableError(
            f"The token endpoint could not be reached ({type(exc).__name__})."
        ) from None
    return httpx.Response(
        response.status_code, headers=response.headers, content=content, request=request
    )


def _read_bounded(response: httpx.Response) -> bytes:
    codings = [
        coding.strip().lower()
        for coding in response.headers.get_list("content-encoding", split_commas=True)
    ]
    if any(coding not in ("", "identity") for coding in codings):
        raise InvalidTokenResponseError(
            "The token endpoint answered compressed "
            f"(Content-Encoding: {', '.join(codings)}) although Brace asked for identity."
        )
    content = bytearray()
    # Identity only, so httpx decodes nothing here.
    for chunk in response.iter_bytes():
        content += chunk
        if len(content) > MAX_RESPONSE_BYTES:
            raise InvalidTokenResponseError(
                f"The token endpoint's answer is larger than {MAX_RESPONSE_BYTES} bytes."
            )
    return bytes(content)


def request_token(
    url: str, params: dict[str, str], client: ClientAuth, *, http: httpx.Client
) -> TokenResponse:
    return parse_response(send(build_request(url, params, client), http=http))
