"""The deployment's outbound policy, and the guarded client for token calls.

Token, refresh and revocation URLs are typed in by users, so their calls obey
the same policy as queries: ``outbound_policy`` reads it from the settings
(one reading for every outbound call Brace makes; the query executor is built
on it too). Link-local and cloud metadata addresses are refused always;
private and loopback addresses only when BRACE_OUTBOUND_ALLOW_PRIVATE is on.
"""

from __future__ import annotations

import httpx
from django.conf import settings

from outbound import BlockedAddressError, GuardedTransport, OutboundPolicy

__all__ = ["TokenTransport", "http_client", "outbound_policy"]


def outbound_policy() -> OutboundPolicy:
    """The policy the settings ask for (BRACE_OUTBOUND_ALLOW_PRIVATE, BRACE_QUERY_MAX_REDIRECTS)."""
    allow_private = bool(settings.BRACE_OUTBOUND_ALLOW_PRIVATE)
    return OutboundPolicy(
        allow_loopback=allow_private,
        allow_private=allow_private,
        max_redirects=int(settings.BRACE_QUERY_MAX_REDIRECTS),
    )


class TokenTransport(GuardedTransport):
    """The guarded transport for OAuth token calls.

    A refused address surfaces as httpx.ConnectError, the error the wire
    level (``datasources.oauth2``) already turns into a readable "provider
    unreachable" failure; so that level works over any httpx client.
    """

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return super().handle_request(request)
        except BlockedAddressError as exc:
            raise httpx.ConnectError(
                f"Refused by the outbound policy: {exc}", request=request
            ) from exc


def http_client() -> httpx.Client:
    """The client for token, refresh and revocation calls, under ``outbound_policy()``."""
    return httpx.Client(
        timeout=settings.BRACE_OAUTH_HTTP_TIMEOUT_S,
        follow_redirects=False,
        transport=TokenTransport(outbound_policy()),
    )
