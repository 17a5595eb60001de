"""A real HTTP API on loopback for query tests; layouts and picked files for them.

`Upstream` records every request (method, path, query, headers, body bytes)
and answers:

* ``/2/files/upload``: Dropbox's upload answer, built from the
  ``Dropbox-API-Arg`` header (``{"path_display": ..., "size": ...}``);
* ``/status/<code>``: that status with a JSON body;
* anything else: 200 JSON echo of the request.
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest


@dataclass
class Received:
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class _Handler(BaseHTTPRequestHandler):
    server: Upstream

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _answer(self, status: int, value: object) -> None:
        body = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        headers = {k.lower(): v for k, v in self.headers.items()}
        received = Received(
            self.command, parts.path, parse_qsl(parts.query, keep_blank_values=True), headers, body
        )
        self.server.received.append(received)
        if parts.path == "/2/files/upload":
            arg = json.loads(headers["dropbox-api-arg"])
            self._answer(200, {"path_display": arg["path"], "size": len(body)})
        elif parts.path.startswith("/status/"):
            code = int(parts.path.rsplit("/", 1)[1])
            self._answer(code, {"error_summary": f"status {code}"})
        else:
            self._answer(
                200,
                {
                    "method": self.command,
                    "path": parts.path,
                    "query": dict(received.query),
                    "body": body.decode("utf-8", "replace"),
                },
            )

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle


class Upstream(ThreadingHTTPServer):
    daemon_threads = True
    received: list[Received]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"

    @property
    def last(self) -> Received:
        return self.received[-1]


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    """A fresh recording API server on 127.0.0.1, stopped after the test."""
    server = Upstream(("127.0.0.1", 0), _Handler)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def widget(name: str, type_: str, props: dict[str, Any] | None = None, y: int = 0) -> dict:
    return {
        "widgetName": name,
        "type": type_,
        "props": copy.deepcopy(props or {}),
        "position": {"x": 0, "y": y, "w": 20, "h": 4},
        "children": [],
    }


def layout(*children: dict[str, Any]) -> dict[str, Any]:
    """A MainContainer holding `children`, stacked so that none overlap."""
    placed = []
    for index, child in enumerate(children):
        child = copy.deepcopy(child)
        child["position"]["y"] = index * 5
        placed.append(child)
    return {
        "widgetName": "MainContainer",
        "type": "Container",
        "props": {},
        "position": {"x": 0, "y": 0, "w": 64, "h": 60},
        "children": placed,
    }


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    """Default storage in a fresh folder for this test; its path."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def store_bytes(
    user: Any,
    application: Any,
    content: bytes,
    *,
    name: str = "a.txt",
    content_type: str = "text/plain",
    expires_in: timedelta = timedelta(hours=1),
) -> Any:
    """A RuntimeFile as if `user` had picked it in `application` (bytes in default storage)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from builder.execution.files import new_file_id
    from builder.models import RuntimeFile

    file_id = new_file_id()
    storage_name = default_storage.save(f"runtime-files/test/{file_id}", ContentFile(content))
    return RuntimeFile.objects.create(
        id=file_id,
        owner=user,
        application=application,
        widget="FilePicker1",
        name=name,
        size=len(content),
        content_type=content_type,
        storage_name=storage_name,
        expires_at=timezone.now() + expires_in,
    )


def file_json(runtime_file: Any) -> dict[str, Any]:
    """The FilePicker meta entry for a stored file, as the portal keeps it."""
    return {
        "id": runtime_file.id,
        "name": runtime_file.name,
        "size": runtime_file.size,
        "type": runtime_file.content_type,
        "data": f"blob:{runtime_file.id}",
    }
