"""The Dropbox datasource kind serving Google Docs: JSON POSTs with body bindings.

A developer makes a ``google_docs`` datasource whose URLs point at the test
provider (which answers ``POST /v1/documents`` and ``:batchUpdate`` as Google
Docs does, see ``tests.oauth_provider.dropbox``), authorizes it in the
browser and runs queries with the editor's Run button (``actions/{id}/run/``),
whose bindings read the page and ``this.params``; last, an end user runs one
from a published portal's button.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.builder.helpers import layout, widget
from tests.e2e.seed_app import API, alerts, authorize_in_browser, created, fire, publish, run
from tests.oauth_provider import browser as dance
from tests.oauth_provider.clients import CLIENTS
from tests.oauth_provider.dropbox import ProviderApis
from tests.oauth_provider.process import Provider

pytestmark = pytest.mark.django_db

LAYOUT = layout(
    widget("TitleInput", "Input", {"label": "Title", "defaultText": "Quarterly plan"}),
)
CREATE_DOC = {
    "method": "POST",
    "path": "v1/documents",
    "body_type": "json",
    # Bindings inside a JSON string are written as escaped string content.
    "body": '{"title": "{{TitleInput.text}} · {{this.params.suffix}}"}',
}
APPEND_TEXT = {
    "method": "POST",
    "path": "v1/documents/{{this.params.id}}:batchUpdate",
    "body_type": "json",
    # A binding outside a string is written as a JSON value.
    "body": '{"requests": {{ this.params.lines.map(t => ({insertText: '
    "{text: t + '\\n', endOfSegmentLocation: {}}})) }}}",
}


@dataclass(frozen=True)
class DocsApp:
    datasource: int
    page: int
    create: int
    append: int


@dataclass(frozen=True)
class BuiltDocsApp:
    workspace: int
    application: int
    datasource: int
    page: int
    queries: dict[str, int]  # name -> action id


def build_docs_app(
    developer: APIClient, provider: Provider, page_layout: Any, queries: dict[str, Any]
) -> BuiltDocsApp:
    """A Google Docs datasource on the provider, not yet authorized, and an application
    whose page holds ``page_layout`` and ``queries`` ({name: config})."""
    workspace = created(developer.post(f"{API}/workspaces/", {"name": "Docs"}, format="json"))
    secret, _ = CLIENTS["brace-code"]
    datasource = created(
        developer.post(
            f"{API}/datasources/",
            {
                "workspace": workspace["id"],
                "name": "Google Docs",
                "preset": "google_docs",
                "url": provider.url("/"),
                "authentication": {
                    "type": "oauth2",
                    "authorization_url": provider.authorization_url,
                    "access_token_url": provider.token_url,
                    "revocation_url": provider.revocation_url,
                    "client_id": "brace-code",
                    "client_secret": secret,
                    # The provider knows its own scopes, not Google's.
                    "scopes": ["read", "write"],
                },
            },
            format="json",
        )
    )
    application = created(
        developer.post(
            f"{API}/applications/", {"workspace": workspace["id"], "name": "Docs"}, format="json"
        )
    )
    page = application["pages"][0]["id"]
    patched = developer.patch(f"{API}/pages/{page}/", {"layout": page_layout}, format="json")
    assert patched.status_code == 200, patched.content
    actions = {
        name: created(
            developer.post(
                f"{API}/actions/",
                {"page": page, "name": name, "datasource": datasource["id"], "config": config},
                format="json",
            )
        )["id"]
        for name, config in queries.items()
    }
    return BuiltDocsApp(workspace["id"], application["id"], datasource["id"], page, actions)


@pytest.fixture
def docs_app(
    provider: Provider,
    apis: ProviderApis,
    developer: APIClient,
    members: dict[str, Any],
    browser: Callable[[Any], Client],
) -> DocsApp:
    """A Google Docs datasource on the provider, authorized, and a page with two queries."""
    app = build_docs_app(
        developer, provider, LAYOUT, {"CreateDoc": CREATE_DOC, "AppendText": APPEND_TEXT}
    )
    landing = authorize_in_browser(browser(members["developer"]), app.datasource)
    assert landing.response_status == "success", landing.params
    return DocsApp(app.datasource, app.page, app.queries["CreateDoc"], app.queries["AppendText"])


def test_the_preset_asks_google_for_offline_access_and_sends_the_secret_in_the_body(
    provider: Provider,
    docs_app: DocsApp,
    developer: APIClient,
    members: dict[str, Any],
    browser: Callable[[Any], Client],
) -> None:
    shown = developer.get(f"{API}/datasources/{docs_app.datasource}/").json()
    assert shown["authentication"]["client_authentication"] == "body"
    assert shown["authentication"]["custom_auth_params"] == [
        {"key": "access_type", "value": "offline"},
        {"key": "prompt", "value": "consent"},
    ]
    assert shown["authentication"]["revocation_url"] == provider.revocation_url
    (exchange,) = provider.token_requests("authorization_code")
    assert exchange["client_auth"] == "body"

    again = dance.start(browser(members["developer"]), docs_app.datasource)
    query = dance.Landing(again).params
    assert (query["access_type"], query["prompt"]) == ("offline", "consent")
    assert query["scope"] == "read write"


def test_a_document_is_created_with_page_and_param_bindings_in_the_json_body(
    docs_app: DocsApp, apis: ProviderApis, developer: APIClient
) -> None:
    result = run(developer, docs_app.create, suffix='draft "2" für Ünal\n')

    title = 'Quarterly plan · draft "2" für Ünal\n'
    assert result["error"] is None, result
    assert result["response_meta"]["is_execution_success"] is True
    assert result["data"]["title"] == title
    (document,) = apis.state()["documents"]
    assert document["title"] == title
    assert result["data"]["documentId"] == document["documentId"]
    (sent,) = apis.requests("docs.create")
    assert sent["body"] == {"title": title}
    assert sent["headers"]["content-type"].startswith("application/json")
    assert sent["headers"]["authorization"].startswith("Bearer sha256:")


def test_a_second_query_writes_into_the_document_the_first_created(
    docs_app: DocsApp, apis: ProviderApis, developer: APIClient
) -> None:
    document_id = run(developer, docs_app.create, suffix="notes")["data"]["documentId"]

    result = run(
        developer, docs_app.append, id=document_id, lines=["Agenda", 'Say "hi"', "Ünïcode ✓"]
    )

    assert result["error"] is None, result
    assert result["data"]["documentId"] == document_id
    assert result["data"]["replies"] == [{}, {}, {}]
    (document,) = apis.state()["documents"]
    assert document["text"] == 'Agenda\nSay "hi"\nÜnïcode ✓\n'
    (sent,) = apis.requests("docs.batchUpdate")
    assert sent["path"] == f"/v1/documents/{document_id}:batchUpdate"


def test_an_expired_token_is_refreshed_once_and_the_json_post_resent(
    docs_app: DocsApp, apis: ProviderApis, provider: Provider, developer: APIClient
) -> None:
    assert provider.expire_access_tokens() >= 1

    result = run(developer, docs_app.create, suffix="after expiry")

    assert result["error"] is None, result
    assert result["data"]["title"] == "Quarterly plan · after expiry"
    assert len(provider.token_requests("refresh_token")) == 1
    attempts = apis.requests("docs.create")
    assert [a["status"] for a in attempts] == [401, 200]
    assert attempts[0]["headers"]["authorization"] != attempts[1]["headers"]["authorization"]
    assert len(apis.state()["documents"]) == 1


def test_googles_error_answer_is_a_failed_run_carrying_its_body(
    docs_app: DocsApp, apis: ProviderApis, developer: APIClient
) -> None:
    result = run(developer, docs_app.append, id="no-such-document", lines=["x"])

    assert result["response_meta"]["is_execution_success"] is False
    assert result["response_meta"]["status_code"] == 404
    assert result["error"]["code"] == "http_status"
    assert result["data"]["error"]["status"] == "NOT_FOUND"


def test_after_the_token_is_forgotten_nothing_is_sent(
    docs_app: DocsApp, apis: ProviderApis, developer: APIClient
) -> None:
    forgotten = developer.delete(f"{API}/datasources/{docs_app.datasource}/token/")
    assert forgotten.status_code == 200, forgotten.content
    assert forgotten.json()["revoked"] is True

    result = run(developer, docs_app.create, suffix="never")

    assert result["response_meta"]["is_execution_success"] is False
    assert result["error"]["code"] == "not_authorized"
    assert result["request"] is None
    assert apis.requests("docs.create") == []


# The same datasource kind for Google Docs, through the portal

DOCS_LAYOUT = layout(
    widget("TitleInput", "Input", {"label": "Title", "defaultText": "Untitled"}),
    widget(
        "Create",
        "Button",
        {
            "text": "Create",
            "onClick": "{{CreateDoc.run({owner: appsmith.user.username})"
            ".then(d => showAlert('Created ' + d.title, 'success'))}}",
        },
    ),
    widget("DocId", "Text", {"text": "{{CreateDoc.data ? CreateDoc.data.documentId : ''}}"}),
)


def test_a_google_docs_json_post_with_body_bindings_from_the_portal(
    provider: Provider,
    apis: ProviderApis,
    developer: APIClient,
    members: dict[str, Any],
    end_user: Any,
    token_client: Callable[[Any], APIClient],
    browser: Callable[[Any], Client],
) -> None:
    create_doc = {**CREATE_DOC, "body": '{"title": "{{TitleInput.text}} by {{this.params.owner}}"}'}
    app = build_docs_app(developer, provider, DOCS_LAYOUT, {"CreateDoc": create_doc})
    member = {"username": end_user.username, "role": "viewer"}
    created(developer.post(f"{API}/workspaces/{app.workspace}/members/", member, format="json"))
    landing = authorize_in_browser(browser(members["developer"]), app.datasource)
    assert landing.response_status == "success"
    publish(developer, app.application)
    portal = token_client(end_user)

    typed = fire(portal, app.page, "TitleInput", "", {"text": 'Q4 "plan"'})
    assert typed.status_code == 200, typed.content
    answer = fire(portal, app.page, "Create", "onClick").json()

    title = 'Q4 "plan" by erin_end_user'
    assert alerts(answer) == [(f"Created {title}", "success")]
    (document,) = apis.state()["documents"]
    assert document["title"] == title
    assert answer["widgets"]["DocId"]["text"] == document["documentId"]
    (sent,) = apis.requests("docs.create")
    assert sent["headers"]["content-type"].startswith("application/json")
    assert sent["body"] == {"title": title}
