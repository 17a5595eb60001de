"""The socket layer: addresses are checked after DNS, and the checked one is dialled.

Every SSRF attempt is a test case, in the style of Jinja's test_security.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import httpcore
import httpx
import pytest

from runtime.http import BlockedAddressError, HttpExecutor, InvalidURLError, OutboundPolicy
from runtime.http.network import GuardedNetworkBackend, GuardedTransport, system_resolver
from tests.fakes.tls import client_context
from tests.fakes.upstream import EchoServer

from .conftest import fixed_resolver

LOOPBACK_OK = OutboundPolicy(allow_loopback=True)


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


# --- through httpx and the executor, against the real server ------------------


def test_transport_keeps_host_header_of_the_name(server: EchoServer) -> None:
    transport = GuardedTransport(LOOPBACK_OK, resolver=fixed_resolver({"api.test": ["127.0.0.1"]}))
    with httpx.Client(transport=transport) as client:
        response = client.get(f"http://api.test:{server.port}/hello")
    assert response.status_code == 200
    headers = dict((k.lower(), v) for k, v in response.json()["headers"])
    assert headers["host"] == f"api.test:{server.port}"


def test_executor_refuses_name_resolving_to_metadata(server: EchoServer) -> None:
    resolver = fixed_resolver({"evil.test": ["169.254.169.254"]})
    with HttpExecutor(LOOPBACK_OK, resolver=resolver) as ex:
        result = ex.execute({"path": f"http://evil.test:{server.port}/latest/meta-data/"})
    assert not result.is_execution_success
    assert result.error is not None
    assert result.error.code == "blocked_address"
    assert "169.254.169.254" in result.error.message
    assert result.status_code is None


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://100.100.100.200/latest/meta-data/",
        "http://[::ffff:169.254.169.254]/",
        "http://2852039166/",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://METADATA.GOOGLE.INTERNAL./computeMetadata/v1/",
        "http://[fe80::1]/",
        "http://0.0.0.0:80/",
    ],
)
def test_executor_refuses_forbidden_literals_whatever_the_flags(url: str) -> None:
    policy = OutboundPolicy(allow_loopback=True, allow_private=True)
    with HttpExecutor(policy, resolver=fixed_resolver({})) as ex:
        result = ex.execute({"path": url})
    assert result.error is not None
    assert result.error.code == "blocked_address"


def test_octal_ip_literal_is_an_invalid_url() -> None:
    with HttpExecutor(LOOPBACK_OK) as ex, pytest.raises(InvalidURLError):
        ex.execute({"path": "http://0251.0376.0251.0376/"})


@pytest.mark.parametrize(
    "url",
    [
        "http://10.1.2.3/",
        "http://192.168.0.1/",
        "http://172.16.0.1/",
        "http://[fd12::1]/",
        "http://[::ffff:10.0.0.1]/",
    ],
)
def test_private_literals_refused_when_flag_off(url: str) -> None:
    with HttpExecutor(LOOPBACK_OK) as ex:
        result = ex.execute({"path": url})
    assert result.error is not None
    assert result.error.code == "blocked_address"
    assert "private" in result.error.message


def test_loopback_refused_by_default(server: EchoServer) -> None:
    with HttpExecutor() as ex:
        for url in (
            server.url,
            f"http://[::ffff:127.0.0.1]:{server.port}/",
            f"http://127.1:{server.port}/",
        ):
            result = ex.execute({"path": url})
            assert result.error is not None
            assert result.error.code == "blocked_address"
    assert server.requests == []


def test_tls_is_verified_for_the_name_while_dialling_the_checked_address(
    tls_server: tuple[EchoServer, Path],
) -> None:
    server, ca = tls_server
    resolver = fixed_resolver({"api.test": ["127.0.0.1"]})
    with HttpExecutor(LOOPBACK_OK, resolver=resolver, ssl_context=client_context(ca)) as ex:
        result = ex.execute({"path": f"https://api.test:{server.port}/json"})
        assert result.is_execution_success, result.error
        assert result.data == {"ok": True, "items": [1, 2]}
        # The certificate names api.test, not 127.0.0.1: dialling the IP by its own
        # name fails verification, which shows SNI and checks used the host name above.
        by_ip = ex.execute({"path": f"https://127.0.0.1:{server.port}/json"})
    assert by_ip.error is not None
    assert by_ip.error.code == "connect_error"
    assert "certificate" in by_ip.error.message.lower()
