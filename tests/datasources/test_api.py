"""The datasource REST API: shapes (docs/editor-api.md), validation naming fields, roles."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from builder.models import Action
from datasources.models import Datasource, OAuthToken, TokenStatus
from datasources.services import create_datasource

pytestmark = pytest.mark.django_db

SECRET = "s3cr3t-client-secret-value"
API = "/api/v1/datasources/"


def _oauth_body(workspace: Any, **authentication: Any) -> dict[str, Any]:
    return {
        "workspace": workspace.pk,
        "name": "Provider",
        "url": "https://api.example.com/",
        "authentication": {
            "type": "oauth2",
            "grant_type": "authorization_code",
            "authorization_url": "https://auth.example.com/authorize",
            "access_token_url": "https://auth.example.com/token",
            "client_id": "cid",
            "client_secret": SECRET,
            "scopes": ["read"],
            **authentication,
        },
    }


@pytest.fixture
def oauth_ds(workspace: Any) -> Datasource:
    body = _oauth_body(workspace)
    body.pop("workspace")
    return create_datasource(workspace.pk, body)


def _shared_token(datasource: Datasource, user: Any = None) -> OAuthToken:
    return OAuthToken.objects.create(
        datasource=datasource,
        user=user,
        access_token="at-secret-value",
        refresh_token="rt-secret-value",
        status=TokenStatus.AUTHORIZED,
        scopes=["read"],
    )


# Shapes


def test_create_answers_the_documented_shape_without_secrets(
    client_as: Any, workspace: Any
) -> None:
    response = client_as("developer").post(API, _oauth_body(workspace), format="json")

    assert response.status_code == 201
    body = response.json()
    assert SECRET not in json.dumps(body)
    assert "client_secret" not in body["authentication"]
    assert body["authentication"]["client_secret_set"] is True
    assert body["redirect_url"] == "http://testserver/api/v1/datasources/oauth2/callback/"
    assert body["authorization"] == {"status": "unauthorized", "expires_at": None, "scopes": []}
    auth = body["authentication"]
    assert (auth["use_pkce"], auth["token_sharing"], auth["header_prefix"]) == (
        True,
        "shared",
        "Bearer",
    )
    assert (auth["send_scope_with_refresh_token"], auth["token_placement"]) == (False, "header")
    assert set(body) >= {"id", "workspace", "name", "preset", "url", "headers", "query_params"}
    stored = Datasource.objects.get(pk=body["id"])
    assert stored.client_secret == SECRET


def test_the_seed_example_datasource(client_as: Any, workspace: Any, dropbox_portal: Any) -> None:
    body = {"workspace": workspace.pk, **dropbox_portal["datasource"]}

    response = client_as("developer").post(API, body, format="json")

    assert response.status_code == 201
    auth = response.json()["authentication"]
    assert auth["custom_auth_params"] == [{"key": "token_access_type", "value": "offline"}]
    assert auth["client_authentication"] == "basic_header"
    assert auth["refresh_client_credentials_location"] == "body"
    assert "<App secret>" not in response.content.decode()


def test_the_authorization_shows_the_token_status_never_the_token(
    client_as: Any, oauth_ds: Datasource
) -> None:
    _shared_token(oauth_ds)

    response = client_as("developer").get(f"{API}{oauth_ds.pk}/")

    assert response.json()["authorization"]["status"] == "authorized"
    assert response.json()["authorization"]["scopes"] == ["read"]
    text = response.content.decode()
    assert "at-secret-value" not in text and "rt-secret-value" not in text


def test_a_per_user_datasource_shows_the_callers_own_status(
    client_as: Any, workspace: Any, members: Any
) -> None:
    body = _oauth_body(workspace, token_sharing="per_user")
    datasource = create_datasource(
        workspace.pk, {k: v for k, v in body.items() if k != "workspace"}
    )
    _shared_token(datasource, user=members["developer"])

    mine = client_as("developer").get(f"{API}{datasource.pk}/").json()["authorization"]
    theirs = client_as("admin").get(f"{API}{datasource.pk}/").json()["authorization"]
    viewers = client_as("viewer").get(f"{API}{datasource.pk}/token/").json()

    assert (mine["status"], theirs["status"]) == ("authorized", "unauthorized")
    assert viewers["status"] == "unauthorized"


# Credentials typed into headers and query parameters

TYPED = "typed-credential-value"


def test_typed_credentials_come_back_only_as_set_and_are_kept(
    client_as: Any, workspace: Any
) -> None:
    headers = [
        {"key": "Authorization", "value": f"Basic {TYPED}"},
        {"key": "Accept", "value": "application/json"},
    ]
    params = [{"key": "api_key", "value": TYPED}]
    body = {**_oauth_body(workspace), "headers": headers, "query_params": params}
    client = client_as("developer")

    created = client.post(API, body, format="json")
    shown = created.json()
    kept = client.patch(
        f"{API}{shown['id']}/",
        {"headers": shown["headers"], "query_params": shown["query_params"]},
        format="json",
    )
    renamed = client.patch(f"{API}{shown['id']}/", {"name": "Renamed"}, format="json")

    assert shown["headers"] == [
        {"key": "Authorization", "value": "", "value_set": True},
        {"key": "Accept", "value": "application/json"},
    ]
    assert shown["query_params"] == [{"key": "api_key", "value": "", "value_set": True}]
    for response in (created, kept, renamed, client.get(f"{API}{shown['id']}/"), client.get(API)):
        assert response.status_code in (200, 201)
        assert TYPED not in response.content.decode()
    stored = Datasource.objects.get(pk=shown["id"])
    assert (stored.headers, stored.query_params) == (headers, params)


def test_a_typed_credential_is_replaced_by_a_value(client_as: Any, workspace: Any) -> None:
    body = {**_oauth_body(workspace), "headers": [{"key": "X-Token", "value": "old"}]}
    client = client_as("developer")
    pk = client.post(API, body, format="json").json()["id"]

    new = [{"key": "X-Token", "value": "new", "value_set": True}]
    client.patch(f"{API}{pk}/", {"headers": new}, format="json")

    assert Datasource.objects.get(pk=pk).headers == [{"key": "X-Token", "value": "new"}]


def test_nothing_stored_cannot_be_kept(client_as: Any, oauth_ds: Datasource) -> None:
    rows = [{"key": "Accept", "value": "x"}, {"key": "Cookie", "value": "", "value_set": True}]
    response = client_as("developer").patch(
        f"{API}{oauth_ds.pk}/", {"headers": rows}, format="json"
    )
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == (
        "no_stored_value",
        "headers[1].value",
    )
    assert Datasource.objects.get(pk=oauth_ds.pk).headers == []


# Validation


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"client_id": ""}, "authentication.client_id"),
        ({"access_token_url": ""}, "authentication.access_token_url"),
        ({"authorization_url": ""}, "authentication.authorization_url"),
        ({"access_token_url": "not a url"}, "authentication.access_token_url"),
        ({"use_pkce": "yes"}, "authentication.use_pkce"),
        ({"grant_type": "password"}, "authentication.grant_type"),
        ({"client_id": 12}, "authentication.client_id"),
        ({"scopes": ["read write"]}, "authentication.scopes[0]"),
        ({"scopes": ["ok", 'bad"quote']}, "authentication.scopes[1]"),
        (
            {"custom_auth_params": [{"key": "state", "value": "x"}]},
            "authentication.custom_auth_params[0].key",
        ),
        (
            {"custom_auth_params": [{"key": "a", "value": "1"}, {"key": "a", "value": "2"}]},
            "authentication.custom_auth_params[1].key",
        ),
        ({"custom_auth_params": [{"value": "x"}]}, "authentication.custom_auth_params[0].key"),
        ({"authorization_expires_in": 0}, "authentication.authorization_expires_in"),
        ({"unknown": 1}, "authentication.unknown"),
        (
            {"grant_type": "client_credentials", "token_sharing": "per_user"},
            "authentication.token_sharing",
        ),
        ({"grant_type": "client_credentials", "client_secret": ""}, "authentication.client_secret"),
    ],
)
def test_bad_authentication_names_the_field_and_writes_nothing(
    client_as: Any, workspace: Any, change: dict[str, Any], field: str
) -> None:
    response = client_as("developer").post(API, _oauth_body(workspace, **change), format="json")

    assert response.status_code == 400
    assert response.json()["field"] == field
    assert response.json()["message"]
    assert not Datasource.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            {"name": "X", "url": "https://a.example/", "authentication": {"type": "basic"}},
            "authentication.username",
        ),
        (
            {"name": "X", "url": "https://a.example/", "authentication": {"type": "bearer"}},
            "authentication.bearer_token",
        ),
        (
            {
                "name": "X",
                "url": "https://a.example/",
                "authentication": {"type": "api_key", "api_key_name": "k"},
            },
            "authentication.api_key_value",
        ),
        ({"name": "X", "url": "https://a.example/", "redirect_url": "x"}, "redirect_url"),
        ({"name": "X"}, "url"),
        ({"url": "https://a.example/"}, "name"),
        ({"name": "X", "preset": "zoho_campaigns"}, "preset_region"),
        ({"name": "X", "preset": "zoho_campaigns", "preset_region": "mars"}, "preset_region"),
        ({"name": "X", "preset": "nope"}, "preset"),
        ({"name": "X", "preset": "dropbox", "preset_region": "eu"}, "preset_region"),
        (
            {"name": "X", "url": "https://a.example/", "headers": [{"key": "", "value": "v"}]},
            "headers[0].key",
        ),
    ],
)
def test_bad_datasources_name_the_field(
    client_as: Any, workspace: Any, body: dict[str, Any], field: str
) -> None:
    response = client_as("developer").post(API, {"workspace": workspace.pk, **body}, format="json")

    assert response.status_code == 400
    assert response.json()["field"] == field
    assert not Datasource.objects.exists()


def test_names_are_unique_per_workspace(client_as: Any, workspace: Any, oauth_ds: Any) -> None:
    response = client_as("developer").post(API, _oauth_body(workspace), format="json")
    assert response.status_code == 400
    assert response.json()["field"] == "name"


def test_patch_keeps_secrets_not_given_and_replaces_given_ones(
    client_as: Any, oauth_ds: Datasource
) -> None:
    client = client_as("developer")
    url = f"{API}{oauth_ds.pk}/"

    kept = client.patch(url, {"authentication": {"header_prefix": "Token"}}, format="json")
    oauth_ds.refresh_from_db()
    assert kept.status_code == 200
    assert (oauth_ds.client_secret, oauth_ds.header_prefix) == (SECRET, "Token")

    replaced = client.patch(url, {"authentication": {"client_secret": "new-one"}}, format="json")
    oauth_ds.refresh_from_db()
    assert replaced.status_code == 200
    assert oauth_ds.client_secret == "new-one"
    assert "new-one" not in replaced.content.decode()


def test_a_bad_patch_changes_nothing(client_as: Any, oauth_ds: Datasource) -> None:
    response = client_as("developer").patch(
        f"{API}{oauth_ds.pk}/",
        {"name": "Renamed", "authentication": {"client_id": "", "client_secret": "x"}},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["field"] == "authentication.client_id"
    oauth_ds.refresh_from_db()
    assert (oauth_ds.name, oauth_ds.client_secret) == ("Provider", SECRET)


def test_changing_the_client_forgets_tokens_but_cosmetic_changes_do_not(
    client_as: Any, oauth_ds: Datasource
) -> None:
    _shared_token(oauth_ds)
    client = client_as("developer")
    url = f"{API}{oauth_ds.pk}/"

    client.patch(url, {"name": "Renamed", "headers": [{"key": "A", "value": "b"}]}, format="json")
    assert OAuthToken.objects.filter(datasource=oauth_ds).exists()

    client.patch(url, {"authentication": {"client_id": "other"}}, format="json")
    assert not OAuthToken.objects.filter(datasource=oauth_ds).exists()


def test_a_datasource_used_by_a_query_cannot_be_deleted(
    client_as: Any, oauth_ds: Datasource, page: Any
) -> None:
    Action.objects.create(page=page, name="Q", datasource=oauth_ds, config={})

    response = client_as("developer").delete(f"{API}{oauth_ds.pk}/")

    assert response.status_code == 409
    assert response.json()["code"] == "datasource_in_use"
    assert Datasource.objects.filter(pk=oauth_ds.pk).exists()


def test_list_filters_by_workspace(client_as: Any, oauth_ds: Datasource, workspace: Any) -> None:
    client = client_as("developer")
    assert [d["id"] for d in client.get(API, {"workspace": workspace.pk}).json()] == [oauth_ds.pk]
    assert client.get(API, {"workspace": workspace.pk + 1}).json() == []
    assert client.get(API, {"workspace": "x"}).json()["field"] == "workspace"


# Token route


def test_token_status_refresh_and_forget_errors(client_as: Any, oauth_ds: Datasource) -> None:
    client = client_as("developer")
    url = f"{API}{oauth_ds.pk}/token/"

    assert client.get(url).json()["status"] == "unauthorized"
    not_yet = client.post(url, {"action": "refresh"}, format="json")
    assert (not_yet.status_code, not_yet.json()["code"]) == (409, "not_authorized")
    bad = client.post(url, {"action": "explode"}, format="json")
    assert (bad.status_code, bad.json()["field"]) == (400, "action")
    forget = client.delete(url)
    assert forget.json() == {
        "revoked": False,
        "authorization": {
            "status": "unauthorized",
            "expires_at": None,
            "scopes": [],
            "token_sharing": "shared",
            "last_error": "",
            "last_refreshed_at": None,
            "refresh_failures": 0,
        },
    }


def test_the_token_route_is_for_oauth2_only(client_as: Any, workspace: Any) -> None:
    datasource = create_datasource(
        workspace.pk,
        {"name": "Open", "url": "https://a.example/", "authentication": {"type": "none"}},
    )
    response = client_as("developer").get(f"{API}{datasource.pk}/token/")
    assert (response.status_code, response.json()["field"]) == (400, "authentication.type")


def test_token_delete_forgets_the_token(client_as: Any, oauth_ds: Datasource) -> None:
    _shared_token(oauth_ds)
    response = client_as("developer").delete(f"{API}{oauth_ds.pk}/token/")
    assert response.status_code == 200
    assert not OAuthToken.objects.exists()


# Roles on every route

EVERYONE_READS = {"admin": 200, "developer": 200, "viewer": 200, "outsider": 404, "anonymous": 401}
EDITORS_WRITE = {"admin": 200, "developer": 200, "viewer": 403, "outsider": 404, "anonymous": 401}
# A datasource's settings are for developers and admins; viewers see their token's status.
EDITORS_READ = EDITORS_WRITE


@pytest.mark.parametrize("role", EVERYONE_READS)
def test_roles_read(client_as: Any, oauth_ds: Datasource, workspace: Any, role: str) -> None:
    client = client_as(role)
    assert client.get(f"{API}{oauth_ds.pk}/").status_code == EDITORS_READ[role]
    assert client.get(f"{API}{oauth_ds.pk}/token/").status_code == EVERYONE_READS[role]
    listed = client.get(API)
    mine = client.get(API, {"workspace": workspace.pk})
    if role == "anonymous":
        assert (listed.status_code, mine.status_code) == (401, 401)
    elif role == "viewer":
        assert listed.json() == []
        assert (mine.status_code, mine.json()["code"]) == (403, "permission_denied")
    else:
        assert len(listed.json()) == (0 if role == "outsider" else 1)
        assert len(mine.json()) == (0 if role == "outsider" else 1)


@pytest.mark.parametrize("role", EDITORS_WRITE)
def test_roles_create(client_as: Any, workspace: Any, role: str) -> None:
    response = client_as(role).post(API, _oauth_body(workspace), format="json")
    expected = {**EDITORS_WRITE, "admin": 201, "developer": 201}[role]
    assert response.status_code == expected
    assert Datasource.objects.exists() == (expected == 201)


@pytest.mark.parametrize("role", EDITORS_WRITE)
def test_roles_update_and_delete(client_as: Any, oauth_ds: Datasource, role: str) -> None:
    client = client_as(role)
    patched = client.patch(f"{API}{oauth_ds.pk}/", {"name": "New"}, format="json")
    assert patched.status_code == EDITORS_WRITE[role]
    deleted = client.delete(f"{API}{oauth_ds.pk}/")
    assert deleted.status_code == {**EDITORS_WRITE, "admin": 204, "developer": 204}[role]


@pytest.mark.parametrize("role", EDITORS_WRITE)
def test_roles_on_a_shared_token(client_as: Any, oauth_ds: Datasource, role: str) -> None:
    _shared_token(oauth_ds)
    response = client_as(role).delete(f"{API}{oauth_ds.pk}/token/")
    assert response.status_code == EDITORS_WRITE[role]
    assert OAuthToken.objects.exists() == (EDITORS_WRITE[role] != 200)


@pytest.mark.parametrize("role", EVERYONE_READS)
def test_roles_on_a_per_user_token(client_as: Any, workspace: Any, members: Any, role: str) -> None:
    body = _oauth_body(workspace, token_sharing="per_user")
    datasource = create_datasource(
        workspace.pk, {k: v for k, v in body.items() if k != "workspace"}
    )
    if members[role] is not None:
        _shared_token(datasource, user=members[role])

    response = client_as(role).delete(f"{API}{datasource.pk}/token/")

    assert response.status_code == EVERYONE_READS[role]
    if EVERYONE_READS[role] == 200:
        assert not OAuthToken.objects.filter(user=members[role]).exists()


def _browser(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("role", "shared", "per_user"),
    [
        ("admin", 302, 302),
        ("developer", 302, 302),
        ("viewer", 403, 302),
        ("outsider", 404, 404),
        ("anonymous", 401, 401),
    ],
)
def test_roles_authorize(
    workspace: Any, members: Any, role: str, shared: int, per_user: int
) -> None:
    body = _oauth_body(workspace)
    body.pop("workspace")
    shared_ds = create_datasource(workspace.pk, body)
    per_user_ds = create_datasource(
        workspace.pk,
        {
            **body,
            "name": "Mine",
            "authentication": {**body["authentication"], "token_sharing": "per_user"},
        },
    )
    browser = _browser(members[role])

    assert browser.get(f"{API}{shared_ds.pk}/authorize/").status_code == shared
    assert browser.get(f"{API}{per_user_ds.pk}/authorize/").status_code == per_user


def test_an_unknown_datasource_is_404(client_as: Any, workspace: Any) -> None:
    assert client_as("admin").get(f"{API}999999/").status_code == 404
    assert client_as("admin").get(f"{API}999999/token/").status_code == 404


@pytest.mark.parametrize(
    ("role", "expected"),
    [("admin", 409), ("developer", 409), ("viewer", 403), ("outsider", 404), ("anonymous", 401)],
)
def test_roles_refresh_a_shared_token(
    client_as: Any, oauth_ds: Datasource, role: str, expected: int
) -> None:
    # Nobody authorized yet: whoever may refresh hears so (409), the rest are stopped first.
    response = client_as(role).post(
        f"{API}{oauth_ds.pk}/token/", {"action": "refresh"}, format="json"
    )
    assert response.status_code == expected
