"""A Dropbox-shaped content API on loopback: `/2/files/upload` as Dropbox answers it.

Checks the bearer token (401 `invalid_access_token/` otherwise), reads the
`Dropbox-API-Arg` header, stores the bytes by path (mode `add` with
`autorename` renames `/a.txt` to `/a (1).txt` when the path holds other
bytes) and answers Dropbox's file metadata. `fail_with = 409` makes the next
uploads answer Dropbox's `path/conflict/file` error instead; `hold` (a
`threading.Barrier`) makes each upload wait for the others before answering.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import PurePosixPath
from typing import Any

import pytest

TOKEN = "sl.test-token"


@dataclass
class Upload:
    path: str
    arg: dict[str, Any]
    headers: dict[str, str]
    body: bytes


class _Handler(BaseHTTPRequestHandler):
    server: DropboxApi

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _answer(self, status: int, value: object) -> None:
        body = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {key.lower(): value for key, value in self.headers.items()}
        if self.path != "/2/files/upload":
            self._answer(404, {"error_summary": "not_found/"})
            return
        if headers.get("authorization") != f"Bearer {TOKEN}":
            self._answer(401, {"error_summary": "invalid_access_token/"})
            return
        arg = json.loads(headers["dropbox-api-arg"])
        self.server.uploads.append(Upload(arg["path"], arg, headers, body))
        if self.server.hold is not None:
            self.server.hold.wait(timeout=20)
        if self.server.fail_with is not None:
            self._answer(self.server.fail_with, {"error_summary": "path/conflict/file/.."})
            return
        path = self.server.store(arg, body)
        self._answer(
            200,
            {
                "name": PurePosixPath(path).name,
                "path_lower": path.lower(),
                "path_display": path,
                "id": "id:" + hashlib.sha256(path.encode()).hexdigest()[:16],
                "size": len(body),
                "content_hash": hashlib.sha256(body).hexdigest(),
            },
        )


class DropboxApi(ThreadingHTTPServer):
    daemon_threads = True
    uploads: list[Upload]
    files: dict[str, bytes]
    fail_with: int | None = None
    hold: threading.Barrier | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"

    def store(self, arg: dict[str, Any], body: bytes) -> str:
        path = arg["path"]
        if path in self.files and self.files[path] != body and arg.get("autorename"):
            stem, suffix = PurePosixPath(path).stem, PurePosixPath(path).suffix
            parent = str(PurePosixPath(path).parent).rstrip("/")
            number = 1
            while f"{parent}/{stem} ({number}){suffix}" in self.files:
                number += 1
            path = f"{parent}/{stem} ({number}){suffix}"
        self.files[path] = body
        return path


@pytest.fixture
def dropbox_api() -> Iterator[DropboxApi]:
    """A fresh Dropbox-shaped API on 127.0.0.1, stopped after the test."""
    server = DropboxApi(("127.0.0.1", 0), _Handler)
    server.uploads, server.files = [], {}
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
