"""Dropbox's content API (``POST /2/files/upload``) as the tests' peers answer it.

The rules are shared by the in-process fakes here and by the test provider's
Dropbox endpoint (``tests.oauth_provider.dropbox``), which adds real OAuth
tokens and streams bodies to disk:

* `parse_upload_arg` reads the ``Dropbox-API-Arg`` header (the JSON
  ``UploadArg``: ``path``, ``mode``, ``autorename``, ``client_modified``,
  ``mute``, ``strict_conflict``, ``property_groups``, ``content_hash``; ASCII
  only, other characters escaped as ``\\uXXXX``) or answers Dropbox's 400
  ``bad_input``. Dropbox says it in plain text; here it is JSON,
  ``{"error_summary", "error": {".tag": "bad_input", "field", "message"}}``,
  so tests can read the field.
* `check_content_type` wants ``application/octet-stream``.
* `Files.place` decides where an upload lands: mode ``add`` with
  ``autorename`` stores ``/a.txt`` as ``/a (1).txt`` when ``/a.txt`` holds
  other bytes; identical bytes are no conflict unless ``strict_conflict``;
  otherwise a conflict (409 ``path/conflict/file``). `metadata` is Dropbox's
  answer for a stored file.
* `auth_error` is the 401 (``expired_access_token``, ``invalid_access_token``,
  ``missing_scope`` of ``files.content.write``).

`DropboxApi` is the content API in this process, for portal tests: a static
bearer token (`TOKEN`), the argument checked (not the Content-Type, so a test
may send an empty body), files kept in memory, every accepted upload recorded
in `uploads`. Faults it can inject: ``fail_with = 409`` makes the next
uploads answer ``{"error_summary": "path/conflict/file/.."}``; ``hold`` (a
`threading.Barrier`) makes each upload wait for the others before answering.

`LenientDropbox` is an `EchoServer` for query tests: ``/2/files/upload``
answers ``{"path_display", "size"}`` from the header without checking a
token or keeping anything, ``/status/<code>`` answers that status with
Dropbox's ``error_summary``, and anything else is echoed as ``{"method",
"path", "query", "body"}`` (the query as a dict, the body as text, and no
headers, so no credential comes back in a query's data).
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tests.fakes.loopback import Exchange, LoopbackServer, Request
from tests.fakes.upstream import EchoServer, Route

SCOPE = "files.content.write"
TOKEN = "sl.test-token"
BLOCK = 4 * 1024 * 1024
UPLOAD_CONTENT_TYPES = ("application/octet-stream", "text/plain; charset=dropbox-cors-hack")
UPLOAD_ARG_FIELDS = frozenset(
    {
        "path",
        "mode",
        "autorename",
        "client_modified",
        "mute",
        "property_groups",
        "strict_conflict",
        "content_hash",
    }
)
_PATH = re.compile(r"(/(.|[\r\n])*)|(ns:[0-9]+(/.*)?)|(id:.*)")
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
_HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Answer:
    """An answer's status and JSON body."""

    status: int
    body: dict[str, Any]


def content_hash(data: bytes) -> str:
    """Dropbox's content hash: sha256 over the sha256 of every 4 MB block."""
    blocks = b"".join(
        hashlib.sha256(data[i : i + BLOCK]).digest() for i in range(0, len(data), BLOCK)
    )
    return hashlib.sha256(blocks).hexdigest()


def bad_input(field: str, message: str) -> Answer:
    summary = f'Error in call to API function "files/upload": {message}'
    error = {".tag": "bad_input", "field": field, "message": summary}
    return Answer(400, {"error_summary": summary, "error": error})


def auth_error(tag: str) -> Answer:
    """Dropbox's 401 for `tag`: expired_access_token, invalid_access_token, missing_scope."""
    error: dict[str, Any] = {".tag": tag}
    if tag == "missing_scope":
        error["required_scope"] = SCOPE
    return Answer(401, {"error_summary": f"{tag}/..", "error": error})


def conflict() -> Answer:
    reason = {".tag": "conflict", "conflict": {".tag": "file"}}
    error = {".tag": "path", "reason": reason, "upload_session_id": secrets.token_hex(16)}
    return Answer(409, {"error_summary": "path/conflict/file/..", "error": error})


