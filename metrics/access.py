"""Who may read /metrics: a bearer token, an allow-list of networks, both, or nobody.

    access = MetricsAccess.from_settings(token="s3cret", networks=["10.0.0.0/8"])
    access.decide(authorization="Bearer s3cret", address="10.1.2.3")   # Decision.ALLOWED

With neither a token nor a network the endpoint is off: nobody may read it,
and it should look as if it did not exist. With both, a scrape must come
from an allowed network *and* carry the token. The address is the TCP peer's
(``REMOTE_ADDR``), never a header the client chose. The token is compared in
constant time, on digests, so neither its characters nor its length leak.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Decision", "MetricsAccess", "parse_network"]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class Decision(enum.Enum):
    OFF = "off"
    ALLOWED = "allowed"
    ADDRESS_REFUSED = "address_refused"
    BEARER_MISSING = "bearer_missing"
    BEARER_WRONG = "bearer_wrong"


def parse_network(text: str) -> Network:
    """A network in CIDR notation (``10.0.0.0/8``, ``::1/128``); a bare address is one host.

    Raises ValueError with a message that says what is expected.
    """
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        raise ValueError(f"{text!r} is not an IP network such as 10.0.0.0/8 or ::1") from None


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode()).digest()


def _address(text: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text or "")
    except ValueError:
        return None
    # A dual-stack listener reports IPv4 peers as ::ffff:a.b.c.d.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


@dataclass(frozen=True)
class MetricsAccess:
    token: str
    networks: tuple[Network, ...]

    @classmethod
    def from_settings(cls, *, token: str, networks: Iterable[str]) -> MetricsAccess:
        return cls(token=token, networks=tuple(parse_network(text) for text in networks))

    @property
    def is_off(self) -> bool:
        return not self.token and not self.networks

    def decide(self, *, authorization: str | None, address: str | None) -> Decision:
        if self.is_off:
            return Decision.OFF
        if self.networks:
            peer = _address(address)
            if peer is None or not any(peer in network for network in self.networks):
                return Decision.ADDRESS_REFUSED
        if self.token:
            scheme, _, credentials = (authorization or "").partition(" ")
            if scheme.lower() != "bearer" or not credentials.strip():
                return Decision.BEARER_MISSING
            if not hmac.compare_digest(_digest(credentials.strip()), _digest(self.token)):
                return Decision.BEARER_WRONG
        return Decision.ALLOWED
