"""Confirming a query before it runs: one-time tokens the portal sends back after the dialog.

    tokens = request_confirmations(user, page_id, "Button1.onClick", ["Upload"])
    # [{"action": "Upload", "token": "…", "code": "confirmation_required",
    #   "message": "Run Upload?"}]
    confirmed = redeem(user, page_id, "Button1.onClick", {"Upload": "…"})   # {"Upload"}

A query whose config sets `confirm_before_run` runs in the portal only after
the end user confirmed it. The server does not run such a query on its own
word: an event (or a page load) that would run it without a confirmation
runs nothing and answers the tokens to ask with (`confirm` in the answer);
the portal shows "Run Upload?", and on Confirm sends the same event again
with `confirm: {"Upload": token}`, on Cancel with `cancel: ["Upload"]` (the
handler's `Upload.run()` then rejects with "Upload was cancelled").

A token is random, single use, short-lived (CONFIRMATION_TTL_S) and bound to
the user, the page, the handler (`Widget.event`, or `pageLoad`) and the
query: a token for one button is no use for another. It is kept in the cache
(Redis in production), so any web process can redeem it; redeeming deletes
it, and only the request whose delete succeeded may use it.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import User
from django.core.cache import cache

from builder.errors import Invalid

__all__ = [
    "CONFIRMATION_TTL_S",
    "PAGE_LOAD",
    "confirm_message",
    "redeem",
    "request_confirmations",
]

CONFIRMATION_TTL_S = 600
# The handler key of the page-load run (events use "Widget.event").
PAGE_LOAD = "pageLoad"
_PREFIX = "brace:confirm:"


def confirm_message(action: str) -> str:
    return f"Run {action}?"


def request_confirmations(
    user: User, page_id: int, handler: str, actions: Iterable[str]
) -> list[dict[str, str]]:
    """A fresh token per query to confirm: the answer's `confirm` list."""
    asked = []
    for action in actions:
        token = secrets.token_urlsafe(24)
        record = {"user": user.pk, "page": page_id, "handler": handler, "action": action}
        cache.set(_PREFIX + token, record, timeout=CONFIRMATION_TTL_S)
        asked.append(
            {
                "action": action,
                "token": token,
                "code": "confirmation_required",
                "message": confirm_message(action),
            }
        )
    return asked


def redeem(user: User, page_id: int, handler: str, confirm: Mapping[str, Any]) -> frozenset[str]:
    """The queries whose tokens are good for this run; each token is used up.

    400 `invalid_confirmation` naming `confirm.<query>` for a token that is
    unknown, expired, used already, or given for another user, page,
    handler or query.
    """
    confirmed = set()
    for action, token in confirm.items():
        expected = {"user": user.pk, "page": page_id, "handler": handler, "action": action}
        key = _PREFIX + token if isinstance(token, str) and token else None
        if key is None or cache.get(key) != expected or not cache.delete(key):
            raise Invalid(
                f"The confirmation of {action} is not valid here: it expired, was used "
                "already, or was given for another run. Run it again to be asked again.",
                code="invalid_confirmation",
                field=f"confirm.{action}",
            )
        confirmed.add(action)
    return frozenset(confirmed)
