"""Address classification and the URL-level checks of OutboundPolicy."""

from __future__ import annotations

import ipaddress

import httpx
import pytest

from outbound import BlockedAddressError, InvalidPolicyError, OutboundPolicy
from outbound.policy import AddressClass, classify_address, parse_ip_literal


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("93.184.215.14", AddressClass.PUBLIC),
        ("2606:4700::1111", AddressClass.PUBLIC),
        ("169.254.169.254", AddressClass.METADATA),
        ("169.254.170.2", AddressClass.METADATA),
        ("fd00:ec2::254", AddressClass.METADATA),
        ("100.100.100.200", AddressClass.METADATA),
        ("168.63.129.16", AddressClass.METADATA),
        ("169.254.1.1", AddressClass.LINK_LOCAL),
        ("fe80::1", AddressClass.LINK_LOCAL),
        ("fe80::1%eth0", AddressClass.LINK_LOCAL),
        ("127.0.0.1", AddressClass.LOOPBACK),
        ("127.255.0.9", AddressClass.LOOPBACK),
        ("::1", AddressClass.LOOPBACK),
        ("10.0.0.1", AddressClass.PRIVATE),
        ("172.31.255.255", AddressClass.PRIVATE),
        ("172.32.0.1", AddressClass.PUBLIC),
        ("192.168.1.1", AddressClass.PRIVATE),
        ("100.64.0.1", AddressClass.PRIVATE),
        ("fc00::1", AddressClass.PRIVATE),
        ("fd12:3456::1", AddressClass.PRIVATE),
        ("0.0.0.0", AddressClass.RESERVED),
        ("::", AddressClass.RESERVED),
        ("224.0.0.1", AddressClass.RESERVED),
        ("ff02::1", AddressClass.RESERVED),
        ("255.255.255.255", AddressClass.RESERVED),
        ("192.0.2.1", AddressClass.RESERVED),
        # IPv6 spellings of IPv4 addresses are judged by the IPv4 inside.
        ("::ffff:169.254.169.254", AddressClass.METADATA),
        ("::ffff:127.0.0.1", AddressClass.LOOPBACK),
        ("::ffff:10.0.0.1", AddressClass.PRIVATE),
        ("::ffff:93.184.215.14", AddressClass.PUBLIC),
        ("::169.254.169.254", AddressClass.METADATA),
        ("64:ff9b::169.254.169.254", AddressClass.METADATA),
        ("64:ff9b:1::a9fe:a9fe", AddressClass.METADATA),
        ("2002:7f00:1::", AddressClass.LOOPBACK),
        ("2001:0:4136:e378:8000:63bf:a247:28f1", AddressClass.PUBLIC),  # Teredo, public client
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", AddressClass.RESERVED),  # client 192.0.2.45
    ],
)
def test_classify_address(address: str, expected: AddressClass) -> None:
    assert classify_address(ipaddress.ip_address(address)) is expected


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("169.254.169.254", "169.254.169.254"),
        ("[::1]", "::1"),
        ("2852039166", "169.254.169.254"),
        ("0xa9fea9fe", "169.254.169.254"),
        ("0xa9.0xfe.0xa9.0xfe", "169.254.169.254"),
        ("0251.0376.0251.0376", "169.254.169.254"),
        ("169.254.43518", "169.254.169.254"),
        ("127.1", "127.0.0.1"),
        ("api.example.com", None),
        ("cafe", None),
        ("dead.beef", None),
        ("...", None),
    ],
)
def test_parse_ip_literal(host: str, expected: str | None) -> None:
    parsed = parse_ip_literal(host)
    assert (str(parsed) if parsed is not None else None) == expected


def test_default_policy_is_public_only() -> None:
    policy = OutboundPolicy()
    assert policy.is_allowed(ipaddress.ip_address("93.184.215.14"))
    assert not policy.is_allowed(ipaddress.ip_address("127.0.0.1"))
    assert not policy.is_allowed(ipaddress.ip_address("10.0.0.1"))


def test_flags_never_open_metadata_or_link_local() -> None:
    policy = OutboundPolicy(allow_loopback=True, allow_private=True)
    assert policy.is_allowed(ipaddress.ip_address("127.0.0.1"))
    assert policy.is_allowed(ipaddress.ip_address("10.0.0.1"))
    for address in ("169.254.169.254", "fe80::1", "fd00:ec2::254", "0.0.0.0", "224.0.0.1"):
        assert not policy.is_allowed(ipaddress.ip_address(address))


def test_check_address_error_has_context() -> None:
    with pytest.raises(BlockedAddressError) as info:
        OutboundPolicy().check_address("evil.test", ipaddress.ip_address("169.254.169.254"))
    error = info.value
    assert (error.host, error.address, error.reason, error.code) == (
        "evil.test",
        "169.254.169.254",
        "metadata",
        "blocked_address",
    )
    assert "evil.test (169.254.169.254)" in error.message


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.com/", "scheme"),
        ("file:///etc/passwd", "scheme"),
        ("http://metadata.google.internal/", "metadata"),
        ("http://Metadata.Google.Internal./", "metadata"),
        ("http://x.metadata.google.internal/", "metadata"),
        ("http://169.254.169.254/", "metadata"),
        ("http://[::ffff:169.254.169.254]/", "metadata"),
        ("http://2852039166/", "metadata"),
        ("http://127.0.0.1/", "loopback"),
        ("http://10.0.0.1/", "private"),
    ],
)
def test_check_url_refusals(url: str, reason: str) -> None:
    with pytest.raises(BlockedAddressError) as info:
        OutboundPolicy().check_url(httpx.URL(url))
    assert info.value.reason == reason


def test_check_url_leaves_names_to_dns_time() -> None:
    OutboundPolicy().check_url(httpx.URL("https://content.dropboxapi.com/2/files/upload"))


def test_extra_blocked_hostnames() -> None:
    policy = OutboundPolicy(blocked_hostnames=frozenset({"internal.corp"}))
    with pytest.raises(BlockedAddressError):
        policy.check_url(httpx.URL("https://wiki.internal.corp/"))


@pytest.mark.parametrize("value", [-1, 21, True, 2.5])
def test_max_redirects_validated(value: object) -> None:
    with pytest.raises(InvalidPolicyError) as info:
        OutboundPolicy(max_redirects=value)  # type: ignore[arg-type]
    assert (info.value.code, info.value.field) == ("invalid_config", "policy.max_redirects")
