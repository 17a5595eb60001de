"""Content codings: decoded in bounded steps, so no body costs more than the cap.

The end-to-end cases run the executor against a loopback server of their own
that answers a canned body with a canned ``Content-Encoding``, and measure the
process's Python allocations (tracemalloc, which also sees zlib's buffers)
while the response is read: the peak must stay under the cap plus a constant,
whatever the body expands to.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import tracemalloc
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from outbound import OutboundPolicy
from runtime.http import ExecutionResult, HttpExecutor, ResponseDecodingError
from runtime.http.content_coding import MAX_CODINGS, STEP, content_codings, decode

CAP = 1024 * 1024
BOMB_SIZE = 32 * 1024 * 1024
# Decoder states, one step per layer, httpx's and the loopback server's buffers.
CONSTANT = 1024 * 1024

GZIP, ZLIB, RAW_DEFLATE = 16 + zlib.MAX_WBITS, zlib.MAX_WBITS, -zlib.MAX_WBITS


def compress(data: bytes, wbits: int = GZIP) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    return packer.compress(data) + packer.flush()


def zeros(size: int, wbits: int = GZIP) -> bytes:
    """``size`` zero bytes compressed, without holding them: a bomb."""
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    block = bytes(1024 * 1024)
    parts = [packer.compress(block) for _ in range(size // len(block))]
    return b"".join(parts) + packer.flush()


# --- a loopback server answering canned bodies -------------------------------

_Canned = tuple[bytes, list[str]]  # body, Content-Encoding header lines


class _Handler(BaseHTTPRequestHandler):
    server: _CannedServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        body, encodings = self.server.canned[self.path]
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for value in encodings:
            self.send_header("Content-Encoding", value)
        self.end_headers()
        with contextlib.suppress(OSError):  # the client stopped reading at its cap
            self.wfile.write(body)


class _CannedServer(ThreadingHTTPServer):
    daemon_threads = True
    canned: dict[str, _Canned]

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass

    def serve(self, body: bytes, *encodings: str) -> str:
        path = f"/{len(self.canned)}"
        self.canned[path] = (body, list(encodings))
        return f"http://127.0.0.1:{self.server_address[1]}{path}"


@pytest.fixture(scope="module")
def upstream() -> Iterator[_CannedServer]:
    server = _CannedServer(("127.0.0.1", 0), _Handler)
    server.canned = {}
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def executor() -> Iterator[HttpExecutor]:
    with HttpExecutor(OutboundPolicy(allow_loopback=True), max_response_bytes=CAP) as ex:
        yield ex


def get(executor: HttpExecutor, url: str) -> tuple[ExecutionResult, int]:
    """Run a GET; the result and the peak of Python allocations during the run."""
    tracemalloc.start()
    try:
        result = executor.execute({"method": "GET", "path": url})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return result, peak


# --- bombs: the cap holds whatever the coding --------------------------------


@pytest.fixture(scope="module")
def bombs() -> dict[str, bytes]:
    gzip_bomb = zeros(BOMB_SIZE, GZIP)
    zlib_bomb = zeros(BOMB_SIZE, ZLIB)
    return {
        "gzip": gzip_bomb,
        "zlib": zlib_bomb,
        "raw": zeros(BOMB_SIZE, RAW_DEFLATE),
        "gzip, gzip": compress(gzip_bomb, GZIP),
        "deflate, gzip": compress(zlib_bomb, GZIP),
        "gzip, deflate, gzip": compress(compress(gzip_bomb, ZLIB), GZIP),
    }


@pytest.mark.parametrize(
    ("bomb", "encodings"),
    [
        ("gzip", ["gzip"]),
        ("gzip", ["x-gzip"]),
        ("gzip", [" GZip "]),
        ("gzip", ["identity, gzip"]),
        ("zlib", ["deflate"]),
        ("raw", ["deflate"]),
        ("gzip, gzip", ["gzip, gzip"]),
        ("gzip, gzip", ["gzip", "gzip"]),  # two header lines stack too
        ("deflate, gzip", ["deflate, gzip"]),
        ("gzip, deflate, gzip", ["gzip, deflate, gzip"]),
    ],
)
def test_a_bomb_is_refused_at_the_cap_without_expanding(
    executor: HttpExecutor,
    upstream: _CannedServer,
    bombs: dict[str, bytes],
    bomb: str,
    encodings: list[str],
) -> None:
    result, peak = get(executor, upstream.serve(bombs[bomb], *encodings))
    assert result.error is not None
    assert result.error.code == "response_too_large"
    assert peak < CAP + CONSTANT, f"reading cost {peak} bytes"


@pytest.mark.parametrize(
    "encodings",
    [["br"], ["zstd"], ["compress"], ["x-unknown"], ["gzip, br"], ["br", "gzip"]],
)
def test_a_coding_that_cannot_be_bounded_is_refused_before_reading(
    executor: HttpExecutor, upstream: _CannedServer, encodings: list[str]
) -> None:
    # Whatever the bytes are, they are not read: brotli and zstd are not advertised.
    result, peak = get(executor, upstream.serve(os.urandom(4 * CAP), *encodings))
    assert result.error is not None
    assert result.error.code == "decoding_error"
    assert "Content-Encoding" in result.error.message
    assert result.status_code == 200
    assert peak < CONSTANT


def test_more_codings_than_the_limit_are_refused(
    executor: HttpExecutor, upstream: _CannedServer
) -> None:
    body = b"{}"
    for _ in range(MAX_CODINGS + 1):
        body = compress(body)
    result, _ = get(executor, upstream.serve(body, ", ".join(["gzip"] * (MAX_CODINGS + 1))))
    assert result.error is not None
    assert result.error.code == "decoding_error"
    assert f"at most {MAX_CODINGS}" in result.error.message


def test_a_corrupt_body_is_a_failed_result(executor: HttpExecutor, upstream: _CannedServer) -> None:
    result, _ = get(executor, upstream.serve(b"\x1f\x8b\x08\x00garbage-not-deflate", "gzip"))
    assert result.error is not None
    assert result.error.code == "decoding_error"
    assert "gzip" in result.error.message


# --- decoding what fits --------------------------------------------------------


DOCUMENT = {"items": [{"id": index, "name": f"item {index}"} for index in range(20_000)]}


@pytest.mark.parametrize(
    ("encodings", "wrap"),
    [
        (["gzip"], [GZIP]),
        (["deflate"], [ZLIB]),
        (["deflate"], [RAW_DEFLATE]),
        (["identity"], []),
        (["gzip, gzip"], [GZIP, GZIP]),
        (["deflate", "gzip"], [ZLIB, GZIP]),
    ],
)
def test_compressed_bodies_decode_whole(
    executor: HttpExecutor, upstream: _CannedServer, encodings: list[str], wrap: list[int]
) -> None:
    body = json.dumps(DOCUMENT).encode()
    assert STEP < len(body) < CAP
    for wbits in wrap:
        body = compress(body, wbits)
    result, _ = get(executor, upstream.serve(body, *encodings))
    assert result.error is None
    assert result.data == DOCUMENT
    assert result.headers["content-encoding"] == ", ".join(encodings)


def test_accept_encoding_advertises_only_what_is_decoded(executor: HttpExecutor) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"accept": request.headers["accept-encoding"]})

    with HttpExecutor(transport=httpx.MockTransport(answer)) as mocked:
        result = mocked.execute({"method": "GET", "path": "https://api.example.com/"})
    assert content_codings([result.data["accept"]]) == ["gzip", "deflate"]


# --- the decoder on its own ----------------------------------------------------


def pieces(body: bytes, codings: list[str], chunk: int) -> list[bytes]:
    raw = [body[index : index + chunk] for index in range(0, len(body), chunk)]
    return list(decode(raw, codings))


@pytest.mark.parametrize("chunk", [1, 7, 4096, 1 << 20])
@pytest.mark.parametrize(
    ("codings", "wrap"),
    [(["gzip"], [GZIP]), (["deflate"], [RAW_DEFLATE]), (["gzip"] * 2, [GZIP] * 2)],
)
def test_no_piece_is_larger_than_a_step(chunk: int, codings: list[str], wrap: list[int]) -> None:
    # An exact multiple of the step: zlib stops with output pending and no input left.
    data = os.urandom(STEP // 2) * 6
    body = data
    for wbits in wrap:
        body = compress(body, wbits)
    out = pieces(body, codings, chunk)
    assert b"".join(out) == data
    assert max(len(piece) for piece in out) <= STEP


def test_a_bomb_is_decoded_only_as_far_as_it_is_pulled() -> None:
    pulled: list[int] = []

    def raw() -> Iterator[bytes]:
        body = compress(zeros(BOMB_SIZE))
        for index in range(0, len(body), 64):
            pulled.append(index)
            yield body[index : index + 64]

    decoded = decode(raw(), ["gzip", "gzip"])
    assert [len(next(decoded)) for _ in range(3)] == [STEP] * 3
    assert len(pulled) < 10


def test_a_truncated_body_ends_where_the_data_ends() -> None:
    data = os.urandom(3 * STEP)
    out = b"".join(decode([compress(data)[:-100]], ["gzip"]))
    assert data.startswith(out)
    assert len(out) > STEP


def test_bytes_after_the_stream_are_ignored() -> None:
    assert b"".join(decode([compress(b"abc") + b"trailing"], ["gzip"])) == b"abc"


def test_an_empty_body_decodes_to_nothing() -> None:
    assert list(decode([], ["gzip"])) == []
    assert list(decode([b""], ["deflate"])) == []


def test_corrupt_deflate_names_its_coding() -> None:
    with pytest.raises(ResponseDecodingError) as info:
        list(decode([b"\x78\x9c\xff\xff\xff"], ["deflate"]))
    assert info.value.encoding == "deflate"


def test_content_codings_in_the_order_applied() -> None:
    assert content_codings(["gzip", "identity, Deflate", ""]) == ["gzip", "deflate"]
    with pytest.raises(ResponseDecodingError) as info:
        content_codings(["gzip, br"])
    assert info.value.encoding == "br"
