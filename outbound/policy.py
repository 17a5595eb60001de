"""Which destinations a server-side call may reach (the SSRF policy).

Users type URLs (query URLs and bindings, OAuth token and revocation
endpoints), and the server makes the request from inside our network, so
every destination is classified by IP address:

* always refused: cloud metadata endpoints, link-local, multicast,
  unspecified, documentation and other reserved ranges;
* refused unless the policy allows them: loopback (tests and local
  development need 127.0.0.1) and private networks (RFC 1918, CGNAT, ULA).

IPv6 forms that carry an IPv4 address (mapped ``::ffff:a.b.c.d``, compatible,
NAT64, 6to4, Teredo) are judged by the IPv4 address inside, and legacy IPv4
spellings that ``inet_aton`` accepts (``2852039166``, ``0xa9.0xfe.0xa9.0xfe``,
``127.1``) are read as the address the OS would connect to. Names are checked
by ``outbound.transport`` after DNS resolution, and the socket is opened to
the very address that was checked.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass, field
from enum import StrEnum

import httpx

from outbound.errors import BlockedAddressError, InvalidPolicyError

__all__ = [
    "DEFAULT_BLOCKED_HOSTNAMES",
    "MAX_REDIRECTS_LIMIT",
    "AddressClass",
    "IPAddress",
    "OutboundPolicy",
    "classify_address",
    "parse_ip_literal",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

MAX_REDIRECTS_LIMIT = 20

DEFAULT_BLOCKED_HOSTNAMES = frozenset(
    {"metadata.google.internal", "metadata.goog", "metadata", "instance-data.ec2.internal"}
)


class AddressClass(StrEnum):
    PUBLIC = "public"
    LOOPBACK = "loopback"
    PRIVATE = "private"
    LINK_LOCAL = "link_local"
    METADATA = "metadata"
    RESERVED = "reserved"


_METADATA = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OCI, DigitalOcean...
        "169.254.170.2",  # AWS ECS task metadata
        "fd00:ec2::254",  # AWS IMDS over IPv6
        "100.100.100.200",  # Alibaba Cloud
        "168.63.129.16",  # Azure WireServer: a public address that serves host secrets
    )
)
_NETWORKS: tuple[tuple[AddressClass, tuple[str, ...]], ...] = (
    (AddressClass.LINK_LOCAL, ("169.254.0.0/16", "fe80::/10")),
    (AddressClass.LOOPBACK, ("127.0.0.0/8", "::1/128")),
    (
        AddressClass.PRIVATE,
        (
            "10.0.0.0/8",
            "172.16.0.0/12",
            "192.168.0.0/16",
            "100.64.0.0/10",
            "fc00::/7",
            "fec0::/10",
        ),
    ),
    (
        AddressClass.RESERVED,
        (
            "0.0.0.0/8",  # "this network": 0.0.0.0 reaches the local host on Linux
            "192.0.0.0/24",
            "192.0.2.0/24",
            "198.18.0.0/15",
            "198.51.100.0/24",
            "203.0.113.0/24",
            "240.0.0.0/4",
            "::/128",
            "100::/64",
            "2001:db8::/32",
        ),
    ),
)
_CLASSIFIED_NETWORKS = tuple(
    (cls, ipaddress.ip_network(net)) for cls, nets in _NETWORKS for net in nets
)
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_LEGACY_IPV4 = re.compile(r"[0-9a-fA-FxX.]+")


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    packed = int(address)
    if any(address in net for net in _NAT64):
        return ipaddress.IPv4Address(packed & 0xFFFFFFFF)
    # IPv4-compatible (::a.b.c.d, deprecated but still routed by some stacks).
    if packed >> 32 == 0 and packed > 1:
        return ipaddress.IPv4Address(packed)
    return None


def classify_address(address: IPAddress) -> AddressClass:
    """Put an address in the most restrictive class that applies to it."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            # The packets end up at the IPv4 address, so it alone decides (Python
            # would otherwise call every ::ffff:0:0/96 address "reserved").
            return classify_address(embedded)
        if address.scope_id:
            address = ipaddress.IPv6Address(address.compressed.split("%")[0])
    if address in _METADATA:
        return AddressClass.METADATA
    for cls, network in _CLASSIFIED_NETWORKS:
        if address.version == network.version and address in network:
            return cls
    if address.is_multicast or address.is_reserved or address.is_unspecified:
        return AddressClass.RESERVED
    return AddressClass.PUBLIC


