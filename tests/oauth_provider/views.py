"""The test provider's own views: a protected API, and controls for tests.

* ``/o/token/`` wraps django-oauth-toolkit's token view: it records every
  request (grant type, client, how the client authenticated, scope) so tests
  can count refreshes, and applies the current fault mode.
* ``/api/me/`` is a protected resource (RFC 6750): 401 unless the bearer
  token is valid; answers who the token belongs to.
* ``/api/deny/`` answers 401 to everything.
* ``/api/echo/`` answers the Authorization and X-Api-Key headers and the query.
* ``/control/*`` lets a test set the mode, read the token requests, expire
  every access token and set how long new ones live. Loopback test server only.

Fault modes for the token endpoint: ``ok``; ``error_500`` (answers 500);
``slow`` (waits ``delay_s`` first); ``bare`` (drops ``expires_in`` and
``refresh_token`` from successful answers, like providers that send neither).
"""

from __future__ import annotations

import base64
import json
import threading
import time
from datetime import timedelta
from typing import Any
from urllib.parse import unquote_plus

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.models import AccessToken
from oauth2_provider.oauth2_backends import get_oauthlib_core
from oauth2_provider.views import TokenView

from tests.oauth_provider import lifetimes

_lock = threading.Lock()
_state: dict[str, Any] = {"mode": "ok", "delay_s": 0.0, "token_requests": []}
_token_view = TokenView.as_view()


def _client_of(request: HttpRequest) -> tuple[str, str]:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header.startswith("Basic "):
        decoded = base64.b64decode(header[6:]).decode("utf-8")
        return unquote_plus(decoded.split(":", 1)[0]), "basic"
    if request.POST.get("client_secret"):
        return request.POST.get("client_id", ""), "body"
    return request.POST.get("client_id", ""), "none"


@csrf_exempt
def token(request: HttpRequest) -> HttpResponse:
    client_id, client_auth = _client_of(request)
    with _lock:
        _state["token_requests"].append(
            {
                "grant_type": request.POST.get("grant_type", ""),
                "client_id": client_id,
                "client_auth": client_auth,
                "scope": request.POST.get("scope"),
                "code_verifier": bool(request.POST.get("code_verifier")),
            }
        )
        mode, delay = _state["mode"], _state["delay_s"]
    if mode == "error_500":
        return HttpResponse("upstream exploded", status=500, content_type="text/plain")
    if mode == "slow":
        time.sleep(delay)
    response = _token_view(request)
    if mode == "bare" and response.status_code == 200:
        data = json.loads(response.content)
        data.pop("expires_in", None)
        data.pop("refresh_token", None)
        return JsonResponse(data)
    return response


@csrf_exempt
def me(request: HttpRequest) -> HttpResponse:
    valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=[])
    if not valid:
        response = JsonResponse({"error": "invalid_token"}, status=401)
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response
    token_obj = oauth_request.access_token
    return JsonResponse(
        {
            "username": token_obj.user.username if token_obj.user else None,
            "client_id": token_obj.application.client_id,
            "scope": token_obj.scope,
        }
    )


def echo(request: HttpRequest) -> HttpResponse:
    """What arrived: for checking how static credentials are attached."""
    return JsonResponse(
        {
            "authorization": request.META.get("HTTP_AUTHORIZATION", ""),
            "x_api_key": request.META.get("HTTP_X_API_KEY", ""),
            "query": dict(request.GET.items()),
        }
    )


def deny(request: HttpRequest) -> HttpResponse:
    """An API that rejects every token, valid or not."""
    return JsonResponse({"error": "invalid_token"}, status=401)


def health(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"ok": True})


@csrf_exempt
def control_reset(request: HttpRequest) -> HttpResponse:
    with _lock:
        _state.update(mode="ok", delay_s=0.0, token_requests=[])
    lifetimes.set_access_token_lifetime(None)
    return JsonResponse({"ok": True})


@csrf_exempt
def control_mode(request: HttpRequest) -> HttpResponse:
    body = json.loads(request.body or b"{}")
    with _lock:
        _state["mode"] = body.get("mode", "ok")
        _state["delay_s"] = float(body.get("delay_s", 0.0))
    return JsonResponse({"mode": _state["mode"]})


def control_token_requests(request: HttpRequest) -> HttpResponse:
    with _lock:
        return JsonResponse({"token_requests": list(_state["token_requests"])})


@csrf_exempt
def control_expire(request: HttpRequest) -> HttpResponse:
    """Expire every access token now, so the next API call answers 401."""
    count = AccessToken.objects.update(expires=timezone.now() - timedelta(seconds=1))
    return JsonResponse({"expired": count})


@csrf_exempt
def control_lifetime(request: HttpRequest) -> HttpResponse:
    """Access tokens issued from now on live ``access_token_s`` seconds (reset: 5 minutes)."""
    body = json.loads(request.body or b"{}")
    seconds = lifetimes.set_access_token_lifetime(body.get("access_token_s"))
    return JsonResponse({"access_token_s": seconds})
