"""Fixtures: a real HTTP server on loopback, file resolvers that record reads.

The server speaks HTTP/1.0-style responses (``Connection: close``) so that
body-less and streamed responses need no extra framing logic here. Routes:

* any path not listed below: 200 JSON echo of the request (method, path,
  query pairs, header pairs, body as base64, body length);
* ``/json``, ``/text``, ``/binary``, ``/no-type``, ``/bad-json``, ``/empty``:
  canned bodies;
* ``/status/<code>``: that status with a small JSON body;
* ``/redirect?to=<url>&status=<code>``: a redirect to ``to``;
* ``/chain/<n>``: ``n`` redirects in a row, ending on the echo;
* ``/large?size=<n>&length=0|1``: ``n`` bytes, with or without Content-Length;
* ``/slow?delay=<s>``: waits before answering; ``/slow-body``: answers the
  headers, then stalls mid-body;
* ``/drip?count=<n>&interval=<s>``: one byte every ``interval`` seconds;
* ``/needs-token``: 401 unless ``Authorization: Bearer fresh``.
"""

from __future__ import annotations

import base64
import io
import json
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO, cast
from urllib.parse import parse_qsl, urlsplit

import pytest

from outbound import OutboundPolicy
from runtime.http import HttpExecutor, ResolvedFile

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + bytes(range(256))


class _Handler(BaseHTTPRequestHandler):
    server: EchoServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = bytearray()
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    return bytes(body)
                body += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, body: bytes, content_type: str | None, **headers: str) -> None:
        self.send_response(status)
        if content_type is not None:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, value: object, **headers: str) -> None:
        self._send(status, json.dumps(value).encode(), "application/json", **headers)

    def _handle(self) -> None:
        body = self._read_body()
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query))
        record = {
            "method": self.command,
            "path": parts.path,
            "query": parse_qsl(parts.query, keep_blank_values=True),
            "headers": [[k, v] for k, v in self.headers.items()],
            "body_base64": base64.b64encode(body).decode(),
            "body_length": len(body),
        }
        self.server.requests.append(record)
        path = parts.path
        if path == "/json":
            self._json(200, {"ok": True, "items": [1, 2]}, X_Upstream="yes")
        elif path == "/text":
            self._send(200, "héllo".encode("latin-1"), "text/plain; charset=iso-8859-1")
        elif path == "/binary":
            self._send(200, PNG_BYTES, "image/png")
        elif path == "/no-type":
            self._send(200, b'{"sniffed": true}', None)
        elif path == "/bad-json":
            self._send(200, b"{not json", "application/json")
        elif path == "/empty":
            self._send(204, b"", None)
        elif path.startswith("/status/"):
            code = int(path.rsplit("/", 1)[1])
            self._json(code, {"error": f"status {code}"})
        elif path == "/redirect":
            status = int(query.get("status", "302"))
            self._send(status, b"", "text/plain", Location=query["to"])
        elif path.startswith("/chain/"):
            left = int(path.rsplit("/", 1)[1])
            target = f"/chain/{left - 1}" if left > 1 else "/echo"
            self._send(302, b"", "text/plain", Location=target)
        elif path == "/large":
            self._large(int(query["size"]), query.get("length", "1") == "1")
        elif path == "/slow":
            time.sleep(float(query.get("delay", "2")))
            self._json(200, {"slow": True})
        elif path == "/slow-body":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b"partial")
            self.wfile.flush()
            time.sleep(2)
        elif path == "/drip":
            self._drip(int(query.get("count", "30")), float(query.get("interval", "0.1")))
        elif path == "/needs-token":
            if self.headers.get("Authorization") == "Bearer fresh":
                self._json(200, record)
            else:
                self._json(401, {"error": "expired"})
        else:
            self._json(200, record)

    def _drip(self, count: int, interval: float) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(count))
        self.end_headers()
        try:
            for _ in range(count):
                self.wfile.write(b".")
                self.wfile.flush()
                time.sleep(interval)
        except OSError:
            pass  # the client gave up

    def _large(self, size: int, with_length: bool) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        if with_length:
            self.send_header("Content-Length", str(size))
        self.end_headers()
        chunk = b"x" * 65536
        sent = 0
        try:
            while sent < size:
                piece = chunk[: size - sent]
                self.wfile.write(piece)
                sent += len(piece)
        except OSError:
            pass  # the client stopped reading at its cap

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle


