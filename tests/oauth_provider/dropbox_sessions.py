"""Dropbox's upload sessions on the test provider: files larger than one request takes.

* ``POST /2/files/upload_session/start`` (arg ``{"close"}``, the first bytes)
  answers ``{"session_id"}``;
* ``POST /2/files/upload_session/append_v2`` (arg ``{"cursor": {"session_id",
  "offset"}, "close"}``) adds its body at ``offset`` and answers ``null``;
* ``POST /2/files/upload_session/finish`` (arg ``{"cursor", "commit"}``, the
  last bytes) stores the file where ``commit`` (an ``UploadArg`` without
  ``content_hash``) says, under the rules of ``files/upload``, and answers
  its metadata.

Each takes the same token as ``files/upload`` and at most ``max_request_bytes``
of body (409 ``payload_too_large``). An offset other than the one the session
holds is answered, as Dropbox does, 409 ``incorrect_offset`` with
``correct_offset`` (nested under ``lookup_failed`` for ``finish``); an unknown
session is ``not_found``. Sessions' bytes are files in the provider's
storage folder, appended as they stream in.

Fault, for tests (``ProviderApis.incorrect_offset``): ``{"at_append": k,
"hold": n}`` makes the k-th ``append_v2`` find its session holding only its
first ``n`` bytes (the rest lost), so it answers ``incorrect_offset`` with
``n`` and the client must go on from there. Rate limits, 503s, dropped
connections and tokens expired or revoked mid-session are
``tests.oauth_provider.session_faults`` (``ProviderApis.session_faults``).

Expiry, for tests (``ProviderApis.expire_sessions``): ``{"at_appends": [k,
...]}`` makes each k-th ``append_v2`` (counted since the reset) find its
session gone, as an expired one is (``not_found``); ``{"now": true}`` expires
every session open now (a job that waits to resume finds its session gone).
Slow appends (``ProviderApis.slow_appends``): ``{"append_delay_s": s}`` makes
each ``append_v2`` wait ``s`` seconds after storing its bytes, before it
answers, so that a test can stop a client mid-upload.

Pause, for tests that look at an upload midway (``ProviderApis.pause`` /
``release``): ``{"at_append": k}`` makes the k-th ``append_v2`` wait, before
reading its body, until released (or ``PAUSE_MAX_S`` passed), so the bytes
of the steps before it are stored and confirmed and the upload stands still.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
import time
from pathlib import Path
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from tests.fakes.dropbox import (
    BLOCK,
    SCOPE,
    Answer,
    auth_error,
    check_content_type,
    conflict,
    metadata,
    parse_upload_arg,
)
from tests.oauth_provider import dropbox, session_faults

__all__ = [
    "append",
    "control_expire",
    "control_fault",
    "control_pause",
    "control_release",
    "control_reset",
    "control_slow",
    "finish",
    "start",
]

# A paused append gives up waiting after this: a test that forgot to release never hangs.
PAUSE_MAX_S = 120.0

_sessions: dict[str, dict[str, Any]] = {}
_fault: dict[str, int] = {}
_appends = [0]  # append_v2 calls since the last reset
_expire_at: set[int] = set()  # append_v2 calls that find their session expired
_append_delay_s = [0.0]
_pause: dict[str, Any] = {}  # {"at_append": k, "released": threading.Event()}


def _answer(request: HttpRequest, step: str, answer: Answer | None, raw_arg: str) -> HttpResponse:
    response = (
        HttpResponse("null", content_type="application/json")
        if answer is None
        else JsonResponse(answer.body, status=answer.status)
    )
    size = int(request.META.get("CONTENT_LENGTH") or 0)
    return dropbox._log(request, f"dropbox.upload_session.{step}", response, arg=raw_arg, size=size)


def _faulted(request: HttpRequest, step: str, response: HttpResponse, raw_arg: str) -> HttpResponse:
    """Log the answer a fault gave in place of the step (``session_faults``)."""
    size = int(request.META.get("CONTENT_LENGTH") or 0)
    api = f"dropbox.upload_session.{step}"
    return dropbox._log(request, api, response, arg=raw_arg, size=size, fault=True)


def _refused(request: HttpRequest) -> Answer | None:
    """The answer for a request Dropbox would refuse before reading it, else None."""
    if request.method != "POST":
        return Answer(405, {"error_summary": "method_not_allowed/"})
    problem = dropbox._check_token(request, "Bearer", SCOPE)
    if problem is not None:
        return auth_error(problem.tag)
    wrong_type = check_content_type(request.META.get("CONTENT_TYPE", ""))
    if wrong_type is not None:
        return wrong_type
    if not request.META.get("CONTENT_LENGTH"):
        return Answer(411, {"error_summary": "length_required/"})
    if dropbox.too_large(request):
        return dropbox.payload_too_large()
    return None


def _arg(raw: str) -> dict[str, Any] | Answer:
    try:
        arg = json.loads(raw)
    except ValueError:
        arg = None
    if not isinstance(arg, dict):
        error = {".tag": "bad_input", "field": "Dropbox-API-Arg"}
        return Answer(400, {"error_summary": "bad_input/..", "error": error})
    return arg


def _append_body(request: HttpRequest, target: Path) -> int:
    """Stream the body onto the end of ``target``; the bytes written."""
    written = 0
    with target.open("ab") as out:
        while chunk := request.read(dropbox.CHUNK):
            out.write(chunk)
            written += len(chunk)
    return written


def _drain(request: HttpRequest) -> None:
    while request.read(dropbox.CHUNK):
        pass


def _cursor(arg: dict[str, Any]) -> dict[str, Any]:
    cursor = arg.get("cursor")
    return cursor if isinstance(cursor, dict) else {}


def _lookup(arg: dict[str, Any], *, in_finish: bool) -> tuple[dict[str, Any] | None, Answer | None]:
    """The session the cursor names at the offset it holds, or the error answer."""
    cursor = _cursor(arg)
    session = _sessions.get(str(cursor.get("session_id")))
    error: dict[str, Any] | None = None
    if session is None:
        error = {".tag": "not_found"}
    elif cursor.get("offset") != session["held"]:
        error = {".tag": "incorrect_offset", "correct_offset": session["held"]}
    if error is None:
        return session, None
    summary = f"{error['.tag']}/.."
    if in_finish:
        error, summary = (
            {".tag": "lookup_failed", "lookup_failed": error},
            "lookup_failed/" + summary,
        )
    return None, Answer(409, {"error_summary": summary, "error": error})


def _open_step(request: HttpRequest, step: str) -> tuple[str, dict[str, Any]] | HttpResponse:
    """A step's raw and parsed ``Dropbox-API-Arg``, or the answer that ends it first:
    an injected fault, a request Dropbox refuses unread, an unreadable argument."""
    raw_arg = request.META.get("HTTP_DROPBOX_API_ARG", "")
    fault = session_faults.take(request, step)
    if fault is not None:
        return _faulted(request, step, fault, raw_arg)
    refused = _refused(request)
    if refused is not None:
        return _answer(request, step, refused, raw_arg)
    arg = _arg(raw_arg)
    if isinstance(arg, Answer):
        return _answer(request, step, arg, raw_arg)
    return raw_arg, arg


@csrf_exempt
def start(request: HttpRequest) -> HttpResponse:
    opened = _open_step(request, "start")
    if isinstance(opened, HttpResponse):
        return opened
    raw_arg, _ = opened
    session_id = "pid_upload_session:" + secrets.token_urlsafe(24)
    target = dropbox._storage() / f"session-{secrets.token_hex(8)}"
    held = _append_body(request, target)
    with dropbox._lock:
        _sessions[session_id] = {"file": target, "held": held}
    return _answer(request, "start", Answer(200, {"session_id": session_id}), raw_arg)


@csrf_exempt
def append(request: HttpRequest) -> HttpResponse:
    opened = _open_step(request, "append_v2")
    if isinstance(opened, HttpResponse):
        return opened
    raw_arg, arg = opened
    with dropbox._lock:
        _appends[0] += 1
        count = _appends[0]
        paused = _pause.get("released") if _pause.get("at_append") == count else None
    if paused is not None:
        paused.wait(PAUSE_MAX_S)
    with dropbox._lock:
        _inject_fault(arg, count)
        if count in _expire_at:
            _forget(str(_cursor(arg).get("session_id")))
        session, error = _lookup(arg, in_finish=False)
    if error is not None or session is None:
        _drain(request)
        return _answer(request, "append_v2", error, raw_arg)
    session["held"] += _append_body(request, session["file"])
    if _append_delay_s[0]:
        time.sleep(_append_delay_s[0])
    return _answer(request, "append_v2", None, raw_arg)


def _forget(session_id: str) -> None:
    """The session expires: its id is unknown from now on (call under the lock)."""
    session = _sessions.pop(session_id, None)
    if session is not None:
        session["file"].unlink(missing_ok=True)


def _inject_fault(arg: dict[str, Any], count: int) -> None:
    """The ``incorrect_offset`` fault at the ``count``-th append: the session loses
    what it held past ``hold``."""
    if _fault.get("at_append") != count:
        return
    session = _sessions.get(str(_cursor(arg).get("session_id")))
    if session is not None:
        session["held"] = min(session["held"], _fault["hold"])
        with session["file"].open("r+b") as handle:
            handle.truncate(session["held"])


def _hashes(path: Path) -> tuple[int, str, str]:
    """Size, sha256 and Dropbox content hash of a stored file, read in blocks."""
    digest = hashlib.sha256()
    blocks: list[bytes] = []
    size = 0
    with path.open("rb") as handle:
        while block := handle.read(BLOCK):
            digest.update(block)
            blocks.append(hashlib.sha256(block).digest())
            size += len(block)
    return size, digest.hexdigest(), hashlib.sha256(b"".join(blocks)).hexdigest()


@csrf_exempt
def finish(request: HttpRequest) -> HttpResponse:
    opened = _open_step(request, "finish")
    if isinstance(opened, HttpResponse):
        return opened
    raw_arg, arg = opened
    commit = parse_upload_arg(json.dumps(arg.get("commit")))
    if isinstance(commit, Answer):
        _drain(request)
        return _answer(request, "finish", commit, raw_arg)
    with dropbox._lock:
        session, error = _lookup(arg, in_finish=True)
    if error is not None or session is None:
        _drain(request)
        return _answer(request, "finish", error, raw_arg)
    _append_body(request, session["file"])
    size, sha256, chash = _hashes(session["file"])
    with dropbox._lock:
        _sessions.pop(str(arg["cursor"]["session_id"]), None)
        entry = dropbox._files.place(commit, size, sha256, chash)
        if entry is not None:
            stored = dropbox._storage() / hashlib.sha256(entry["path_lower"].encode()).hexdigest()
            session["file"].replace(stored)
            entry["file"] = str(stored)
    if entry is None:
        session["file"].unlink()
        return _answer(request, "finish", conflict(), raw_arg)
    return _answer(request, "finish", Answer(200, metadata(entry)), raw_arg)


@csrf_exempt
def control_fault(request: HttpRequest) -> HttpResponse:
    """``{"at_append": k, "hold": n}``: see the module docstring."""
    body = json.loads(request.body)
    with dropbox._lock:
        _fault.clear()
        _fault.update(at_append=int(body["at_append"]), hold=int(body["hold"]))
    return JsonResponse(dict(_fault))


@csrf_exempt
def control_pause(request: HttpRequest) -> HttpResponse:
    """``{"at_append": k}``: see the module docstring."""
    at_append = int(json.loads(request.body)["at_append"])
    with dropbox._lock:
        _release()
        _pause.update(at_append=at_append, released=threading.Event())
    return JsonResponse({"at_append": at_append})


@csrf_exempt
def control_release(request: HttpRequest) -> HttpResponse:
    with dropbox._lock:
        _release()
    return JsonResponse({"ok": True})


def _release() -> None:
    released = _pause.pop("released", None)
    if released is not None:
        released.set()
    _pause.clear()


@csrf_exempt
def control_expire(request: HttpRequest) -> HttpResponse:
    """``{"at_appends": [k, ...]}`` or ``{"now": true}``: see the module docstring."""
    body = json.loads(request.body)
    with dropbox._lock:
        _expire_at.update(int(k) for k in body.get("at_appends", ()))
        expired = list(_sessions) if body.get("now") else []
        for session_id in expired:
            _forget(session_id)
    return JsonResponse({"expired": len(expired), "at_appends": sorted(_expire_at)})


@csrf_exempt
def control_slow(request: HttpRequest) -> HttpResponse:
    """``{"append_delay_s": s}``: see the module docstring."""
    _append_delay_s[0] = float(json.loads(request.body)["append_delay_s"])
    return JsonResponse({"append_delay_s": _append_delay_s[0]})


@csrf_exempt
def control_reset(request: HttpRequest) -> HttpResponse:
    with dropbox._lock:
        _release()
        for session in _sessions.values():
            session["file"].unlink(missing_ok=True)
        _sessions.clear()
        _fault.clear()
        _expire_at.clear()
        _append_delay_s[0] = 0.0
        _appends[0] = 0
    session_faults.reset()
    return JsonResponse({"ok": True})
