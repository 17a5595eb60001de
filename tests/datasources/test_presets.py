"""Provider presets fill what the user left out; Zoho's accounts-server is checked."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from datasources import flow, state
from datasources.errors import InvalidAccountsServerError
from datasources.models import OAuthToken
from datasources.presets import ZOHO_REGIONS, zoho_accounts_server
from datasources.services import create_datasource, update_datasource

pytestmark = pytest.mark.django_db


def _create(workspace: Any, preset: str, region: str = "", **authentication: Any) -> Any:
    return create_datasource(
        workspace.pk,
        {
            "name": preset,
            "preset": preset,
            "preset_region": region,
            "authentication": {"client_id": "cid", "client_secret": "cs", **authentication},
        },
    )


def test_dropbox(workspace: Any) -> None:
    ds = _create(workspace, "dropbox")
    assert (ds.auth_type, ds.grant_type) == ("oauth2", "authorization_code")
    assert ds.url == "https://content.dropboxapi.com/"
    assert ds.authorization_url == "https://www.dropbox.com/oauth2/authorize"
    assert ds.access_token_url == "https://api.dropboxapi.com/oauth2/token"
    assert ds.custom_auth_params == [{"key": "token_access_type", "value": "offline"}]
    assert ds.client_authentication == "basic_header"
    assert ds.use_pkce is True


def test_google_docs(workspace: Any) -> None:
    ds = _create(workspace, "google_docs")
    assert ds.custom_auth_params == [
        {"key": "access_type", "value": "offline"},
        {"key": "prompt", "value": "consent"},
    ]
    assert ds.scopes == [
        "https://www.googleapis.com/auth/documents",
        "https://www.googleapis.com/auth/drive",
    ]
    assert ds.access_token_url == "https://oauth2.googleapis.com/token"


@pytest.mark.parametrize("region", list(ZOHO_REGIONS))
def test_zoho_campaigns_regions(workspace: Any, region: str) -> None:
    ds = _create(workspace, "zoho_campaigns", region)
    domain = ZOHO_REGIONS[region].domain
    assert ds.authorization_url == f"https://accounts.{domain}/oauth/v2/auth"
    assert ds.access_token_url == f"https://accounts.{domain}/oauth/v2/token"
    assert ds.url == f"https://campaigns.{domain}/api/v1.1/"
    assert ds.header_prefix == "Zoho-oauthtoken"


def test_what_the_user_gave_wins(workspace: Any) -> None:
    ds = _create(
        workspace,
        "google_docs",
        scopes=["https://www.googleapis.com/auth/drive.file"],
        custom_auth_params=[{"key": "prompt", "value": "select_account"}],
    )
    assert ds.scopes == ["https://www.googleapis.com/auth/drive.file"]
    assert ds.custom_auth_params == [
        {"key": "prompt", "value": "select_account"},
        {"key": "access_type", "value": "offline"},
    ]


def test_changing_the_region_moves_the_urls(workspace: Any) -> None:
    ds = _create(workspace, "zoho_campaigns", "com")
    update_datasource(ds, {"preset_region": "eu"})
    ds.refresh_from_db()
    assert ds.access_token_url == "https://accounts.zoho.eu/oauth/v2/token"
    # Renaming does not re-apply the preset over the user's own edits.
    update_datasource(ds, {"authentication": {"header_prefix": "Bearer"}})
    update_datasource(ds, {"name": "Renamed"})
    ds.refresh_from_db()
    assert ds.header_prefix == "Bearer"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://accounts.zoho.eu", "https://accounts.zoho.eu/oauth/v2/token"),
        ("https://accounts.zoho.com.cn/", "https://accounts.zoho.com.cn/oauth/v2/token"),
        ("https://accounts.zohocloud.ca", "https://accounts.zohocloud.ca/oauth/v2/token"),
        ("http://accounts.zoho.eu", None),
        ("https://accounts.zoho.eu.evil.example", None),
        ("https://evil.example", None),
        ("https://accounts.zoho.eu:8443", None),
        ("https://user@accounts.zoho.eu", None),
        ("", None),
    ],
)
def test_zoho_accounts_servers(value: str, expected: str | None) -> None:
    assert zoho_accounts_server(value) == expected


def _pending(ds: Any, user: Any) -> str:
    return state.create_state(
        ds,
        user_id=user.pk,
        session_key="session-1",
        return_to="/back",
        redirect_uri="https://brace.example/cb/",
    )


def test_the_callback_uses_zohos_named_accounts_server(workspace: Any, members: Any) -> None:
    # Zoho itself cannot be reached from tests: a recording transport stands in.
    ds = _create(workspace, "zoho_campaigns", "com")
    seen: list[httpx.Request] = []

    def zoho(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        body = {"access_token": "at", "refresh_token": "rt", "expires_in": 3600}
        return httpx.Response(200, json=body)

    query = {
        "state": _pending(ds, members["developer"]),
        "code": "c",
        "location": "eu",
        "accounts-server": "https://accounts.zoho.eu",
    }
    with httpx.Client(transport=httpx.MockTransport(zoho)) as client:
        done = flow.complete_authorization(
            query, user_id=members["developer"].pk, session_key="session-1", http=client
        )

    assert str(seen[0].url) == "https://accounts.zoho.eu/oauth/v2/token"
    assert b"client_secret=cs" in seen[0].content  # Zoho wants credentials in the body
    assert done.token.token_url == "https://accounts.zoho.eu/oauth/v2/token"


def test_the_callback_refuses_an_unknown_accounts_server(workspace: Any, members: Any) -> None:
    ds = _create(workspace, "zoho_campaigns", "com")

    def never(request: httpx.Request) -> httpx.Response:
        raise AssertionError("no request may leave")

    query = {
        "state": _pending(ds, members["developer"]),
        "code": "c",
        "accounts-server": "https://accounts.evil.example",
    }
    with (
        pytest.raises(InvalidAccountsServerError) as caught,
        httpx.Client(transport=httpx.MockTransport(never)) as client,
    ):
        flow.complete_authorization(
            query, user_id=members["developer"].pk, session_key="session-1", http=client
        )
    assert caught.value.return_to == "/back"
    assert caught.value.response_status == "invalid_accounts_server"
    assert not OAuthToken.objects.exists()
    assert json.dumps(query)  # the query itself is not echoed into the message
    assert "evil" not in caught.value.message


def test_dropbox_declares_its_upload_sessions_and_others_no_protocol() -> None:
    from datasources.presets import chunked_upload_protocol

    assert chunked_upload_protocol("dropbox") == "dropbox_upload_session"
    assert chunked_upload_protocol("google_docs") == ""
    assert chunked_upload_protocol("no-such-preset") == ""
