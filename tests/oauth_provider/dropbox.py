"""Provider-shaped APIs on the test provider's origin: Dropbox, Google Docs, Zoho Campaigns.

The datasource kind Brace ships must serve all three (DESIGN.md), so each is
mimicked closely enough that a wrong header, prefix or body shape fails the
way the real API would. Every call needs an access token issued by this
provider (django-oauth-toolkit), checked like ``/api/me/``:

* ``POST /2/files/upload`` is Dropbox's ``files/upload`` (content.dropboxapi.com),
  with the argument checks, conflict rules, metadata and errors of
  ``tests.fakes.dropbox`` (which the in-process fakes share). The body is the
  file's bytes; the token must carry scope ``files.content.write``, else 401
  ``expired_access_token`` / ``invalid_access_token`` / ``missing_scope``.
  A body over 150 MiB (``max_request_bytes``, lowered by tests through
  ``ProviderApis.limit``) is answered as Dropbox does, 409
  ``payload_too_large``, unread. Larger files go through upload sessions,
  ``POST /2/files/upload_session/{start,append_v2,finish}``
  (``tests.oauth_provider.dropbox_sessions``).
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
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from tests.fakes.dropbox import (
    BLOCK,
    SCOPE,
    Answer,
    Files,
    auth_error,
    check_content_type,
    conflict,
    content_hash_mismatch,
    metadata,
    parse_upload_arg,
)

__all__ = [
    "ProviderApis",
    "batch_update_document",
    "control",
    "control_content",
    "control_limits",
    "control_reset",
    "create_document",
    "payload_too_large",
    "too_large",
    "upload",
    "zoho_list_subscribe",
]

WRITE_SCOPE = "write"
CHUNK = 64 * 1024
# Dropbox's cap on one request's body, single upload or session step.
MAX_REQUEST_BYTES = 150 * 1024 * 1024

_lock = threading.RLock()  # views log while holding it
_files = Files(lock=_lock)  # each entry also names the file holding its bytes
_documents: dict[str, dict[str, Any]] = {}
_subscriptions: list[dict[str, Any]] = []
_requests: list[dict[str, Any]] = []
_limits = {"max_request_bytes": MAX_REQUEST_BYTES}
_ACCOUNT = "tests.provider_account"


def _storage() -> Path:
    from django.conf import settings

    folder = Path(settings.DATABASES["default"]["NAME"]).parent / "dropbox-files"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


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


def _json(answer: Answer) -> JsonResponse:
    return JsonResponse(answer.body, status=answer.status)


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
                take = chunk[: BLOCK - in_block]
                block.update(take)
                in_block += len(take)
                chunk = chunk[len(take) :]
                if in_block == BLOCK:
                    blocks.append(block.digest())
                    block, in_block = hashlib.sha256(), 0
    if in_block:
        blocks.append(block.digest())
    return size, digest.hexdigest(), hashlib.sha256(b"".join(blocks)).hexdigest()


def payload_too_large() -> Answer:
    """Dropbox's answer to a body over its per-request cap (``UploadError.payload_too_large``)."""
    error = {".tag": "payload_too_large"}
    return Answer(409, {"error_summary": "payload_too_large/..", "error": error})


def too_large(request: HttpRequest) -> bool:
    """Whether the body is over the cap; it is then drained unread, as Dropbox refuses it."""
    if int(request.META.get("CONTENT_LENGTH") or 0) <= _limits["max_request_bytes"]:
        return False
    while request.read(CHUNK):
        pass
    return True


