"""The client credentials grant (RFC 6749 §4.4.2).

No refresh token is issued for this grant (§4.4.3), so a token is fetched
again when it expires or is rejected.
"""

from __future__ import annotations

from collections.abc import Sequence


def token_params(
    *, scopes: Sequence[str] = (), audience: str = "", resource: str = ""
) -> dict[str, str]:
    params = {"grant_type": "client_credentials"}
    if scopes:
        params["scope"] = " ".join(scopes)
    if audience:
        params["audience"] = audience
    if resource:
        params["resource"] = resource
    return params
