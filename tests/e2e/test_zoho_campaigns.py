"""The Dropbox datasource kind serving Zoho Campaigns, region by region.

Zoho differs from Dropbox and Google in what matters here: its token goes in
``Authorization: Zoho-oauthtoken <token>`` (a Bearer header is refused),
query parameters carry the data (``contactinfo`` is JSON in the query), each
data centre has its own hosts (``preset_region``), and its callback names the
accounts server that issued the code, which Brace must only trust for Zoho's
own hosts. The test provider answers ``POST /api/v1.1/json/listsubscribe``
like Zoho Campaigns (``tests.oauth_provider.dropbox``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.builder.helpers import layout, widget
from tests.e2e.seed_app import API, authorize_in_browser, created, run
from tests.oauth_provider import browser as dance
from tests.oauth_provider.clients import CLIENTS
from tests.oauth_provider.dropbox import ProviderApis
from tests.oauth_provider.process import Provider

pytestmark = pytest.mark.django_db

LAYOUT = layout(
    widget("EmailInput", "Input", {"label": "Email", "defaultText": "ann+news@example.com"}),
)
SUBSCRIBE = {
    "method": "POST",
    "path": "api/v1.1/json/listsubscribe",
    "query_params": [
        {"key": "resfmt", "value": "JSON"},
        {"key": "listkey", "value": "{{this.params.list}}"},
        {
            "key": "contactinfo",
            "value": '{{JSON.stringify({"Contact Email": EmailInput.text, '
            '"First Name": this.params.first})}}',
        },
    ],
    "body_type": "none",
}


@pytest.fixture
def zoho(provider: Provider, developer: APIClient) -> dict[str, Any]:
    """A Zoho Campaigns datasource (EU data centre) whose URLs point at the provider."""
    workspace = created(developer.post(f"{API}/workspaces/", {"name": "News"}, format="json"))
    secret, _ = CLIENTS["brace-code"]
    return created(
        developer.post(
            f"{API}/datasources/",
            {
                "workspace": workspace["id"],
                "name": "Zoho Campaigns",
                "preset": "zoho_campaigns",
                "preset_region": "eu",
                "url": provider.url("/"),
                "authentication": {
                    "type": "oauth2",
                    "authorization_url": provider.authorization_url,
                    "access_token_url": provider.token_url,
                    "client_id": "brace-code",
                    "client_secret": secret,
                    "scopes": ["read", "write"],
                },
            },
            format="json",
        )
    )


@pytest.fixture
def subscribe(
    zoho: dict[str, Any],
    developer: APIClient,
    members: dict[str, Any],
    browser: Callable[[Any], Client],
) -> int:
    """The authorized datasource's subscribe query, on a page with an email Input."""
    application = created(
        developer.post(
            f"{API}/applications/", {"workspace": zoho["workspace"], "name": "News"}, format="json"
        )
    )
    page = application["pages"][0]["id"]
    patched = developer.patch(f"{API}/pages/{page}/", {"layout": LAYOUT}, format="json")
    assert patched.status_code == 200, patched.content
    action = created(
        developer.post(
            f"{API}/actions/",
            {"page": page, "name": "Subscribe", "datasource": zoho["id"], "config": SUBSCRIBE},
            format="json",
        )
    )
    landing = authorize_in_browser(browser(members["developer"]), zoho["id"])
    assert landing.response_status == "success", landing.params
    return int(action["id"])


def test_the_preset_keeps_the_given_hosts_and_zohos_token_prefix(
    zoho: dict[str, Any], provider: Provider
) -> None:
    auth = zoho["authentication"]
    assert zoho["preset_region"] == "eu"
    assert zoho["url"] == provider.url("/")
    assert auth["authorization_url"] == provider.authorization_url
    assert auth["header_prefix"] == "Zoho-oauthtoken"
    assert auth["client_authentication"] == "body"
    # The preset's revocation URL is the EU data centre's, since none was given.
    assert auth["revocation_url"] == "https://accounts.zoho.eu/oauth/v2/token/revoke"


def test_a_subscription_is_sent_with_the_zoho_token_prefix(
    subscribe: int, apis: ProviderApis, developer: APIClient
) -> None:
    result = run(developer, subscribe, list="3z1f0c", first='Ann "the" Ünal')

    assert result["error"] is None, result
    assert result["data"] == {
        "status": "success",
        "code": "0",
        "message": "A confirmation email is sent to the user.",
    }
    assert apis.state()["subscriptions"] == [
        {
            "listkey": "3z1f0c",
            "contact": {"Contact Email": "ann+news@example.com", "First Name": 'Ann "the" Ünal'},
        }
    ]
    (sent,) = apis.requests("zoho.listsubscribe")
    assert sent["headers"]["authorization"].startswith("Zoho-oauthtoken sha256:")
    assert sent["query"]["resfmt"] == "JSON"


def test_an_expired_token_is_refreshed_once_and_the_call_resent(
    subscribe: int, apis: ProviderApis, provider: Provider, developer: APIClient
) -> None:
    assert provider.expire_access_tokens() >= 1

    result = run(developer, subscribe, list="3z1f0c", first="Bo")

    assert result["error"] is None, result
    assert len(provider.token_requests("refresh_token")) == 1
    assert [r["status"] for r in apis.requests("zoho.listsubscribe")] == [401, 200]
    (refresh,) = provider.token_requests("refresh_token")
    assert refresh["client_auth"] == "body"


def test_a_callback_naming_a_foreign_accounts_server_is_refused(
    zoho: dict[str, Any], provider: Provider, members: dict[str, Any], browser: Callable[..., Any]
) -> None:
    """Zoho's callback says which accounts server issued the code; an attacker's
    host there would receive the code and the client secret."""
    session = browser(members["developer"])
    callback = dance.consent(dance.start(session, zoho["id"], f"/editor/datasources/{zoho['id']}/"))
    tampered = callback + "&" + urlencode({"accounts-server": "https://accounts.zoho.eu.evil.test"})

    landing = dance.callback(session, tampered)

    assert landing.response_status == "invalid_accounts_server"
    assert landing.params["display_message"]
    assert provider.token_requests("authorization_code") == []
    status = json.loads(session.get(f"{API}/datasources/{zoho['id']}/").content.decode())[
        "authorization"
    ]
    assert status is None or status["status"] == "unauthorized"
