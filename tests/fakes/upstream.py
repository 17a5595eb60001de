"""Generic upstream APIs on loopback: an echo with canned answers, and a redirector.

`EchoServer` answers with HTTP/1.0-style responses (``Connection: close``),
so body-less and streamed answers need no framing logic. Its routes:

* any path not listed below: 200 JSON echo of the request (`echo_record`:
  method, path, query pairs, header pairs, body as base64, body length);
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

`requests` lists the echo record of every request received. Subclasses
answer other routes, or echo otherwise, by overriding `route` and `echo` (see
``tests.fakes.dropbox``).

`Redirector` answers ``/to?url=X`` with a 302 to X (307 for ``/to307``) and
anything else with 200 JSON; `seen` lists each request's path and
Authorization header.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from typing import Any

from tests.fakes.loopback import Exchange, LoopbackServer, Request

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + bytes(range(256))

Route = Callable[[Exchange, Request], None]


def echo_record(request: Request) -> dict[str, Any]:
    """What the echo answers for `request` (JSON-ready)."""
    return {
        "method": request.method,
        "path": request.path,
        "query": request.query,
        "headers": [[name, value] for name, value in request.header_pairs],
        "body_base64": base64.b64encode(request.body).decode(),
        "body_length": len(request.body),
    }


def echo(exchange: Exchange, request: Request) -> None:
    exchange.send_json(200, echo_record(request))


def _params(request: Request) -> dict[str, str]:
    return {name: value for name, value in request.query if value}


def _status(exchange: Exchange, request: Request) -> None:
    code = int(request.path.rsplit("/", 1)[1])
    exchange.send_json(code, {"error": f"status {code}"})


def _redirect(exchange: Exchange, request: Request) -> None:
    params = _params(request)
    exchange.send(int(params.get("status", "302")), b"", "text/plain", Location=params["to"])


def _chain(exchange: Exchange, request: Request) -> None:
    left = int(request.path.rsplit("/", 1)[1])
    target = f"/chain/{left - 1}" if left > 1 else "/echo"
    exchange.send(302, b"", "text/plain", Location=target)


def _large(exchange: Exchange, request: Request) -> None:
    params = _params(request)
    size = int(params["size"])
    exchange.send_response(200)
    exchange.send_header("Content-Type", "application/octet-stream")
    if params.get("length", "1") == "1":
        exchange.send_header("Content-Length", str(size))
    exchange.end_headers()
    chunk = b"x" * 65536
    sent = 0
    try:
        while sent < size:
            piece = chunk[: size - sent]
            exchange.wfile.write(piece)
            sent += len(piece)
    except OSError:
        pass  # the client stopped reading at its cap


def _slow(exchange: Exchange, request: Request) -> None:
    time.sleep(float(_params(request).get("delay", "2")))
    exchange.send_json(200, {"slow": True})


def _slow_body(exchange: Exchange, request: Request) -> None:
    exchange.send_response(200)
    exchange.send_header("Content-Type", "text/plain")
    exchange.send_header("Content-Length", "100")
    exchange.end_headers()
    exchange.wfile.write(b"partial")
    exchange.wfile.flush()
    time.sleep(2)


def _drip(exchange: Exchange, request: Request) -> None:
    params = _params(request)
    count, interval = int(params.get("count", "30")), float(params.get("interval", "0.1"))
    exchange.send_response(200)
    exchange.send_header("Content-Type", "text/plain")
    exchange.send_header("Content-Length", str(count))
    exchange.end_headers()
    try:
        for _ in range(count):
            exchange.wfile.write(b".")
            exchange.wfile.flush()
            time.sleep(interval)
    except OSError:
        pass  # the client gave up


def _needs_token(exchange: Exchange, request: Request) -> None:
    if request.headers.get("authorization") == "Bearer fresh":
        echo(exchange, request)
    else:
        exchange.send_json(401, {"error": "expired"})


_CANNED: dict[str, Route] = {
    "/json": lambda x, r: x.send_json(200, {"ok": True, "items": [1, 2]}, X_Upstream="yes"),
    "/text": lambda x, r: x.send(200, "héllo".encode("latin-1"), "text/plain; charset=iso-8859-1"),
    "/binary": lambda x, r: x.send(200, PNG_BYTES, "image/png"),
    "/no-type": lambda x, r: x.send(200, b'{"sniffed": true}'),
    "/bad-json": lambda x, r: x.send(200, b"{not json", "application/json"),
    "/empty": lambda x, r: x.send(204),
    "/redirect": _redirect,
    "/large": _large,
    "/slow": _slow,
    "/slow-body": _slow_body,
    "/drip": _drip,
    "/needs-token": _needs_token,
}
_CANNED_PREFIXES: dict[str, Route] = {"/status/": _status, "/chain/": _chain}


class EchoServer(LoopbackServer):
    """The generic upstream: echoes every request, except on the canned routes."""

    @property
    def url(self) -> str:
        return self.origin

    @property
    def requests(self) -> list[dict[str, Any]]:
        return [echo_record(request) for request in self.received]

    def route(self, path: str) -> Route | None:
        if path in _CANNED:
            return _CANNED[path]
        for prefix, route in _CANNED_PREFIXES.items():
            if path.startswith(prefix):
                return route
        return None

    def echo(self, exchange: Exchange, request: Request) -> None:
        echo(exchange, request)

    def answer(self, exchange: Exchange, request: Request) -> None:
        (self.route(request.path) or self.echo)(exchange, request)


class Redirector(LoopbackServer):
    """``/to?url=X``: 302 to X (307 for ``/to307``); anything else: 200 JSON."""

    @property
    def seen(self) -> list[dict[str, str]]:
        return [
            {"path": request.path, "authorization": request.headers.get("authorization", "")}
            for request in self.received
        ]

    def answer(self, exchange: Exchange, request: Request) -> None:
        target = next((value for name, value in request.query if name == "url" and value), "")
        if request.path in ("/to", "/to307") and target:
            exchange.send(307 if request.path == "/to307" else 302, Location=target)
        else:
            exchange.send(200, b'{"ok": true}', "application/json")
