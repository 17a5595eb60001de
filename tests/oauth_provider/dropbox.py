"""Provider-shaped APIs on the test provider's origin: Dropbox, Google Docs, Zoho Campaigns.

The datasource kind Brace ships must serve all three (DESIGN.md), so each is
mimicked closely enough that a wrong header, prefix or body shape fails the
way the real API would. Every call needs an access token issued by this
provider (django-oauth-toolkit), checked like ``/api/me/``:

* ``POST /2/files/upload`` is Dropbox's ``files/upload`` (content.dropboxapi.com).
  The body is the file's bytes (``Content-Type: application/octet-stream``);
  the ``Dropbox-API-Arg`` header is the JSON ``UploadArg`` (``path``, ``mode``,
  ``autorename``, ``client_modified``, ``mute``, ``strict_conflict``,
  ``property_groups``, ``content_hash``). The answer is Dropbox's file
  metadata. Mode ``add`` with ``autorename`` stores ``/a.txt`` as
  ``/a (1).txt`` when ``/a.txt`` holds other bytes; identical bytes are no
  conflict unless ``strict_conflict``. Faults answer as Dropbox does: 400 for
  a bad argument or Content-Type (Dropbox says it in plain text; here it is
  JSON, ``{"error_summary", "error": {".tag": "bad_input", "field", "message"}}``,
  so tests can read the field), 401 ``expired_access_token`` /
  ``invalid_access_token`` / ``missing_scope`` (scope ``files.content.write``),
  409 ``path/conflict/file``. The header must be ASCII (Dropbox wants other
  characters JSON-escaped as ``\\uXXXX``).
* ``POST /v1/documents`` is Google Docs' ``documents.create`` (``{title}`` ->
  ``{documentId, title, revisionId}``) and ``POST /v1/documents/{id}:batchUpdate``
  applies ``insertText`` requests; errors use Google's ``{"error": {code,
  message, status}}``. Scope ``write``.
* ``POST /api/v1.1/json/listsubscribe`` is Zoho Campaigns' list subscription
  (``listkey`` and ``contactinfo`` JSON in the query); Zoho's token prefix is
  ``Zoho-oauthtoken``, not ``Bearer``, and a Bearer header is refused.
  Scope ``write``.

Stored bytes live in the provider's own temporary directory (next to its
SQLite file), one file per Dropbox path. ``GET /control/dropbox/`` lists the
stored files (with sha256) and every request these APIs saw with its headers
(a token shows only as its scheme and a short sha256 fingerprint, and
``account`` names the provider user a valid token belongs to);
``GET /control/dropbox/content/?path=/a.txt`` answers a stored file's bytes;
``POST /control/dropbox/reset/`` forgets everything. ``ProviderApis`` is the
tests' client for those controls.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

__all__ = [
    "ProviderApis",
    "batch_update_document",
    "content_hash",
    "control",
    "control_content",
    "control_reset",
    "create_document",
    "upload",
    "zoho_list_subscribe",
]

DROPBOX_SCOPE = "files.content.write"
WRITE_SCOPE = "write"
DROPBOX_BLOCK = 4 * 1024 * 1024
CHUNK = 64 * 1024
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

_lock = threading.RLock()  # views log while holding it
_files: dict[str, dict[str, Any]] = {}  # path_lower -> metadata and storage details
_documents: dict[str, dict[str, Any]] = {}
_subscriptions: list[dict[str, Any]] = []
_requests: list[dict[str, Any]] = []
_counter = {"rev": 0x5E1A000}
_ACCOUNT = "tests.provider_account"


def content_hash(data: bytes) -> str:
    """Dropbox's content hash: sha256 over the sha256 of every 4 MB block."""
    blocks = b"".join(
        hashlib.sha256(data[i : i + DROPBOX_BLOCK]).digest()
        for i in range(0, len(data), DROPBOX_BLOCK)
    )
    return hashlib.sha256(blocks).hexdigest()


def _storage() -> Path:
    from django.conf import settings

    folder = Path(settings.DATABASES["default"]["NAME"]).parent / "dropbox-files"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# Seeing requests


def _headers_seen(request: HttpRequest) -> dict[str, str]:
    """Every request header, lower-case; a credential as its scheme and a fingerprint."""
    seen: dict[str, str] = {}
    for key, value in request.META.items():
        if key.startswith("HTTP_"):
            name = key[5:].replace("_", "-").lower()
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            name = key.replace("_", "-").lower()
        else:
            continue
        seen[name] = str(value)
    if "authorization" in seen:
        scheme, _, token = seen["authorization"].partition(" ")
        fingerprint = hashlib.sha256(token.encode()).hexdigest()[:12]
        seen["authorization"] = f"{scheme} sha256:{fingerprint}"
    return seen


