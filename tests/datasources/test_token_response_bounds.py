"""A token or revocation endpoint's answer is read bounded: never expanded, never whole.

The endpoint is a loopback server of this module's own, answering canned
bodies; tracemalloc measures what reading them costs.
"""

from __future__ import annotations

import contextlib
import json
import threading
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

import httpx
import pytest

from datasources import tokens
from datasources.errors import InvalidTokenResponseError
from datasources.models import OAuthToken
from datasources.oauth2.token_request import MAX_RESPONSE_BYTES, ClientAuth, request_token

BOMB_SIZE = 32 * 1024 * 1024
CONSTANT = 1024 * 1024
CLIENT = ClientAuth("brace", "client-secret", "basic_header")
T = TypeVar("T")


def gzip_zeros(size: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1024 * 1024)
    return b"".join(packer.compress(block) for _ in range(size // len(block))) + packer.flush()


def gzip(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


class _Handler(BaseHTTPRequestHandler):
    server: _Endpoint

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.accept_encodings.append(self.headers.get("Accept-Encoding"))
        body, encoding, length = self.server.canned[self.path]
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if encoding:
            self.send_header("Content-Encoding", encoding)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(OSError):  # the client stopped reading
            self.wfile.write(body)


class _Endpoint(ThreadingHTTPServer):
    daemon_threads = True
    canned: dict[str, tuple[bytes, str, bool]]
    accept_encodings: list[str | None]

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass

    def serve(self, body: bytes, encoding: str = "", *, length: bool = True) -> str:
        path = f"/{len(self.canned)}"
        self.canned[path] = (body, encoding, length)
        return f"http://127.0.0.1:{self.server_address[1]}{path}"


@pytest.fixture(scope="module")
def endpoint() -> Iterator[_Endpoint]:
    server = _Endpoint(("127.0.0.1", 0), _Handler)
    server.canned = {}
    server.accept_encodings = []
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def measured(call: Callable[[], T]) -> tuple[T | BaseException, int]:
    """What ``call`` returned or raised, and the peak of Python allocations meanwhile."""
    tracemalloc.start()
    try:
        try:
            outcome: T | BaseException = call()
        except Exception as exc:
            outcome = exc
        return outcome, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def token_request(url: str) -> Any:
    with httpx.Client() as http:
        return request_token(url, {"grant_type": "client_credentials"}, CLIENT, http=http)


@pytest.mark.parametrize("encoding", ["gzip", "gzip, gzip", "deflate", "br", "zstd", "x-new"])
def test_a_compressed_answer_is_refused_unread(endpoint: _Endpoint, encoding: str) -> None:
    bomb = gzip_zeros(BOMB_SIZE)
    if encoding == "gzip, gzip":
        bomb = gzip(bomb)
    outcome, peak = measured(lambda: token_request(endpoint.serve(bomb, encoding)))
    assert isinstance(outcome, InvalidTokenResponseError)
    assert "compressed" in outcome.message
    assert peak < CONSTANT, f"reading cost {peak} bytes"


@pytest.mark.parametrize("length", [True, False])
def test_an_oversized_answer_is_refused_at_the_cap(endpoint: _Endpoint, length: bool) -> None:
    body = b'{"access_token": "' + b"a" * (8 * MAX_RESPONSE_BYTES) + b'"}'
    outcome, peak = measured(lambda: token_request(endpoint.serve(body, length=length)))
    assert isinstance(outcome, InvalidTokenResponseError)
    assert str(MAX_RESPONSE_BYTES) in outcome.message
    assert peak < MAX_RESPONSE_BYTES + CONSTANT, f"reading cost {peak} bytes"


def test_an_uncompressed_answer_is_read_and_identity_was_asked_for(endpoint: _Endpoint) -> None:
    body = json.dumps({"access_token": "at-1", "expires_in": 60}).encode()
    endpoint.accept_encodings.clear()
    response = token_request(endpoint.serve(body, "identity"))
    assert response.access_token == "at-1"
    assert endpoint.accept_encodings == ["identity"]


@pytest.mark.django_db
def test_a_revocation_endpoint_answering_a_bomb_does_not_confirm(
    endpoint: _Endpoint, provider: Any, oauth_datasource: Any, authorize: Any
) -> None:
    datasource = oauth_datasource(revocation_url=endpoint.serve(gzip_zeros(BOMB_SIZE), "gzip"))
    token = authorize(datasource)

    outcome, peak = measured(lambda: tokens.forget(datasource))

    assert outcome is False
    assert not OAuthToken.objects.filter(pk=token.pk).exists()
    assert peak < 4 * CONSTANT, f"revoking cost {peak} bytes"
