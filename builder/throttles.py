"""Rate limits: sign-ins per client address, portal actions per user.

    LoginRateThrottle            the token login's DRF throttle
    login_rate_limited(view)     the same budget around an HTML sign-in view
    PortalEventRateThrottle      portal events and page loads, per user
    too_many_actions(wait)       the error a throttled portal request answers

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

from builder.errors import TooMany

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


class PortalEventRateThrottle(SimpleRateThrottle):
    """``BRACE_PORTAL_EVENT_RATE`` portal events and page loads per user (e.g. ``120/min``).

    One budget per user for both, whatever the page or app: it bounds the
    queries and handlers one account can make Brace run. Counted in Django's
    cache, so that it holds across web processes: Redis in production; the
    embedded default's file cache is shared by the processes of one machine.
    DRF's throttle reads then writes the count, so requests that arrive at the
    same instant may each pass: a bound on sustained load, not an exact quota.
    """

    scope = "portal_event"

    def get_rate(self) -> str:
        return str(settings.BRACE_PORTAL_EVENT_RATE)

    def get_cache_key(self, request: Any, view: Any) -> str:
        user = request.user
        ident = f"user-{user.pk}" if user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


def too_many_actions(wait: float | None) -> TooMany:
    """429 `too_many_actions`, with the wait in the portal's words and in `Retry-After`."""
    seconds = max(1, math.ceil(wait or 1))
    unit = "second" if seconds == 1 else "seconds"
    return TooMany(
        f"Too many actions at once. Try again in {seconds} {unit}.",
        code="too_many_actions",
        retry_after=seconds,
    )
