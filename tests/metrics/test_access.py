"""Who may read /metrics, decided without Django."""

from __future__ import annotations

import pytest

from metrics.access import Decision, MetricsAccess, parse_network

TOKEN = "scrape-token-1234"


def decide(access: MetricsAccess, authorization: str | None = None, address: str = "10.0.0.5"):
    return access.decide(authorization=authorization, address=address)


def test_with_neither_a_token_nor_networks_it_is_off() -> None:
    off = MetricsAccess.from_settings(token="", networks=[])
    assert off.is_off
    assert decide(off, f"Bearer {TOKEN}") is Decision.OFF


@pytest.mark.parametrize(
    ("authorization", "decision"),
    [
        (f"Bearer {TOKEN}", Decision.ALLOWED),
        (f"bearer {TOKEN}", Decision.ALLOWED),  # the scheme is case-insensitive (RFC 7235)
        (None, Decision.BEARER_MISSING),
        ("", Decision.BEARER_MISSING),
        ("Bearer ", Decision.BEARER_MISSING),
        (f"Basic {TOKEN}", Decision.BEARER_MISSING),
        ("Bearer scrape-token-123", Decision.BEARER_WRONG),
        (f"Bearer {TOKEN}5", Decision.BEARER_WRONG),
        ("Bearer SCRAPE-TOKEN-1234", Decision.BEARER_WRONG),
    ],
)
def test_the_token(authorization: str | None, decision: Decision) -> None:
    access = MetricsAccess.from_settings(token=TOKEN, networks=[])
    assert decide(access, authorization) is decision


@pytest.mark.parametrize(
    ("address", "decision"),
    [
        ("10.1.2.3", Decision.ALLOWED),
        ("::ffff:10.1.2.3", Decision.ALLOWED),  # an IPv4 peer on a dual-stack listener
        ("127.0.0.1", Decision.ALLOWED),
        ("fd00::7", Decision.ALLOWED),
        ("192.168.1.1", Decision.ADDRESS_REFUSED),
        ("fd01::7", Decision.ADDRESS_REFUSED),
        ("", Decision.ADDRESS_REFUSED),
        ("not-an-address", Decision.ADDRESS_REFUSED),
    ],
)
def test_the_networks(address: str, decision: Decision) -> None:
    networks = ["10.0.0.0/8", "127.0.0.1", "fd00::/16"]
    access = MetricsAccess.from_settings(token="", networks=networks)
    assert decide(access, None, address) is decision


def test_with_both_a_scrape_needs_both() -> None:
    access = MetricsAccess.from_settings(token=TOKEN, networks=["10.0.0.0/8"])
    assert decide(access, f"Bearer {TOKEN}", "10.0.0.1") is Decision.ALLOWED
    assert decide(access, f"Bearer {TOKEN}", "192.168.0.1") is Decision.ADDRESS_REFUSED
    assert decide(access, None, "10.0.0.1") is Decision.BEARER_MISSING
    assert decide(access, "Bearer nope", "10.0.0.1") is Decision.BEARER_WRONG


def test_a_bad_network_says_what_is_expected() -> None:
    with pytest.raises(ValueError, match=r"'10\.0\.0\.0/33' is not an IP network such as"):
        parse_network("10.0.0.0/33")
    assert str(parse_network(" 10.1.2.3/8 ")) == "10.0.0.0/8"
