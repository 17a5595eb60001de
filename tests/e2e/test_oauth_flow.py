"""The authorization code flow end to end, against the real test provider.

Brace authorize -> provider login and consent -> Brace callback ->
response_status=success -> a request through the datasource's httpx.Auth
reaches the provider's protected endpoint.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from datasources.auth import datasource_auth
from datasources.errors import NotAuthorizedError
from datasources.models import OAuthToken, TokenStatus
from tests.oauth_provider import browser as dance

pytestmark = pytest.mark.django_db


def test_authorize_then_call_the_protected_api(
    provider: Any, oauth_datasource: Any, browser: Any, members: Any
) -> None:
    datasource = oauth_datasource()
    brace = browser(members["developer"])

    landing = dance.authorize(brace, datasource.pk, return_to="/editor/ds/1?tab=auth")

    assert landing.path == "/editor/ds/1"
    assert landing.params == {"tab": "auth", "response_status": "success"}
    token = OAuthToken.objects.get(datasource=datasource, user=None)
    assert token.status == TokenStatus.AUTHORIZED
    assert token.refresh_token
    assert token.scopes == ["read", "write"]
    with httpx.Client(auth=datasource_auth(datasource)) as client:
        response = client.get(provider.me_url)
    assert response.status_code == 200
    assert response.json()["username"] == "alice"
    exchange = provider.token_requests("authorization_code")
    assert len(exchange) == 1
    assert exchange[0]["code_verifier"] is True
    assert exchange[0]["client_auth"] == "basic"


def test_the_whole_journey_through_the_api(
    provider: Any, workspace: Any, client_as: Any, browser: Any, members: Any
) -> None:
    """Create, authorize, use, outlive the token, refresh, revoke: as the editor would."""
    api = client_as("developer")
    created = api.post(
        "/api/v1/datasources/",
        {
            "workspace": workspace.pk,
            "name": "Provider",
            "url": provider.url("/api/"),
            "authentication": provider.oauth2_settings(
                revocation_url=provider.revocation_url, client_authentication="body"
            ),
        },
        format="json",
    )
    assert created.status_code == 201
    ds_id = created.json()["id"]
    assert created.json()["authorization"]["status"] == "unauthorized"

    landing = dance.authorize(browser(members["developer"]), ds_id, return_to=f"/ds/{ds_id}")
    assert (landing.path, landing.response_status) == (f"/ds/{ds_id}", "success")
    status = api.get(f"/api/v1/datasources/{ds_id}/").json()["authorization"]
    assert status["status"] == "authorized"
    assert status["scopes"] == ["read", "write"]

    auth = datasource_auth(ds_id)
    with httpx.Client(auth=auth) as client:
        assert client.get(provider.me_url).json()["username"] == "alice"
        provider.expire_access_tokens()  # the provider ends it early
        assert client.get(provider.me_url).status_code == 200
        before = OAuthToken.objects.get().refresh_token
        refreshed = api.post(
            f"/api/v1/datasources/{ds_id}/token/", {"action": "refresh"}, format="json"
        )
        assert refreshed.json()["status"] == "authorized"
        assert OAuthToken.objects.get().refresh_token != before  # rotated twice now
        assert client.get(provider.me_url).status_code == 200

        forgotten = api.delete(f"/api/v1/datasources/{ds_id}/token/")
        assert forgotten.json()["revoked"] is True
        assert forgotten.json()["authorization"]["status"] == "unauthorized"
        with pytest.raises(NotAuthorizedError):
            client.get(provider.me_url)
    assert len(provider.token_requests("refresh_token")) == 2
