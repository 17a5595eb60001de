"""How long the test provider's access tokens live: 5 minutes unless a test says less.

django-oauth-toolkit takes a callable for ``ACCESS_TOKEN_EXPIRE_SECONDS``
(oauthlib calls it per token), so ``/control/lifetime/`` can shorten the
lifetime of the tokens issued from then on, e.g. to 6 seconds, without
restarting the provider; ``/control/reset/`` restores the default.
"""

from __future__ import annotations

import threading
from typing import Any

DEFAULT_ACCESS_TOKEN_S = 300

_lock = threading.Lock()
_access_token_s = DEFAULT_ACCESS_TOKEN_S


def access_token_expires_in(request: Any = None) -> int:
    """The ``expires_in`` of the next access token (the oauthlib request is unused)."""
    with _lock:
        return _access_token_s


def set_access_token_lifetime(seconds: int | None) -> int:
    """Tokens issued from now on live ``seconds`` (the default for None); the new value."""
    global _access_token_s
    with _lock:
        _access_token_s = DEFAULT_ACCESS_TOKEN_S if seconds is None else int(seconds)
        return _access_token_s
