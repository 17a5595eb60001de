"""OAuth token calls obey the same outbound policy as queries: datasources
builds its guarded client from the settings itself, with nothing wired in at
start-up."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from typing import Any

import httpx
import pytest

from datasources import tokens
from datasources.errors import TokenRefreshError
from datasources.transport import TokenTransport, http_client, outbound_policy
from tests.processes import ROOT

pytestmark = pytest.mark.django_db

CLIENT_CREDENTIALS = {
    "name": "Machine",
    "grant_type": "client_credentials",
    "client_id": "brace-cc",
    "client_secret": "brace-cc-secret",
    "authorization_url": "",
}


def test_the_token_client_uses_the_guarded_transport() -> None:
    with http_client() as client:
        assert isinstance(client._transport, TokenTransport)


def test_token_calls_are_guarded_in_a_process_where_no_app_was_started() -> None:
    # Settings alone, no django.setup(): no AppConfig.ready() could have set anything.
    code = textwrap.dedent(
        """
        from django.conf import settings

        settings.configure(
            BRACE_OUTBOUND_ALLOW_PRIVATE=True,
            BRACE_QUERY_MAX_REDIRECTS=5,
            BRACE_OAUTH_HTTP_TIMEOUT_S=5,
        )
        from datasources.errors import ProviderUnavailableError
        from datasources.oauth2.token_request import ClientAuth, request_token
        from datasources.transport import http_client

        with http_client() as client:
            try:
                request_token(
                    "http://169.254.169.254/oauth/token",
                    {"grant_type": "client_credentials"},
                    ClientAuth("brace-cc", "brace-cc-secret", "body"),
                    http=client,
                )
            except ProviderUnavailableError as exc:
                print(exc.message)
                print(exc.__context__)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    message, cause = done.stdout.splitlines()
    assert message == "The token endpoint could not be reached (ConnectError)."
    assert cause.startswith("Refused by the outbound policy: refused to connect to 169.254.169.254")


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
        http_client() as client,
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
