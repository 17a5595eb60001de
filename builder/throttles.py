"""The sign-in rate limit, shared by the token, browser and admin logins.

They count every attempt, right or wrong, against one budget per client
address (``BRACE_LOGIN_RATE``, e.g. ``20/min``), kept in Django's cache: a
script guessing passwords through one door cannot switch to another. The
address is ``REMOTE_ADDR``, or the proxy's ``X-Forwarded-For`` entry when
``BRACE_BEHIND_PROXY`` is set (DRF's ``NUM_PROXIES``), so a client cannot
pick its own by sending the header.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class LoginRateThrottle(SimpleRateThrottle):
    scope = "login"

    def get_rate(self) -> str:
        return str(settings.BRACE_LOGIN_RATE)

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
