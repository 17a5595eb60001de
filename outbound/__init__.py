"""The outbound (SSRF) policy: where a call to a user-typed URL may go.

Plain Python over httpx: no Django, and none of Brace's other packages, so
that both callers can import it. Every call Brace makes to a URL a user
typed goes through it: queries (``runtime.http``'s executor) and OAuth 2.0
token, refresh and revocation calls (``datasources``)::

    from outbound import GuardedTransport, OutboundPolicy

    policy = OutboundPolicy(allow_loopback=True)  # development: 127.0.0.1 is fine
    policy.check_url(httpx.URL(url))  # scheme, host name, IP literals; before each hop
    client = httpx.Client(transport=GuardedTransport(policy))  # DNS answers checked too

``policy`` classifies addresses and checks URLs; ``transport`` resolves once,
checks every answer and dials the checked address; ``errors`` holds the tree
(``BlockedAddressError`` for a refused destination); ``credentials`` says
which headers and parameters of a request carry credentials, by name.
"""

from outbound.credentials import hide_credentials, is_credential_name, keep_credentials
from outbound.errors import (
    BlockedAddressError,
    InvalidPolicyError,
    NoStoredCredentialError,
    OutboundPolicyError,
)
from outbound.policy import (
    DEFAULT_BLOCKED_HOSTNAMES,
    MAX_REDIRECTS_LIMIT,
    AddressClass,
    IPAddress,
    OutboundPolicy,
    classify_address,
    parse_ip_literal,
)
from outbound.transport import GuardedNetworkBackend, GuardedTransport, Resolver, system_resolver

__all__ = [
    "DEFAULT_BLOCKED_HOSTNAMES",
    "MAX_REDIRECTS_LIMIT",
    "AddressClass",
    "BlockedAddressError",
    "GuardedNetworkBackend",
    "GuardedTransport",
    "IPAddress",
    "InvalidPolicyError",
    "NoStoredCredentialError",
    "OutboundPolicy",
    "OutboundPolicyError",
    "Resolver",
    "classify_address",
    "hide_credentials",
    "is_credential_name",
    "keep_credentials",
    "parse_ip_literal",
    "system_resolver",
]
