"""The outbound policy for every call Brace makes to a user-configured URL:
queries (runtime.http) and OAuth token endpoints (datasources).

Link-local and cloud metadata addresses are refused always; private and
loopback addresses only when BRACE_OUTBOUND_ALLOW_PRIVATE is on.
"""

from __future__ import annotations

import httpx
from django.conf import settings

from runtime.http import BlockedAddressError, GuardedTransport, OutboundPolicy


def outbound_policy() -> OutboundPolicy:
    allow_private = bool(settings.BRACE_OUTBOUND_ALLOW_PRIVATE)
    return OutboundPolicy(
        allow_loopback=allow_private,
        allow_private=allow_private,
        max_redirects=int(settings.BRACE_QUERY_MAX_REDIRECTS),
    )


class TokenTransport(GuardedTransport):
    """The guarded transport for OAuth token calls.

    A refused address surfaces as httpx.ConnectError, the error datasources
    already turns into a readable "provider unreachable" failure.
    """

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return super().handle_request(request)
        except BlockedAddressError as exc:
            raise httpx.ConnectError(
                f"Refused by the outbound policy: {exc}", request=request
            ) from exc


def token_transport() -> httpx.BaseTransport:
    return TokenTransport(outbound_policy())
