"""The socket layer: addresses are checked after DNS, and the checked one is dialled.

Every SSRF attempt is a test case, in the style of Jinja's test_security.py.
The same transport under runtime's executor, against a real server on
loopback, is tested in ``tests/runtime/http/test_executor_outbound.py``.
"""

from __future__ import annotations

from collections.abc import Iterable

import httpcore
import httpx
import pytest

from outbound import BlockedAddressError, OutboundPolicy
from outbound.transport import GuardedNetworkBackend, GuardedTransport, system_resolver
from tests.fakes.dns import fixed_resolver


class RecordingBackend(httpcore.NetworkBackend):
    """Stands in for the socket layer; records which address was dialled."""

    def __init__(self, refuse: Iterable[str] = ()) -> None:
        self.dialled: list[str] = []
        self._refuse = set(refuse)

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[object] | None = None,
    ) -> httpcore.NetworkStream:
        self.dialled.append(host)
        if host in self._refuse:
            raise httpcore.ConnectError(f"refused {host}")
        return httpcore.NetworkStream()


def backend(
    policy: OutboundPolicy, mapping: dict[str, list[str]], inner: RecordingBackend
) -> GuardedNetworkBackend:
    return GuardedNetworkBackend(policy, fixed_resolver(mapping), inner=inner)


# --- the backend on its own ---------------------------------------------------


def test_connects_to_the_checked_address_not_the_name() -> None:
    inner = RecordingBackend()
    guarded = backend(OutboundPolicy(), {"api.example.com": ["93.184.215.14"]}, inner)
    guarded.connect_tcp("api.example.com", 443)
    assert inner.dialled == ["93.184.215.14"]


def test_name_resolving_to_metadata_is_refused_before_dialling() -> None:
    inner = RecordingBackend()
    guarded = backend(
        OutboundPolicy(allow_loopback=True, allow_private=True),
        {"evil.example": ["169.254.169.254"]},
        inner,
    )
    with pytest.raises(BlockedAddressError) as info:
        guarded.connect_tcp("evil.example", 80)
    assert info.value.address == "169.254.169.254"
    assert info.value.reason == "metadata"
    assert inner.dialled == []


def test_one_bad_answer_among_good_ones_refuses_the_name() -> None:
    inner = RecordingBackend()
    guarded = backend(OutboundPolicy(), {"mixed.example": ["93.184.215.14", "10.0.0.7"]}, inner)
    with pytest.raises(BlockedAddressError) as info:
        guarded.connect_tcp("mixed.example", 80)
    assert info.value.reason == "private"
    assert inner.dialled == []


@pytest.mark.parametrize(
    "answer",
    [
        "::ffff:169.254.169.254",
        "::ffff:a9fe:a9fe",
        "fd00:ec2::254",
        "fe80::1%eth0",
        "64:ff9b::a9fe:a9fe",
        "2002:a9fe:a9fe::1",
    ],
)
def test_ipv6_answers_hiding_forbidden_addresses(answer: str) -> None:
    guarded = backend(
        OutboundPolicy(allow_loopback=True, allow_private=True),
        {"v6.example": [answer]},
        RecordingBackend(),
    )
    with pytest.raises(BlockedAddressError):
        guarded.connect_tcp("v6.example", 80)


def test_private_answer_allowed_only_by_flag() -> None:
    mapping = {"intranet.example": ["10.0.0.5"]}
    with pytest.raises(BlockedAddressError):
        backend(OutboundPolicy(), mapping, RecordingBackend()).connect_tcp("intranet.example", 80)
    inner = RecordingBackend()
    backend(OutboundPolicy(allow_private=True), mapping, inner).connect_tcp("intranet.example", 80)
    assert inner.dialled == ["10.0.0.5"]


def test_next_address_is_tried_when_one_refuses() -> None:
    inner = RecordingBackend(refuse={"93.184.215.14"})
    mapping = {"two.example": ["93.184.215.14", "93.184.215.15"]}
    backend(OutboundPolicy(), mapping, inner).connect_tcp("two.example", 80)
    assert inner.dialled == ["93.184.215.14", "93.184.215.15"]


def test_all_addresses_refusing_raises_connect_error() -> None:
    inner = RecordingBackend(refuse={"93.184.215.14"})
    with pytest.raises(httpcore.ConnectError):
        backend(OutboundPolicy(), {"one.example": ["93.184.215.14"]}, inner).connect_tcp(
            "one.example", 80
        )


@pytest.mark.parametrize("mapping", [{}, {"empty.example": []}, {"empty.example": ["nonsense"]}])
def test_unresolvable_name_is_a_connect_error(mapping: dict[str, list[str]]) -> None:
    with pytest.raises(httpcore.ConnectError, match="could not resolve"):
        backend(OutboundPolicy(), mapping, RecordingBackend()).connect_tcp("empty.example", 80)


@pytest.mark.parametrize(
    "host", ["2852039166", "0xa9fea9fe", "169.254.43518", "0xa9.0xfe.0xa9.0xfe"]
)
def test_legacy_ip_spellings_are_judged_as_addresses(host: str) -> None:
    inner = RecordingBackend()
    with pytest.raises(BlockedAddressError):
        backend(OutboundPolicy(), {}, inner).connect_tcp(host, 80)
    assert inner.dialled == []


def test_metadata_hostname_refused_without_resolving() -> None:
    calls: list[str] = []

    def resolver(host: str) -> list[str]:
        calls.append(host)
        return ["93.184.215.14"]

    guarded = GuardedNetworkBackend(OutboundPolicy(), resolver, inner=RecordingBackend())
    with pytest.raises(BlockedAddressError):
        guarded.connect_tcp("metadata.google.internal.", 80)
    assert calls == []


def test_unix_sockets_are_refused() -> None:
    with pytest.raises(httpcore.ConnectError):
        GuardedNetworkBackend(OutboundPolicy()).connect_unix_socket("/var/run/docker.sock")


def test_system_resolver_resolves_loopback_literal() -> None:
    assert system_resolver("127.0.0.1") == ["127.0.0.1"]


# --- through httpx --------------------------------------------------------------


def test_the_transport_refuses_before_dialling_and_httpx_lets_the_refusal_through() -> None:
    looked_up: list[str] = []

    def resolver(host: str) -> list[str]:
        looked_up.append(host)
        return ["169.254.169.254"]

    transport = GuardedTransport(OutboundPolicy(allow_loopback=True), resolver=resolver)
    with httpx.Client(transport=transport) as client, pytest.raises(BlockedAddressError) as info:
        client.get("http://evil.example/latest/meta-data/")
    assert (info.value.host, info.value.address, info.value.reason) == (
        "evil.example",
        "169.254.169.254",
        "metadata",
    )
    assert looked_up == ["evil.example"]