@csrf_exempt
def upload(request: HttpRequest) -> HttpResponse:
    """Dropbox's ``POST /2/files/upload``."""
    raw_arg = request.META.get("HTTP_DROPBOX_API_ARG", "")
    if request.method != "POST":
        return _log(request, "dropbox.upload", HttpResponse(status=405), arg=raw_arg)
    problem = _check_token(request, "Bearer", SCOPE)
    if problem is not None:
        return _log(request, "dropbox.upload", _json(auth_error(problem.tag)), arg=raw_arg)
    wrong_type = check_content_type(request.META.get("CONTENT_TYPE", ""))
    if wrong_type is not None:
        return _log(request, "dropbox.upload", _json(wrong_type), arg=raw_arg)
    if not request.META.get("CONTENT_LENGTH"):
        # The provider runs on wsgiref, which cannot read a chunked body.
        fault = JsonResponse({"error_summary": "length_required/"}, status=411)
        return _log(request, "dropbox.upload", fault, arg=raw_arg)
    if too_large(request):
        return _log(request, "dropbox.upload", _json(payload_too_large()), arg=raw_arg)
    arg = parse_upload_arg(raw_arg)
    if isinstance(arg, Answer):
        return _log(request, "dropbox.upload", _json(arg), arg=raw_arg)
    incoming = _storage() / f"incoming-{secrets.token_hex(8)}"
    size, sha256, chash = _read_body(request, incoming)
    if arg.get("content_hash") not in (None, chash):
        incoming.unlink()
        return _log(request, "dropbox.upload", _json(content_hash_mismatch()), arg=raw_arg)
    with _lock:
        entry = _files.place(arg, size, sha256, chash)
        if entry is not None:
            stored = _storage() / hashlib.sha256(entry["path_lower"].encode()).hexdigest()
            incoming.replace(stored)  # the same bytes when an identical file was re-sent
            entry["file"] = str(stored)
    if entry is None:
        incoming.unlink()
        return _log(request, "dropbox.upload", _json(conflict()), arg=raw_arg)
    return _log(request, "dropbox.upload", JsonResponse(metadata(entry)), arg=raw_arg)


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
            {**metadata(entry), "sha256": entry["sha256"], "mute": entry["mute"]}
            for entry in _files.entries.values()
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
        entry = _files.entries.get(request.GET.get("path", "").lower())
    if entry is None:
        return JsonResponse({"error": "not_found"}, status=404)
    return HttpResponse(Path(entry["file"]).read_bytes(), content_type="application/octet-stream")


@csrf_exempt
def control_reset(request: HttpRequest) -> HttpResponse:
    with _lock:
        for entry in _files.entries.values():
            Path(entry["file"]).unlink(missing_ok=True)
        _files.entries.clear()
        _limits["max_request_bytes"] = MAX_REQUEST_BYTES
        _documents.clear()
        _subscriptions.clear()
        _requests.clear()
    return JsonResponse({"ok": True})


@csrf_exempt
def control_limits(request: HttpRequest) -> HttpResponse:
    """``{"max_request_bytes": N}``: the per-request cap until the next reset."""
    with _lock:
        _limits["max_request_bytes"] = int(json.loads(request.body)["max_request_bytes"])
    return JsonResponse(dict(_limits))


class ProviderApis:
    """The tests' view of these APIs on a running provider (``base_url`` is its origin)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")

    def reset(self) -> None:
        httpx.post(self.base_url + "/control/dropbox/reset/").raise_for_status()
        httpx.post(self.base_url + "/control/dropbox/sessions/reset/").raise_for_status()

    def limit(self, max_request_bytes: int) -> None:
        """Lower Dropbox's 150 MiB per-request cap (until the next reset)."""
        url = self.base_url + "/control/dropbox/limits/"
        httpx.post(url, json={"max_request_bytes": max_request_bytes}).raise_for_status()

    def incorrect_offset(self, *, at_append: int, hold: int) -> None:
        """Make the ``at_append``-th ``append_v2`` find the session holding ``hold`` bytes."""
        url = self.base_url + "/control/dropbox/sessions/fault/"
        httpx.post(url, json={"at_append": at_append, "hold": hold}).raise_for_status()

    def expire_sessions(self, *, at_appends: tuple[int, ...] = (), now: bool = False) -> int:
        """Expire upload sessions: at the given ``append_v2`` calls, and/or all open ``now``."""
        url = self.base_url + "/control/dropbox/sessions/expire/"
        response = httpx.post(url, json={"at_appends": list(at_appends), "now": now})
        response.raise_for_status()
        return int(response.json()["expired"])

    def slow_appends(self, seconds: float) -> None:
        """Make each ``append_v2`` answer ``seconds`` after it stored its bytes."""
        url = self.base_url + "/control/dropbox/sessions/slow/"
        httpx.post(url, json={"append_delay_s": seconds}).raise_for_status()

    def session_faults(self, *faults: dict[str, Any]) -> None:
        """Faults of the session steps until the next reset (``session_faults`` says which)."""
        url = self.base_url + "/control/dropbox/sessions/faults/"
        httpx.post(url, json={"faults": list(faults)}).raise_for_status()

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
