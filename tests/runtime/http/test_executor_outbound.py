"""The executor under the outbound policy, against a real server on loopback.

A refused destination is a failed run with code ``blocked_address``, never a
request; the checked address is dialled while Host and TLS keep the name.
The policy and the transport on their own are tested in ``tests/outbound``.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from outbound import GuardedTransport, OutboundPolicy
from runtime.http import HttpExecutor, InvalidURLError
from tests.fakes.dns import fixed_resolver
from tests.fakes.tls import client_context
from tests.fakes.upstream import EchoServer

LOOPBACK_OK = OutboundPolicy(allow_loopback=True)


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