def _log(request: HttpRequest, api: str, response: HttpResponse, **extra: Any) -> HttpResponse:
    with _lock:
        _requests.append(
            {
                "api": api,
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "account": request.META.get(_ACCOUNT),
                "headers": _headers_seen(request),
                **extra,
            }
        )
    return response


# Tokens


@dataclass(frozen=True)
class _TokenProblem:
    tag: str  # expired_access_token, invalid_access_token, missing_scope
    message: str


def _check_token(request: HttpRequest, prefix: str, scope: str) -> _TokenProblem | None:
    """None if the request carries a live token of this provider with ``scope``."""
    from oauth2_provider.models import AccessToken

    scheme, _, raw = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() != prefix.lower() or not raw.strip():
        return _TokenProblem("invalid_access_token", f"expected 'Authorization: {prefix} <token>'")
    checksum = hashlib.sha256(raw.strip().encode("utf-8")).hexdigest()
    token = AccessToken.objects.filter(token_checksum=checksum).first()
    if token is None:
        return _TokenProblem("invalid_access_token", "unknown access token")
    if token.is_expired():
        return _TokenProblem("expired_access_token", "the access token expired")
    if not token.allow_scopes([scope]):
        return _TokenProblem("missing_scope", f"the token lacks scope {scope}")
    # Whose token it was, for the request log.
    request.META[_ACCOUNT] = token.user.username if token.user else None
    return None


# Dropbox


def _dropbox_bad_input(field: str, message: str) -> JsonResponse:
    summary = f'Error in call to API function "files/upload": {message}'
    return JsonResponse(
        {
            "error_summary": summary,
            "error": {".tag": "bad_input", "field": field, "message": summary},
        },
        status=400,
    )


def _dropbox_auth_error(problem: _TokenProblem) -> JsonResponse:
    error: dict[str, Any] = {".tag": problem.tag}
    if problem.tag == "missing_scope":
        error["required_scope"] = DROPBOX_SCOPE
    return JsonResponse({"error_summary": f"{problem.tag}/..", "error": error}, status=401)


def _dropbox_conflict() -> JsonResponse:
    return JsonResponse(
        {
            "error_summary": "path/conflict/file/..",
            "error": {
                ".tag": "path",
                "reason": {".tag": "conflict", "conflict": {".tag": "file"}},
                "upload_session_id": secrets.token_hex(16),
            },
        },
        status=409,
    )


def _upload_arg(raw: str) -> dict[str, Any] | JsonResponse:
    """The parsed ``Dropbox-API-Arg``, or Dropbox's 400 naming what is wrong."""
    header = 'HTTP header "Dropbox-API-Arg"'
    if not raw:
        return _dropbox_bad_input("Dropbox-API-Arg", f"{header} is missing")
    if any(ord(ch) > 0x7E or (ord(ch) < 0x20 and ch != "\t") for ch in raw):
        return _dropbox_bad_input(
            "Dropbox-API-Arg",
            f"{header}: the value must be ASCII; escape other characters as \\uXXXX",
        )
    try:
        arg = json.loads(raw)
    except ValueError:
        return _dropbox_bad_input("Dropbox-API-Arg", f"{header}: could not decode input as JSON")
    if not isinstance(arg, dict):
        return _dropbox_bad_input("Dropbox-API-Arg", f"{header}: expected an object")
    for key in arg:
        if key not in UPLOAD_ARG_FIELDS:
            return _dropbox_bad_input(key, f"{header}: unknown field '{key}'")
    path = arg.get("path")
    if not isinstance(path, str):
        return _dropbox_bad_input("path", f"{header}: missing required field 'path'")
    if not _PATH.fullmatch(path):
        return _dropbox_bad_input(
            "path", f"{header}: path: '{path}' did not match pattern '{_PATH.pattern}'"
        )
    for flag in ("autorename", "mute", "strict_conflict"):
        if flag in arg and not isinstance(arg[flag], bool):
            return _dropbox_bad_input(flag, f"{header}: {flag}: expected boolean")
    mode = arg.get("mode", "add")
    tag = mode.get(".tag") if isinstance(mode, dict) else mode
    bare_update = tag == "update" and not isinstance(mode, dict)
    if tag not in ("add", "overwrite", "update") or bare_update:
        return _dropbox_bad_input("mode", f"{header}: mode: unknown tag '{tag}'")
    modified = arg.get("client_modified")
    if modified is not None and not (isinstance(modified, str) and _TIMESTAMP.fullmatch(modified)):
        return _dropbox_bad_input("client_modified", f"{header}: client_modified: bad timestamp")
    expected = arg.get("content_hash")
    if expected is not None and not (isinstance(expected, str) and _HEX64.fullmatch(expected)):
        return _dropbox_bad_input("content_hash", f"{header}: content_hash: bad hash")
    return arg