def content_hash_mismatch() -> Answer:
    error = {".tag": "content_hash_mismatch"}
    return Answer(409, {"error_summary": "content_hash_mismatch/..", "error": error})


def check_content_type(content_type: str) -> Answer | None:
    if content_type in UPLOAD_CONTENT_TYPES:
        return None
    expected = ", ".join(f'"{t}"' for t in UPLOAD_CONTENT_TYPES)
    return bad_input(
        "Content-Type",
        f'Bad HTTP "Content-Type" header: "{content_type}".  Expecting one of {expected}.',
    )


def parse_upload_arg(raw: str) -> dict[str, Any] | Answer:
    """The parsed ``Dropbox-API-Arg``, or Dropbox's 400 naming what is wrong."""
    header = 'HTTP header "Dropbox-API-Arg"'
    if not raw:
        return bad_input("Dropbox-API-Arg", f"{header} is missing")
    if any(ord(ch) > 0x7E or (ord(ch) < 0x20 and ch != "\t") for ch in raw):
        return bad_input(
            "Dropbox-API-Arg",
            f"{header}: the value must be ASCII; escape other characters as \\uXXXX",
        )
    try:
        arg = json.loads(raw)
    except ValueError:
        return bad_input("Dropbox-API-Arg", f"{header}: could not decode input as JSON")
    if not isinstance(arg, dict):
        return bad_input("Dropbox-API-Arg", f"{header}: expected an object")
    for key in arg:
        if key not in UPLOAD_ARG_FIELDS:
            return bad_input(key, f"{header}: unknown field '{key}'")
    path = arg.get("path")
    if not isinstance(path, str):
        return bad_input("path", f"{header}: missing required field 'path'")
    if not _PATH.fullmatch(path):
        return bad_input(
            "path", f"{header}: path: '{path}' did not match pattern '{_PATH.pattern}'"
        )
    for flag in ("autorename", "mute", "strict_conflict"):
        if flag in arg and not isinstance(arg[flag], bool):
            return bad_input(flag, f"{header}: {flag}: expected boolean")
    mode = arg.get("mode", "add")
    tag = mode.get(".tag") if isinstance(mode, dict) else mode
    bare_update = tag == "update" and not isinstance(mode, dict)
    if tag not in ("add", "overwrite", "update") or bare_update:
        return bad_input("mode", f"{header}: mode: unknown tag '{tag}'")
    modified = arg.get("client_modified")
    if modified is not None and not (isinstance(modified, str) and _TIMESTAMP.fullmatch(modified)):
        return bad_input("client_modified", f"{header}: client_modified: bad timestamp")
    expected = arg.get("content_hash")
    if expected is not None and not (isinstance(expected, str) and _HEX64.fullmatch(expected)):
        return bad_input("content_hash", f"{header}: content_hash: bad hash")
    return arg


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _renamed(path: str, number: int) -> str:
    folder, _, name = path.rpartition("/")
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        stem, ext = name, ""
    return f"{folder}/{stem} ({number}){'.' + ext if ext else ''}"


def metadata(entry: dict[str, Any]) -> dict[str, Any]:
    """Dropbox's ``FileMetadata`` answer for a stored entry."""
    keys = ("name", "path_lower", "path_display", "id", "client_modified", "server_modified")
    data = {key: entry[key] for key in keys}
    data.update(
        rev=entry["rev"],
        size=entry["size"],
        is_downloadable=True,
        content_hash=entry["content_hash"],
    )
    return data