class EchoServer(ThreadingHTTPServer):
    daemon_threads = True
    requests: list[dict[str, Any]]

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that give up mid-request (caps, timeouts) are expected here

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _start_server(tls: ssl.SSLContext | None = None) -> EchoServer:
    server = EchoServer(("127.0.0.1", 0), _Handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    server.requests = []
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server


@pytest.fixture(scope="session")
def _servers() -> Iterator[tuple[EchoServer, EchoServer]]:
    pair = (_start_server(), _start_server())
    yield pair
    for srv in pair:
        srv.shutdown()
        srv.server_close()


@pytest.fixture
def server(_servers: tuple[EchoServer, EchoServer]) -> EchoServer:
    _servers[0].requests.clear()
    return _servers[0]


@pytest.fixture
def other_server(_servers: tuple[EchoServer, EchoServer]) -> EchoServer:
    """A second origin (another port), for cross-origin redirects."""
    _servers[1].requests.clear()
    return _servers[1]


@pytest.fixture(scope="session")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[EchoServer, Path]]:
    """An HTTPS echo server whose certificate names ``api.test``; yields it and the CA file."""
    from .tls import make_certificates, server_context

    ca, leaf, key = make_certificates(tmp_path_factory.mktemp("tls"), "api.test")
    srv = _start_server(server_context(leaf, key))
    yield srv, ca
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def executor() -> Iterator[HttpExecutor]:
    with HttpExecutor(OutboundPolicy(allow_loopback=True)) as ex:
        yield ex


def echoed(result: Any) -> dict[str, Any]:
    """The echo record, with headers as a lowercase dict and the body as bytes."""
    data = dict(result.data)
    data["headers"] = {k.lower(): v for k, v in data["headers"]}
    data["body"] = base64.b64decode(data["body_base64"])
    return data


class RecordingReader:
    """A binary file object that records every read size."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self.read_sizes: list[int] = []
        self.closed = False

    def read(self, size: int = -1) -> bytes:
        self.read_sizes.append(size)
        return self._raw.read(size)

    def close(self) -> None:
        self._raw.close()
        self.closed = True


@dataclass
class DictResolver:
    """Resolves ``blob:<id>`` from an in-memory table of files on disk or bytes."""

    files: dict[str, tuple[str, Path | bytes, str]] = field(default_factory=dict)
    opened: list[RecordingReader] = field(default_factory=list)
    report_size: bool = True

    def add(self, ref: str, name: str, content: Path | bytes, content_type: str) -> str:
        self.files[ref] = (name, content, content_type)
        return ref

    def resolve(self, reference: str) -> ResolvedFile:
        name, content, content_type = self.files[reference]

        def opener() -> BinaryIO:
            raw = content.open("rb") if isinstance(content, Path) else io.BytesIO(content)
            reader = RecordingReader(raw)
            self.opened.append(reader)
            return cast(BinaryIO, reader)

        size = content.stat().st_size if isinstance(content, Path) else len(content)
        return ResolvedFile(name, size if self.report_size else None, content_type, opener)


@pytest.fixture
def resolver() -> DictResolver:
    return DictResolver()


def fixed_resolver(mapping: dict[str, list[str]]) -> Callable[[str], list[str]]:
    """A DNS stand-in: ``host -> addresses``; unknown names fail like NXDOMAIN."""

    def resolve(host: str) -> list[str]:
        if host not in mapping:
            raise OSError(f"Name or service not known: {host}")
        return mapping[host]

    return resolve
