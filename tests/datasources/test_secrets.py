"""No secret in any API response, redirect, log line, admin page, or plaintext column.

One flow touches every surface: create, authorize (browser dance), refresh,
status, admin pages and actions, forget. Every secret it produced is then
looked for everywhere it must not be.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from datasources.models import AuthorizationState, Datasource, OAuthToken
from tests.oauth_provider import browser as dance
from tests.oauth_provider.clients import CLIENTS

pytestmark = [pytest.mark.django_db]

API = "/api/v1/datasources/"


def _raw(table: str, columns: str, pk: int) -> bytes:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} WHERE id = %s", [pk])
        return b"".join(bytes(value or b"") for value in cursor.fetchone())


def test_secrets_stay_secret(
    provider: Any,
    workspace: Any,
    members: Any,
    client_as: Any,
    browser: Any,
    make_user: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    client_secret = CLIENTS["brace-code"][0]
    api = client_as("developer")
    seen: list[str] = []  # everything that left Brace towards a browser or a client

    created = api.post(
        API,
        {
            "workspace": workspace.pk,
            "name": "Provider",
            "url": provider.url("/api/"),
            "authentication": {
                **provider.oauth2_settings(revocation_url=provider.revocation_url),
                "token_placement": "query",
            },
        },
        format="json",
    )
    assert created.status_code == 201
    seen.append(created.content.decode())
    ds_id = created.json()["id"]

    brace = browser(members["developer"])
    provider_url = dance.start(brace, ds_id)
    seen.append(provider_url)
    landing = dance.callback(brace, dance.consent(provider_url))
    seen.append(landing.location)
    assert landing.response_status == "success"
    first = OAuthToken.objects.get()
    secrets = {client_secret, first.access_token, first.refresh_token}
    secrets.add(AuthorizationState.objects.get().code_verifier)

    refreshed = api.post(f"{API}{ds_id}/token/", {"action": "refresh"}, format="json")
    assert refreshed.status_code == 200
    second = OAuthToken.objects.get()
    secrets |= {second.access_token, second.refresh_token}
    for path in (f"{API}{ds_id}/", API, f"{API}{ds_id}/token/"):
        response = api.get(path)
        assert response.status_code == 200
        seen.append(response.content.decode())
    seen.append(refreshed.content.decode())

    admin = Client()
    admin.force_login(make_user("root", is_staff=True, is_superuser=True))
    for path in (
        "/admin/datasources/datasource/",
        f"/admin/datasources/datasource/{ds_id}/change/",
        "/admin/datasources/oauthtoken/",
        f"/admin/datasources/oauthtoken/{second.pk}/change/",
    ):
        page = admin.get(path)
        assert page.status_code == 200
        seen.append(page.content.decode())
    assert "•••••• (set)" in seen[-1]

    # Encrypted at rest: no plaintext in the columns.
    raw = _raw("datasources_datasource", "client_secret", ds_id)
    raw += _raw("datasources_oauthtoken", "access_token, refresh_token", second.pk)
    raw += _raw(
        "datasources_authorizationstate", "code_verifier", AuthorizationState.objects.get().pk
    )

    forgotten = api.delete(f"{API}{ds_id}/token/")
    assert forgotten.json()["revoked"] is True
    seen.append(forgotten.content.decode())

    logs = caplog.text + "".join(repr(r.args) for r in caplog.records)
    assert "token" in logs  # the flow did log
    for secret in secrets:
        assert len(secret) >= 16
        assert all(secret not in text for text in seen), "a secret left Brace"
        assert secret not in logs, "a secret was logged"
        assert secret.encode() not in raw, "a secret is stored in plaintext"
    assert Datasource.objects.get().client_secret == client_secret


def test_the_admin_form_keeps_a_secret_left_blank(
    workspace: Any, make_user: Any, provider: Any, oauth_datasource: Any
) -> None:
    datasource = oauth_datasource()
    admin = Client()
    admin.force_login(make_user("root", is_staff=True, is_superuser=True))
    url = f"/admin/datasources/datasource/{datasource.pk}/change/"
    page = admin.get(url)
    assert CLIENTS["brace-code"][0] not in page.content.decode()
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, list | dict)
    }
    data.update(
        {
            "workspace": workspace.pk,
            "name": "Renamed",
            "headers": "[]",
            "query_params": "[]",
            "scopes": '["read"]',
            "custom_auth_params": "[]",
            "client_secret": "",
            "tokens-TOTAL_FORMS": "0",
            "tokens-INITIAL_FORMS": "0",
        }
    )
    for flag in ("send_scope_with_refresh_token", "use_pkce"):
        if not data.get(flag):
            data.pop(flag, None)

    response = admin.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    datasource.refresh_from_db()
    assert (datasource.name, datasource.client_secret) == ("Renamed", CLIENTS["brace-code"][0])


def test_admin_actions_refresh_and_revoke(
    make_user: Any, provider: Any, oauth_datasource: Any, authorize: Any
) -> None:
    datasource = oauth_datasource(revocation_url=provider.revocation_url)
    token = authorize(datasource)
    old = token.access_token
    admin = Client()
    admin.force_login(make_user("root", is_staff=True, is_superuser=True))
    changelist = "/admin/datasources/oauthtoken/"

    admin.post(changelist, {"action": "refresh_now", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.access_token != old
    assert len(provider.token_requests("refresh_token")) == 1

    admin.post(changelist, {"action": "revoke", "_selected_action": [token.pk]})
    assert not OAuthToken.objects.exists()


def test_an_admin_refresh_that_fails_says_why(
    make_user: Any, provider: Any, oauth_datasource: Any, authorize: Any
) -> None:
    token = authorize(oauth_datasource())
    OAuthToken.objects.filter(pk=token.pk).update(refresh_token="spent-refresh-token")
    admin = Client()
    admin.force_login(make_user("root", is_staff=True, is_superuser=True))

    response = admin.post(
        "/admin/datasources/oauthtoken/",
        {"action": "refresh_now", "_selected_action": [token.pk]},
        follow=True,
    )

    text = response.content.decode()
    assert "needs to be authorized again" in text
    assert "spent-refresh-token" not in text
    token.refresh_from_db()
    assert token.status == "needs_reauthorization"