@dataclass
class Files:
    """Stored files by ``path_lower``: each entry is Dropbox's metadata plus ``sha256``
    and ``mute``; the caller keeps the bytes with it. `lock` guards the entries."""

    lock: threading.RLock = field(default_factory=threading.RLock)
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    _rev: int = 0x5E1A000

    def _free_name(self, path: str) -> str:
        number = 1
        while _renamed(path, number).lower() in self.entries:
            number += 1
        return _renamed(path, number)

    def place(
        self, arg: dict[str, Any], size: int, sha256: str, chash: str
    ) -> dict[str, Any] | None:
        """Where the upload lands under ``mode``: the new entry, or None for a conflict."""
        with self.lock:
            path = arg["path"]
            mode = arg.get("mode", "add")
            tag = mode.get(".tag") if isinstance(mode, dict) else mode
            strict = arg.get("strict_conflict", False)
            existing = self.entries.get(path.lower())
            if existing is not None and tag == "add":
                if existing["sha256"] == sha256 and not strict:
                    return existing  # the same bytes again: Dropbox answers the file as it is
                if not arg.get("autorename", False):
                    return None
                path = self._free_name(path)
            elif tag == "update" and (existing is None or existing["rev"] != mode.get("update")):
                if not arg.get("autorename", False) or strict:
                    return None
                path = self._free_name(path)
            self._rev += 1
            now = _now()
            previous = self.entries.get(path.lower())
            entry = {
                "name": path.rsplit("/", 1)[-1],
                "path_lower": path.lower(),
                "path_display": path,
                "id": previous["id"] if previous else "id:" + secrets.token_urlsafe(16),
                "client_modified": arg.get("client_modified") or now,
                "server_modified": now,
                "rev": f"{self._rev:012x}",
                "size": size,
                "content_hash": chash,
                "sha256": sha256,
                "mute": arg.get("mute", False),
            }
            self.entries[path.lower()] = entry
            return entry


@dataclass
class Upload:
    """An upload `DropboxApi` accepted: its argument, headers (lower-case) and bytes."""

    path: str
    arg: dict[str, Any]
    headers: dict[str, str]
    body: bytes


class DropboxApi(LoopbackServer):
    """Dropbox's content API in this process, with the static bearer token `TOKEN`."""

    def __init__(self) -> None:
        super().__init__()
        self.files = Files()
        self.uploads: list[Upload] = []
        self.fail_with: int | None = None
        self.hold: threading.Barrier | None = None

    @property
    def url(self) -> str:
        return self.origin + "/"

    def answer(self, exchange: Exchange, request: Request) -> None:
        fault = self._upload(request)
        exchange.send_json(fault.status, fault.body)

    def _upload(self, request: Request) -> Answer:
        if (request.method, request.path) != ("POST", "/2/files/upload"):
            return Answer(404, {"error_summary": "not_found/"})
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return auth_error("invalid_access_token")
        arg = parse_upload_arg(request.headers.get("dropbox-api-arg", ""))
        if isinstance(arg, Answer):
            return arg
        body = request.body
        self.uploads.append(Upload(arg["path"], arg, request.headers, body))
        if self.hold is not None:
            self.hold.wait(timeout=20)
        if self.fail_with is not None:
            return Answer(self.fail_with, {"error_summary": "path/conflict/file/.."})
        chash = content_hash(body)
        if arg.get("content_hash") not in (None, chash):
            return content_hash_mismatch()
        entry = self.files.place(arg, len(body), hashlib.sha256(body).hexdigest(), chash)
        if entry is None:
            return conflict()
        entry["content"] = body
        return Answer(200, metadata(entry))


def _lenient_upload(exchange: Exchange, request: Request) -> None:
    arg = json.loads(request.headers["dropbox-api-arg"])
    exchange.send_json(200, {"path_display": arg["path"], "size": len(request.body)})


def _error_summary(exchange: Exchange, request: Request) -> None:
    code = int(request.path.rsplit("/", 1)[1])
    exchange.send_json(code, {"error_summary": f"status {code}"})


class LenientDropbox(EchoServer):
    """An echo with Dropbox's upload answer and error shape, no token and no storage."""

    @property
    def url(self) -> str:
        return self.origin + "/"

    def route(self, path: str) -> Route | None:
        if path == "/2/files/upload":
            return _lenient_upload
        if path.startswith("/status/"):
            return _error_summary
        return None

    def echo(self, exchange: Exchange, request: Request) -> None:
        body = request.body.decode("utf-8", "replace")
        echoed = {"method": request.method, "path": request.path, "query": dict(request.query)}
        exchange.send_json(200, {**echoed, "body": body})
