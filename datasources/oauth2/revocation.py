"""Token revocation (RFC 7009 §2.1).

The client authenticates as at the token endpoint. §2.2: the provider answers
200 even for an unknown token, so any 2xx counts as revoked.
"""

from __future__ import annotations

import httpx

from datasources.oauth2.token_request import ClientAuth, build_request


def revocation_params(token: str, *, hint: str) -> dict[str, str]:
    return {"token": token, "token_type_hint": hint}


def build_revocation_request(
    url: str, token: str, *, hint: str, client: ClientAuth
) -> httpx.Request:
    return build_request(url, revocation_params(token, hint=hint), client)
