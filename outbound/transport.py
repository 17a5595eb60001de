"""The socket layer: resolve, check every address, connect to a checked one.

Checking a URL's host name and then letting the HTTP stack resolve it again
leaves a window (DNS rebinding): the second answer may be 169.254.169.254.
``GuardedNetworkBackend`` closes it by being the only place that resolves:
it resolves once, refuses the connection if ANY answer is disallowed (an
attacker's DNS may mix good and bad answers), and opens the socket to the
literal address it checked. httpcore still sends ``Host`` and TLS SNI for the
original name, because those come from the request URL, not from the socket.
A refusal raises ``BlockedAddressError``, which httpx lets through unchanged
(it maps only httpcore's own exceptions), so a caller can tell a refused
destination from one that did not answer.

The resolver is injectable (``host -> list of IP strings``) so tests can make
a name resolve to a metadata address without touching /etc/hosts.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import time
from collections.abc import Callable, Iterable, Sequence

import httpcore
import httpx
from httpcore import SOCKET_OPTION

from outbound.policy import OutboundPolicy, parse_ip_literal

__all__ = ["GuardedNetworkBackend", "GuardedTransport", "Resolver", "system_resolver"]

Resolver = Callable[[str], Sequence[str]]


def system_resolver(host: str) -> list[str]:
    """Resolve ``host`` with the OS resolver; addresses in answer order, deduplicated."""
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    seen: dict[str, None] = {}
    for info in infos:
        seen.setdefault(str(info[4][0]), None)
    return list(seen)


class GuardedNetworkBackend(httpcore.NetworkBackend):
    """An httpcore backend that only opens sockets to addresses the policy allows."""

    def __init__(
        self,
        policy: OutboundPolicy,
        resolver: Resolver = system_resolver,
        inner: httpcore.NetworkBackend | None = None,
    ) -> None:
        self._policy = policy
        self._resolver = resolver
        self._inner = inner if inner is not None else httpcore.SyncBackend()

    def resolve_checked(self, host: str) -> list[str]:
        """Addresses to try for ``host``, all of them allowed; raises otherwise."""
        literal = parse_ip_literal(host)
        if literal is not None:
            self._policy.check_address(host, literal)
            return [str(literal)]
        self._policy.check_hostname(host)
        try:
            answers = list(self._resolver(host))
        except OSError as exc:
            raise httpcore.ConnectError(f"could not resolve host {host!r}: {exc}") from exc
        if not answers:
            raise httpcore.ConnectError(f"could not resolve host {host!r}: no addresses")
        addresses = []
        for answer in answers:
            # getaddrinfo may append a zone (fe80::1%eth0); the zone does not change the class.
            try:
                address = ipaddress.ip_address(str(answer).split("%")[0])
            except ValueError:
                raise httpcore.ConnectError(
                    f"could not resolve host {host!r}: bad answer {answer!r}"
                ) from None
            self._policy.check_address(host, address)
            addresses.append(str(address))
        return addresses

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = self.resolve_checked(host)
        for index, address in enumerate(addresses):
            try:
                return self._inner.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except httpcore.ConnectError:
                # Try the next address, as a browser would. A ConnectTimeout is not
                # caught, so one slow address cannot multiply the timeout.
                if index == len(addresses) - 1:
                    raise
        raise httpcore.ConnectError(f"could not connect to {host!r}")  # no addresses

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not reachable through the outbound policy")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class GuardedTransport(httpx.HTTPTransport):
    """``httpx.HTTPTransport`` whose connections go through ``GuardedNetworkBackend``.

    Proxies are never used (``trust_env`` is off): a proxy would resolve the
    name itself and bypass the address check.
    """

    def __init__(
        self,
        policy: OutboundPolicy,
        *,
        resolver: Resolver = system_resolver,
        ssl_context: ssl.SSLContext | None = None,
        limits: httpx.Limits | None = None,
    ) -> None:
        context = ssl_context if ssl_context is not None else httpx.create_ssl_context()
        pool_limits = limits if limits is not None else httpx.Limits()
        super().__init__(verify=context, trust_env=False, limits=pool_limits)
        self.network_backend = GuardedNetworkBackend(policy, resolver)
        # httpx 0.28 cannot pass a network backend to its transport (encode/httpx#3749
        # adds that), so replace the pool it built with the same pool on our backend.
        self._pool = httpcore.ConnectionPool(
            ssl_context=context,
            max_connections=pool_limits.max_connections,
            max_keepalive_connections=pool_limits.max_keepalive_connections,
            keepalive_expiry=pool_limits.keepalive_expiry,
            network_backend=self.network_backend,
        )