def _read_body(request: HttpRequest, target: Path) -> tuple[int, str, str]:
    """Stream the body to ``target``: its size, sha256 and Dropbox content hash."""
    digest = hashlib.sha256()
    blocks: list[bytes] = []
    block = hashlib.sha256()
    in_block = 0
    size = 0
    with target.open("wb") as out:
        while chunk := request.read(CHUNK):
            out.write(chunk)
            digest.update(chunk)
            size += len(chunk)
            while chunk:
                take = chunk[: DROPBOX_BLOCK - in_block]
                block.update(take)
                in_block += len(take)
                chunk = chunk[len(take) :]
                if in_block == DROPBOX_BLOCK:
                    blocks.append(block.digest())
                    block, in_block = hashlib.sha256(), 0
    if in_block:
        blocks.append(block.digest())
    return size, digest.hexdigest(), hashlib.sha256(b"".join(blocks)).hexdigest()


def _renamed(path: str, number: int) -> str:
    folder, _, name = path.rpartition("/")
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        stem, ext = name, ""
    return f"{folder}/{stem} ({number}){'.' + ext if ext else ''}"


def _metadata(entry: dict[str, Any]) -> dict[str, Any]:
    keys = ("name", "path_lower", "path_display", "id", "client_modified", "server_modified")
    data = {key: entry[key] for key in keys}
    data.update(
        rev=entry["rev"],
        size=entry["size"],
        is_downloadable=True,
        content_hash=entry["content_hash"],
    )
    return data


def _place(arg: dict[str, Any], size: int, sha256: str, chash: str) -> dict[str, Any] | None:
    """Where the upload lands under ``mode``: the new entry, or None for a conflict.

    Called with the lock held.
    """
    path = arg["path"]
    mode = arg.get("mode", "add")
    tag = mode.get(".tag") if isinstance(mode, dict) else mode
    strict = arg.get("strict_conflict", False)
    existing = _files.get(path.lower())
    if existing is not None and tag == "add":
        if existing["sha256"] == sha256 and not strict:
            return existing  # the same bytes again: Dropbox answers the file as it is
        if not arg.get("autorename", False):
            return None
        number = 1
        while _renamed(path, number).lower() in _files:
            number += 1
        path = _renamed(path, number)
    elif tag == "update" and (existing is None or existing["rev"] != mode.get("update")):
        if not arg.get("autorename", False) or strict:
            return None
        number = 1
        while _renamed(path, number).lower() in _files:
            number += 1
        path = _renamed(path, number)
    _counter["rev"] += 1
    now = _now()
    previous = _files.get(path.lower())
    entry = {
        "name": path.rsplit("/", 1)[-1],
        "path_lower": path.lower(),
        "path_display": path,
        "id": previous["id"] if previous else "id:" + secrets.token_urlsafe(16),
        "client_modified": arg.get("client_modified") or now,
        "server_modified": now,
        "rev": f"{_counter['rev']:012x}",
        "size": size,
        "content_hash": chash,
        "sha256": sha256,
        "mute": arg.get("mute", False),
    }
    _files[path.lower()] = entry
    return entry