def parse_ip_literal(host: str) -> IPAddress | None:
    """The address ``host`` denotes if it is an IP literal in any spelling, else None."""
    candidate = host.strip("[]")
    try:
        return ipaddress.ip_address(candidate)
    except ValueError:
        pass
    # getaddrinfo() hands these spellings to inet_aton(), so "2852039166" or
    # "0251.0376.0251.0376" would reach 169.254.169.254 without any DNS query.
    if _LEGACY_IPV4.fullmatch(candidate) and any(ch.isdigit() for ch in candidate):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(candidate))
        except OSError:
            return None
    return None


@dataclass(frozen=True)
class OutboundPolicy:
    """Where outbound calls may go, and how redirects are followed.

    The defaults are the production stance: public addresses only. Tests and
    local development pass ``allow_loopback=True``; deployments that call
    APIs on their own private network pass ``allow_private=True``.
    """

    allow_loopback: bool = False
    allow_private: bool = False
    follow_redirects: bool = True
    max_redirects: int = 5
    blocked_hostnames: frozenset[str] = field(default=DEFAULT_BLOCKED_HOSTNAMES)

    def __post_init__(self) -> None:
        if (
            isinstance(self.max_redirects, bool)
            or not isinstance(self.max_redirects, int)
            or not 0 <= self.max_redirects <= MAX_REDIRECTS_LIMIT
        ):
            raise InvalidPolicyError(
                f"must be an integer from 0 to {MAX_REDIRECTS_LIMIT}", field="policy.max_redirects"
            )

    def is_allowed(self, address: IPAddress) -> bool:
        cls = classify_address(address)
        if cls is AddressClass.PUBLIC:
            return True
        if cls is AddressClass.LOOPBACK:
            return self.allow_loopback
        if cls is AddressClass.PRIVATE:
            return self.allow_private
        return False

    def check_address(self, host: str, address: IPAddress) -> None:
        """Raise ``BlockedAddressError`` unless ``address`` (for ``host``) is allowed."""
        if self.is_allowed(address):
            return
        cls = classify_address(address)
        shown = host if host == str(address) else f"{host} ({address})"
        raise BlockedAddressError(
            f"refused to connect to {shown}: {cls.value.replace('_', '-')} addresses are not "
            "allowed",
            host=host,
            address=str(address),
            reason=cls.value,
        )

    def check_hostname(self, host: str) -> None:
        """Refuse names that are dangerous whatever they resolve to."""
        name = host.lower().rstrip(".")
        if name in self.blocked_hostnames or any(
            name.endswith("." + blocked) for blocked in self.blocked_hostnames
        ):
            raise BlockedAddressError(
                f"refused to connect to {host}: cloud metadata hosts are not allowed",
                host=host,
                address=None,
                reason="metadata",
            )

    def check_url(self, url: httpx.URL) -> None:
        """Checks that need no DNS: scheme, host name and IP literals.

        Run before every request, including each redirect hop; the resolved
        addresses are checked again at connect time.
        """
        if url.scheme not in ("http", "https"):
            raise BlockedAddressError(
                f"refused to follow a {url.scheme or 'scheme-less'} URL; only http and https "
                "are allowed",
                host=url.host,
                address=None,
                reason="scheme",
            )
        if not url.host:
            raise BlockedAddressError(
                "refused a URL without a host", host="", address=None, reason="no_host"
            )
        literal = parse_ip_literal(url.host)
        if literal is not None:
            self.check_address(url.host, literal)
        else:
            self.check_hostname(url.host)
