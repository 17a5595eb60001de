"""The admin's datasource form applies the API's rules: what the API refuses,
the admin refuses too, naming the field, and nothing is saved."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from datasources.models import Datasource

pytestmark = pytest.mark.django_db


def _form_data(workspace: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "workspace": workspace.pk,
        "name": "Docs",
        "preset": "custom",
        "preset_region": "",
        "url": "https://docs.example.com/",
        "headers": "[]",
        "query_params": "[]",
        "auth_type": "oauth2",
        "grant_type": "authorization_code",
        "authorization_url": "https://auth.example.com/authorize",
        "access_token_url": "https://auth.example.com/token",
        "revocation_url": "",
        "client_id": "docs-client",
        "client_secret": "docs-secret-value",
        "scopes": '["read"]',
        "custom_auth_params": "[]",
        "client_authentication": "basic_header",
        "refresh_client_credentials_location": "body",
        "token_placement": "header",
        "header_prefix": "Bearer",
        "audience": "",
        "resource": "",
        "use_pkce": "on",
        "token_sharing": "shared",
        "api_key_location": "header",
        "tokens-TOTAL_FORMS": "0",
        "tokens-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


@pytest.fixture
def admin(make_user: Any) -> Client:
    client = Client()
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    return client


def test_a_valid_datasource_is_added(admin: Client, workspace: Any) -> None:
    response = admin.post("/admin/datasources/datasource/add/", _form_data(workspace))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Datasource.objects.get().client_secret == "docs-secret-value"


def test_a_missing_client_id_is_refused_on_its_field(admin: Client, workspace: Any) -> None:
    response = admin.post("/admin/datasources/datasource/add/", _form_data(workspace, client_id=""))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["client_id"] == ["authentication.client_id is required for OAuth 2.0."]
    assert not Datasource.objects.exists()


def test_a_url_without_a_scheme_is_read_as_https(admin: Client, workspace: Any) -> None:
    response = admin.post(
        "/admin/datasources/datasource/add/", _form_data(workspace, url="docs.example.com/")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Datasource.objects.get().url == "https://docs.example.com/"


@pytest.mark.parametrize(
    "value",
    ["[" * 1_000 + "]" * 1_000, "[[]]", '{"X-A": "1"}', "5", '[{"key": "X", "value": [1]}]'],
)
def test_headers_that_are_not_a_flat_list_are_refused_on_their_field(
    admin: Client, workspace: Any, value: str
) -> None:
    form = _form_data(workspace, headers=value)
    response = admin.post("/admin/datasources/datasource/add/", form)
    assert response.status_code == 200
    assert "headers" in response.context["adminform"].form.errors


TYPED = "typed-header-credential"


def test_typed_credentials_in_headers_are_masked_and_kept(admin: Client, workspace: Any) -> None:
    headers = [{"key": "X-API-Key", "value": TYPED}, {"key": "Accept", "value": "text/plain"}]
    params = [{"key": "api_key", "value": TYPED}]
    admin.post(
        "/admin/datasources/datasource/add/",
        _form_data(workspace, headers=json.dumps(headers), query_params=json.dumps(params)),
    )
    datasource = Datasource.objects.get()
    url = f"/admin/datasources/datasource/{datasource.pk}/change/"

    page = admin.get(url)
    shown = page.context["adminform"].form.initial
    assert TYPED not in page.content.decode()
    assert shown["headers"][0] == {"key": "X-API-Key", "value": "", "value_set": True}

    data = _form_data(
        workspace,
        name="Renamed",
        headers=json.dumps(shown["headers"]),
        query_params=json.dumps(shown["query_params"]),
    )
    response = admin.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    datasource.refresh_from_db()
    assert (datasource.name, datasource.headers, datasource.query_params) == (
        "Renamed",
        headers,
        params,
    )


def test_a_header_cannot_keep_a_credential_it_never_had(admin: Client, workspace: Any) -> None:
    headers = '[{"key": "X-API-Key", "value": "", "value_set": true}]'
    response = admin.post(
        "/admin/datasources/datasource/add/", _form_data(workspace, headers=headers)
    )
    assert response.status_code == 200
    assert "headers[0].value" in str(response.context["adminform"].form.errors)
    assert not Datasource.objects.exists()