@csrf_exempt
def upload(request: HttpRequest) -> HttpResponse:
    """Dropbox's ``POST /2/files/upload``."""
    raw_arg = request.META.get("HTTP_DROPBOX_API_ARG", "")
    if request.method != "POST":
        return _log(request, "dropbox.upload", HttpResponse(status=405), arg=raw_arg)
    problem = _check_token(request, "Bearer", DROPBOX_SCOPE)
    if problem is not None:
        return _log(request, "dropbox.upload", _dropbox_auth_error(problem), arg=raw_arg)
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type not in UPLOAD_CONTENT_TYPES:
        expected = ", ".join(f'"{t}"' for t in UPLOAD_CONTENT_TYPES)
        fault = _dropbox_bad_input(
            "Content-Type",
            f'Bad HTTP "Content-Type" header: "{content_type}".  Expecting one of {expected}.',
        )
        return _log(request, "dropbox.upload", fault, arg=raw_arg)
    if not request.META.get("CONTENT_LENGTH"):
        # The provider runs on wsgiref, which cannot read a chunked body.
        fault = JsonResponse({"error_summary": "length_required/"}, status=411)
        return _log(request, "dropbox.upload", fault, arg=raw_arg)
    arg = _upload_arg(raw_arg)
    if isinstance(arg, JsonResponse):
        return _log(request, "dropbox.upload", arg, arg=raw_arg)
    incoming = _storage() / f"incoming-{secrets.token_hex(8)}"
    size, sha256, chash = _read_body(request, incoming)
    if arg.get("content_hash") not in (None, chash):
        incoming.unlink()
        mismatch = {".tag": "content_hash_mismatch"}
        fault = JsonResponse(
            {"error_summary": "content_hash_mismatch/..", "error": mismatch}, status=409
        )
        return _log(request, "dropbox.upload", fault, arg=raw_arg)
    with _lock:
        entry = _place(arg, size, sha256, chash)
        if entry is not None:
            stored = _storage() / hashlib.sha256(entry["path_lower"].encode()).hexdigest()
            incoming.replace(stored)  # the same bytes when an identical file was re-sent
            entry["file"] = str(stored)
    if entry is None:
        incoming.unlink()
        return _log(request, "dropbox.upload", _dropbox_conflict(), arg=raw_arg)
    return _log(request, "dropbox.upload", JsonResponse(_metadata(entry)), arg=raw_arg)


# Google Docs


def _google_error(code: int, status: str, message: str) -> JsonResponse:
    response = JsonResponse({"error": {"code": code, "message": message, "status": status}})
    response.status_code = code
    if code == 401:
        response["WWW-Authenticate"] = 'Bearer realm="https://accounts.google.com/"'
    return response


def _google_json(request: HttpRequest) -> dict[str, Any] | JsonResponse:
    problem = _check_token(request, "Bearer", WRITE_SCOPE)
    if problem is not None:
        return _google_error(
            401,
            "UNAUTHENTICATED",
            f"Request had invalid authentication credentials ({problem.message}).",
        )
    if request.method != "POST":
        return _google_error(405, "METHOD_NOT_ALLOWED", "Use POST.")
    if request.content_type != "application/json":
        return _google_error(
            400, "INVALID_ARGUMENT", f"Invalid Content-Type {request.content_type!r}."
        )
    try:
        body = json.loads(request.body or b"{}")
    except ValueError as exc:
        return _google_error(400, "INVALID_ARGUMENT", f"Invalid JSON payload received. {exc}")
    if not isinstance(body, dict):
        return _google_error(400, "INVALID_ARGUMENT", "Invalid JSON payload: not an object.")
    return body


@csrf_exempt
def create_document(request: HttpRequest) -> HttpResponse:
    """Google Docs' ``documents.create``: only ``title`` may be set."""
    body = _google_json(request)
    if isinstance(body, JsonResponse):
        return _log(request, "docs.create", body)
    unknown = sorted(set(body) - {"title"})
    if unknown:
        fault = _google_error(
            400, "INVALID_ARGUMENT", f'Invalid JSON payload received. Unknown name "{unknown[0]}"'
        )
        return _log(request, "docs.create", fault, body=body)
    title = body.get("title", "Untitled document")
    if not isinstance(title, str):
        fault = _google_error(400, "INVALID_ARGUMENT", "title must be a string")
        return _log(request, "docs.create", fault, body=body)
    document = {
        "documentId": secrets.token_urlsafe(32),
        "title": title,
        "revisionId": secrets.token_urlsafe(12),
        "text": "",
    }
    with _lock:
        _documents[document["documentId"]] = document
    answer = {key: document[key] for key in ("documentId", "title", "revisionId")}
    return _log(request, "docs.create", JsonResponse(answer), body=body)


