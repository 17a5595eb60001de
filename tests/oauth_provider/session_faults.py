"""Faults of the test provider's Dropbox upload sessions, for the retry and auth tests.

``POST /control/dropbox/sessions/faults/`` with ``{"faults": [...]}`` sets
them until the next reset (``ProviderApis.session_faults``). Each fault is
``{"step": "append_v2", "at": k, "times": n, "answer": ...}``: it hits the
k-th to (k+n-1)-th requests to that step (``start``, ``append_v2``,
``finish``; every request counts, whatever it is answered, counted since
the last reset; ``times`` defaults to 1). ``answer`` is one of:

* ``"429"``: Dropbox's ``too_many_requests`` rate limit, with
  ``Retry-After: <retry_after>`` when the fault gives one (seconds or a date);
* ``"503"``: a backend that is briefly down;
* ``"drop"``: the body is read, then the connection closed without an answer;
* ``"expire_token"``: every access token expires now, so this request (and
  any other with an old token) is answered 401 ``expired_access_token``;
* ``"revoke_grant"``: every refresh token is revoked (its access token with
  it, as django-oauth-toolkit does), as when the user removes the app's
  access: this request is answered 401 and the refresh ``invalid_grant``.

The first three answer in place of the step (its body drained, nothing
stored); the last two change the provider's tokens and let the step run.
"""

from __future__ import annotations

import json
import socket
import threading
from datetime import timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

__all__ = ["ANSWERS", "CONNECTION", "control", "reset", "take"]

ANSWERS = ("429", "503", "drop", "expire_token", "revoke_grant")
STEPS = ("start", "append_v2", "finish")
# The environ key under which serve.py hands a view its request's socket.
CONNECTION = "tests.connection"
CHUNK = 64 * 1024

_lock = threading.Lock()
_faults: list[dict[str, Any]] = []
_counts: dict[str, int] = {}


def reset() -> None:
    with _lock:
        _faults.clear()
        _counts.clear()


def _parse(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict) or raw.get("step") not in STEPS:
        raise ValueError(f"a fault needs a step among {STEPS}: {raw!r}")
    if raw.get("answer") not in ANSWERS:
        raise ValueError(f"a fault's answer is one of {ANSWERS}: {raw!r}")
    at, times = int(raw.get("at", 1)), int(raw.get("times", 1))
    if at < 1 or times < 1:
        raise ValueError(f"at and times count from 1: {raw!r}")
    retry_after = raw.get("retry_after")
    return {
        "step": raw["step"],
        "first": at,
        "last": at + times - 1,
        "answer": raw["answer"],
        "retry_after": None if retry_after is None else str(retry_after),
    }


@csrf_exempt
def control(request: HttpRequest) -> HttpResponse:
    """Replace the faults (see the module docstring); 400 names a malformed one."""
    try:
        faults = [_parse(raw) for raw in json.loads(request.body or b"{}").get("faults", [])]
    except (ValueError, AttributeError) as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    with _lock:
        _faults[:] = faults
        _counts.clear()
    return JsonResponse({"faults": faults})


def take(request: HttpRequest, step: str) -> HttpResponse | None:
    """Count this request to ``step``; the answer a fault gives in its place, or None."""
    with _lock:
        _counts[step] = count = _counts.get(step, 0) + 1
        fault = next(
            (f for f in _faults if f["step"] == step and f["first"] <= count <= f["last"]), None
        )
    if fault is None:
        return None
    answer = fault["answer"]
    if answer == "expire_token":
        _expire_access_tokens()
        return None
    if answer == "revoke_grant":
        _revoke_grants()
        return None
    _drain(request)
    if answer == "drop":
        connection: socket.socket = request.META[CONNECTION]
        connection.shutdown(socket.SHUT_RDWR)
        # What the view answers can no longer reach the client.
        return HttpResponse(status=500)
    if answer == "429":
        response = JsonResponse(
            {
                "error_summary": "too_many_requests/..",
                "error": {"reason": {".tag": "too_many_requests"}},
            },
            status=429,
        )
        if fault["retry_after"] is not None:
            response["Retry-After"] = fault["retry_after"]
        return response
    return HttpResponse("Service Unavailable", status=503, content_type="text/plain")


def _drain(request: HttpRequest) -> None:
    while request.read(CHUNK):
        pass


def _expire_access_tokens() -> None:
    from oauth2_provider.models import AccessToken

    AccessToken.objects.update(expires=timezone.now() - timedelta(seconds=1))


def _revoke_grants() -> None:
    from oauth2_provider.models import RefreshToken

    for token in RefreshToken.objects.filter(revoked__isnull=True):
        token.revoke()
