"""One loopback HTTP server for every in-process fake: a real socket on 127.0.0.1.

A fake subclasses `LoopbackServer` and answers in `answer(exchange, request)`.
The server listens on a free port (over TLS when given a server context),
serves each request on a daemon thread, and records it as a `Request` in
`received` before answering. `Exchange` is the request handler: `send` and
`send_json` answer whole bodies; `wfile` is there for answers that stream or
stall. Start and stop a server with ``with Fake() as server:`` or `start()`
and `stop()`.
"""

from __future__ import annotations

import json
import ssl
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Request:
    """A request as the fake received it."""

    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]  # names in lower case
    header_pairs: list[tuple[str, str]]  # names as sent, in order
    body: bytes
    raw_query: str = ""  # the query string as it came on the wire

    def json(self) -> Any:
        return json.loads(self.body)


class Exchange(BaseHTTPRequestHandler):
    """One request and its answer; hands the request to the server's `answer`."""

    server: LoopbackServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def read_body(self) -> bytes:
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

    def send(
        self, status: int, body: bytes = b"", content_type: str | None = None, **headers: str
    ) -> None:
        """Answer `status` with `body`; header names in `headers` use ``_`` for ``-``."""
        self.send_response(status)
        if content_type is not None:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_json(self, status: int, value: object, **headers: str) -> None:
        self.send(status, json.dumps(value).encode(), "application/json", **headers)

    def _handle(self) -> None:
        parts = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=parts.path,
            query=parse_qsl(parts.query, keep_blank_values=True),
            headers={name.lower(): value for name, value in self.headers.items()},
            header_pairs=list(self.headers.items()),
            body=self.read_body(),
            raw_query=parts.query,
        )
        self.server.received.append(request)
        self.server.answer(self, request)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle


class LoopbackServer(ThreadingHTTPServer):
    """A real HTTP server on a free port of 127.0.0.1; subclasses answer requests."""

    daemon_threads = True

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        super().__init__(("127.0.0.1", 0), Exchange)
        if tls is not None:
            self.socket = tls.wrap_socket(self.socket, server_side=True)
        self.received: list[Request] = []

    def answer(self, exchange: Exchange, request: Request) -> None:
        raise NotImplementedError

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that give up mid-request (caps, timeouts) are expected

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def last(self) -> Request:
        return self.received[-1]

    def start(self) -> Self:
        threading.Thread(target=self.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