@csrf_exempt
def batch_update_document(request: HttpRequest, document_id: str) -> HttpResponse:
    """Google Docs' ``documents.batchUpdate``, for ``insertText`` requests."""
    body = _google_json(request)
    if isinstance(body, JsonResponse):
        return _log(request, "docs.batchUpdate", body)
    with _lock:
        document = _documents.get(document_id)
        if document is None:
            fault = _google_error(404, "NOT_FOUND", "Requested entity was not found.")
            return _log(request, "docs.batchUpdate", fault, body=body)
        replies: list[dict[str, Any]] = []
        for index, item in enumerate(body.get("requests") or []):
            insert = item.get("insertText") if isinstance(item, dict) else None
            if not isinstance(insert, dict) or not isinstance(insert.get("text"), str):
                fault = _google_error(
                    400, "INVALID_ARGUMENT", f"requests[{index}]: only insertText is supported"
                )
                return _log(request, "docs.batchUpdate", fault, body=body)
            document["text"] += insert["text"]
            replies.append({})
        document["revisionId"] = secrets.token_urlsafe(12)
        answer = {
            "documentId": document_id,
            "replies": replies,
            "writeControl": {"requiredRevisionId": document["revisionId"]},
        }
    return _log(request, "docs.batchUpdate", JsonResponse(answer), body=body)


# Zoho Campaigns


@csrf_exempt
def zoho_list_subscribe(request: HttpRequest) -> HttpResponse:
    """Zoho Campaigns' ``json/listsubscribe``: parameters in the query string."""
    problem = _check_token(request, "Zoho-oauthtoken", WRITE_SCOPE)
    if problem is not None:
        fault = JsonResponse(
            {"status": "error", "code": "1007", "message": f"Unauthorized: {problem.message}"},
            status=401,
        )
        return _log(request, "zoho.listsubscribe", fault)
    query = dict(request.GET.items())
    try:
        contact = json.loads(request.GET.get("contactinfo", ""))
    except ValueError:
        contact = None
    if request.method != "POST" or not query.get("listkey") or not isinstance(contact, dict):
        fault = JsonResponse(
            {"status": "error", "code": "2501", "message": "listkey and contactinfo are required"},
            status=400,
        )
        return _log(request, "zoho.listsubscribe", fault, query=query)
    with _lock:
        _subscriptions.append({"listkey": query["listkey"], "contact": contact})
    answer = {
        "status": "success",
        "code": "0",
        "message": "A confirmation email is sent to the user.",
    }
    return _log(request, "zoho.listsubscribe", JsonResponse(answer), query=query)


# Controls (loopback test server only)


def control(request: HttpRequest) -> HttpResponse:
    """Stored files (metadata and sha256), documents, subscriptions and every request seen."""
    with _lock:
        files = [
            {**_metadata(entry), "sha256": entry["sha256"], "mute": entry["mute"]}
            for entry in _files.values()
        ]
        return JsonResponse(
            {
                "files": files,
                "documents": [dict(d) for d in _documents.values()],
                "subscriptions": list(_subscriptions),
                "requests": list(_requests),
            }
        )


def control_content(request: HttpRequest) -> HttpResponse:
    """The bytes stored at ``?path=``."""
    with _lock:
        entry = _files.get(request.GET.get("path", "").lower())
    if entry is None:
        return JsonResponse({"error": "not_found"}, status=404)
    return HttpResponse(Path(entry["file"]).read_bytes(), content_type="application/octet-stream")


@csrf_exempt
def control_reset(request: HttpRequest) -> HttpResponse:
    with _lock:
        for entry in _files.values():
            Path(entry["file"]).unlink(missing_ok=True)
        _files.clear()
        _documents.clear()
        _subscriptions.clear()
        _requests.clear()
    return JsonResponse({"ok": True})


class ProviderApis:
    """The tests' view of these APIs on a running provider (``base_url`` is its origin)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")

    def reset(self) -> None:
        httpx.post(self.base_url + "/control/dropbox/reset/").raise_for_status()

    def state(self) -> dict[str, Any]:
        response = httpx.get(self.base_url + "/control/dropbox/")
        response.raise_for_status()
        return dict(response.json())

    def files(self) -> dict[str, dict[str, Any]]:
        """Stored Dropbox files by ``path_display``."""
        return {f["path_display"]: f for f in self.state()["files"]}

    def content(self, path: str) -> bytes:
        response = httpx.get(self.base_url + "/control/dropbox/content/", params={"path": path})
        response.raise_for_status()
        return response.content

    def requests(self, api: str | None = None) -> list[dict[str, Any]]:
        """Requests seen, oldest first; ``api`` is e.g. ``dropbox.upload`` or ``docs.create``."""
        seen = self.state()["requests"]
        return [r for r in seen if api is None or r["api"] == api]
