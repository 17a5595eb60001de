"""Refreshing an access token (RFC 6749 §6).

``scope`` is optional on refresh and some providers reject it, so it is sent
only when the datasource asks for it. Whether a new refresh token came back is
decided by the caller: §6 lets the provider rotate it or not.
"""

from __future__ import annotations

from collections.abc import Sequence


def refresh_params(
    refresh_token: str, *, scopes: Sequence[str] = (), send_scope: bool = False
) -> dict[str, str]:
    params = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    if send_scope and scopes:
        params["scope"] = " ".join(scopes)
    return params
