"""A lean Dropbox-compatible upload endpoint for bench/upload.py (not part of Brace).

    .venv/bin/python bench/upload_endpoint.py TOKEN   # prints its port, then serves

Takes ``POST /2/files/upload`` (also ``PUT``, for ``curl -T``) and
``/2/files/upload_session/start``, ``append_v2`` and ``finish`` with the
Dropbox-API-Arg semantics Brace relies on (session ids, offsets checked,
``incorrect_offset`` on a mismatch, the commit's ``path`` in the answer). It
checks the bearer token, hashes every body (SHA-256) into 1 MiB of reused
buffer and discards it: no body is kept, in memory or on disk, so the
endpoint costs one hash pass of CPU and is not the bottleneck.

``GET /bench/last`` answers the last finished upload: size, SHA-256, the
requests it took, and when its first request started and its last one was
answered (``time.monotonic()``, comparable with other processes' clocks on
Linux), so the benchmark can time the upload itself.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

BUFFER_BYTES = 1024 * 1024


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: _Endpoint

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _answer(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self, digest: Any) -> int:
        """Read the whole body into the hash; its length."""
        length = int(self.headers.get("Content-Length") or 0)
        view = memoryview(bytearray(BUFFER_BYTES))
        left = length
        while left:
            got = self.rfile.readinto(view[: min(left, BUFFER_BYTES)])
            if not got:
                raise ConnectionError("body cut short")
            digest.update(view[:got])
            left -= got
        return length

    def do_GET(self) -> None:
        self._answer(200, self.server.last)

    def do_PUT(self) -> None:
        self.do_POST()

    def do_POST(self) -> None:
        started = time.monotonic()
        if self.headers.get("Content-Length") is None:
            self._answer(411, {"error_summary": "length_required"})
            return
        digest = hashlib.sha256()
        if self.headers.get("Authorization") != f"Bearer {self.server.token}":
            self._body(digest)
            self._answer(401, {"error_summary": "invalid_access_token/", "error": {}})
            return
        try:
            arg = json.loads(self.headers.get("Dropbox-API-Arg") or "{}")
        except ValueError:
            arg = {}
        path = self.path.split("?")[0].rstrip("/")
        sessions = self.server.sessions
        if path.endswith("/2/files/upload"):
            size = self._body(digest)
            self._done(arg, size, digest, started, 1, [(started, time.monotonic(), size)])
        elif path.endswith("/upload_session/start"):
            size = self._body(digest)
            session_id = secrets.token_hex(8)
            sessions[session_id] = {
                "digest": digest,
                "size": size,
                "started": started,
                "n": 1,
                "steps": [(started, time.monotonic(), size)],
            }
            self._answer(200, {"session_id": session_id})
        elif path.endswith("/upload_session/append_v2") or path.endswith("/upload_session/finish"):
            cursor = arg.get("cursor") or {}
            session = sessions.get(str(cursor.get("session_id")))
            if session is None:
                self._body(hashlib.sha256())
                self._answer(409, {"error_summary": "not_found/", "error": {".tag": "not_found"}})
                return
            if cursor.get("offset") != session["size"]:
                self._body(hashlib.sha256())
                error = {".tag": "incorrect_offset", "correct_offset": session["size"]}
                if path.endswith("finish"):
                    error = {".tag": "lookup_failed", "lookup_failed": error}
                self._answer(409, {"error_summary": "incorrect_offset/", "error": error})
                return
            got = self._body(session["digest"])
            session["size"] += got
            session["n"] += 1
            session["steps"].append((started, time.monotonic(), got))
            if path.endswith("append_v2"):
                self._answer(200, None)
                return
            del sessions[cursor["session_id"]]
            commit = arg.get("commit") or {}
            self._done(
                commit,
                session["size"],
                session["digest"],
                session["started"],
                session["n"],
                session["steps"],
            )
        else:
            self._answer(404, {"error_summary": "not_found"})

    def _done(
        self,
        arg: Any,
        size: int,
        digest: Any,
        started: float,
        requests: int,
        steps: list[tuple[float, float, int]],
    ) -> None:
        path = arg.get("path") or "/upload"
        name = path.rsplit("/", 1)[-1]
        sha = digest.hexdigest()
        self._answer(
            200,
            {
                "name": name,
                "path_display": path,
                "path_lower": path.lower(),
                "size": size,
                "content_hash": sha,
            },
        )
        self.server.last = {
            "size": size,
            "sha256": sha,
            "requests": requests,
            "started": started,
            "finished": time.monotonic(),
            # Each request: its start, the end of its body, its body's bytes.
            "steps": steps,
        }


class _Endpoint(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client that hung up
            super().handle_error(request, client_address)

    token = ""
    sessions: dict[str, dict[str, Any]]
    last: dict[str, Any]


def main() -> None:
    server = _Endpoint(("127.0.0.1", 0), _Handler)
    server.token = sys.argv[1]
    server.sessions = {}
    server.last = {}
    print(server.server_address[1], flush=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        sys.stdin.read()  # serve until the benchmark closes our stdin
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
