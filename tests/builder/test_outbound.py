"""OAuth token calls obey the same outbound policy as queries: builder hands
datasources a guarded transport at start-up (datasources cannot import runtime)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from builder.outbound import TokenTransport, outbound_policy, token_transport
from datasources import tokens
from datasources.errors import TokenRefreshError

pytestmark = pytest.mark.django_db

CLIENT_CREDENTIALS = {
    "name": "Machine",
    "grant_type": "client_credentials",
    "client_id": "brace-cc",
    "client_secret": "brace-cc-secret",
    "authorization_url": "",
}


def test_the_token_client_uses_the_guarded_transport() -> None:
    with tokens.http_client() as client:
        assert isinstance(client._transport, TokenTransport)


def test_the_policy_follows_the_settings(settings: Any) -> None:
    settings.BRACE_OUTBOUND_ALLOW_PRIVATE = False
    assert outbound_policy().allow_private is False and outbound_policy().allow_loopback is False
    settings.BRACE_OUTBOUND_ALLOW_PRIVATE = True
    assert outbound_policy().allow_private is True and outbound_policy().allow_loopback is True


@pytest.mark.parametrize(
    "url",
    ["http://169.254.169.254/oauth/token", "http://[::ffff:169.254.169.254]/oauth/token"],
)
def test_a_metadata_address_is_refused_before_connecting(url: str) -> None:
    with (
        httpx.Client(transport=token_transport()) as client,
        pytest.raises(httpx.ConnectError, match="Refused by the outbound policy"),
    ):
        client.post(url)


def test_a_token_endpoint_on_loopback_is_not_called_when_private_addresses_are_closed(
    settings: Any, provider: Any, oauth_datasource: Any
) -> None:
    datasource = oauth_datasource(**CLIENT_CREDENTIALS)
    provider.reset()
    settings.BRACE_OUTBOUND_ALLOW_PRIVATE = False
    with pytest.raises(TokenRefreshError) as caught:
        tokens.refresh_now(datasource)
    assert caught.value.retryable is True
    assert "could not be reached" in caught.value.message
    assert provider.token_requests() == []


def test_the_same_token_endpoint_works_when_private_addresses_are_open(
    settings: Any, provider: Any, oauth_datasource: Any
) -> None:
    datasource = oauth_datasource(**CLIENT_CREDENTIALS)
    provider.reset()
    settings.BRACE_OUTBOUND_ALLOW_PRIVATE = True
    token = tokens.refresh_now(datasource)
    assert token.access_token
    assert [r["grant_type"] for r in provider.token_requests()] == ["client_credentials"]
