"""The sign-in rate limit, shared by the token, browser and admin logins.

    LoginRateThrottle            the token login's DRF throttle
    login_rate_limited(view)     the same budget around an HTML sign-in view

They count every attempt, right or wrong, against one budget per client
address (``BRACE_LOGIN_RATE``, e.g. ``20/min``), kept in Django's cache: a
script guessing passwords through one door cannot switch to another. The
address is ``REMOTE_ADDR``, or the proxy's ``X-Forwarded-For`` entry when
``BRACE_BEHIND_PROXY`` is set (DRF's ``NUM_PROXIES``), so a client cannot
pick its own by sending the header.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from rest_framework.throttling import SimpleRateThrottle

View = Callable[..., HttpResponseBase]


class LoginRateThrottle(SimpleRateThrottle):
    scope = "login"

    def get_rate(self) -> str:
        return str(settings.BRACE_LOGIN_RATE)

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def login_rate_limited(view: View) -> View:
    """A sign-in view under the token login's rate limit.

    A throttled attempt is not checked at all: the answer is 429 with the
    wait, whatever the password, so it says nothing about it. Wraps Django's
    login page and the admin's.
    """

    @wraps(view)
    def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method == "POST":
            throttle = LoginRateThrottle()
            # DRF's throttles are typed for its own Request and a view; this one
            # reads only `request.META` (get_ident) and no view (get_cache_key).
            if not throttle.allow_request(request, None):  # type: ignore[arg-type]
                wait = max(1, math.ceil(throttle.wait() or 1))
                response = render(
                    request,
                    "registration/throttled.html",
                    {"wait": wait, "retry_url": request.get_full_path()},
                    status=429,
                )
                response["Retry-After"] = str(wait)
                return response
        return view(request, *args, **kwargs)

    return limited
