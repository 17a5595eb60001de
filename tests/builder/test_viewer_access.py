"""Viewers use the portal; the editor API's reads are for developers and admins.

Every read of the editor API, and every operation on an existing object, is
taken from the OpenAPI schema (so a route added later is covered without being
listed here) and called by a viewer of the workspace that holds the object:
refused with 403 permission_denied, unless it is one of the few a viewer needs
to find and open the portals they may use (`VIEWER_MAY`). Creates need a body
naming their workspace's object: tests/builder/test_permissions.py and
tests/datasources/test_api.py call them with one. Lists are called narrowed to
the workspace's objects, as the editor calls them; unnarrowed, a viewer's list
holds none of the workspace's drafts. Every read answers the least role that
may make it.
"""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from builder.models import Action
from builder.services.applications import publish_application
from datasources.services import create_datasource

API = "/api/v1/"

# (path, method) a viewer may call, and why.
VIEWER_MAY = {
    ("/api/v1/auth/token/", "post"),  # signing in
    ("/api/v1/datasources/oauth2/callback/", "get"),  # the provider's redirect
    ("/api/v1/workspaces/", "get"),  # the editor home: their workspaces...
    ("/api/v1/workspaces/", "post"),  # (anyone signed in may start a workspace)
    ("/api/v1/workspaces/{id}/", "get"),
    ("/api/v1/applications/", "get"),  # ...with the applications whose portals they open
    ("/api/v1/applications/{id}/", "get"),
    ("/api/v1/applications/{id}/published/", "get"),  # the version the portal serves
    ("/api/v1/datasources/{id}/token/", "get"),  # the status of a token a run by them uses
    ("/api/v1/widget-types/", "get"),  # the registry's schemas: public, no workspace's data
}
# Reads that need more than the developer role.
ADMIN_READS = {("/api/v1/workspaces/{workspace_pk}/members/", "get")}


def _operations() -> list[tuple[str, str, tuple[str, ...]]]:
    """(path, method, query parameter names) of every editor API operation."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = []
    for path, item in schema["paths"].items():
        if not path.startswith(API) or path.startswith(f"{API}runtime/"):
            continue
        for method, operation in item.items():
            query = tuple(
                parameter["name"]
                for parameter in operation.get("parameters", [])
                if parameter["in"] == "query"
            )
            found.append((path, method, query))
    return sorted(found)


OPERATIONS = _operations()
READS = [(path, method, query) for path, method, query in OPERATIONS if method == "get"]
ON_OBJECTS = [(path, method, query) for path, method, query in OPERATIONS if "{" in path]
CHECKED = sorted(set(READS) | set(ON_OBJECTS))


def _id(operation: tuple[str, str, tuple[str, ...]]) -> str:
    return f"{operation[1].upper()} {operation[0]}"


@pytest.fixture
def world(workspace: Any, members: dict[str, Any], application: Any, page: Any) -> Any:
    """One of everything in the viewer's workspace, published once."""
    datasource = create_datasource(
        workspace.pk,
        {
            "name": "Provider",
            "url": "https://api.example.com/",
            "authentication": {
                "type": "oauth2",
                "grant_type": "authorization_code",
                "authorization_url": "https://auth.example.com/authorize",
                "access_token_url": "https://auth.example.com/token",
                "client_id": "cid",
                "client_secret": "client-secret-value",
            },
        },
    )
    action = Action.objects.create(
        page=page,
        name="Fetch",
        datasource=datasource,
        config={"method": "GET", "headers": [{"key": "X-API-Key", "value": "typed-api-key"}]},
    )
    publish_application(application=application, user=members["developer"])
    return SimpleNamespace(
        workspace=workspace,
        application=application,
        page=page,
        action=action,
        datasource=datasource,
        members=members,
    )


def _url(world: Any, path: str, query: tuple[str, ...]) -> str:
    """The path with the world's ids in it, narrowed by every filter it takes."""
    ids = {
        "workspaces": world.workspace.pk,
        "applications": world.application.pk,
        "pages": world.page.pk,
        "actions": world.action.pk,
        "datasources": world.datasource.pk,
    }
    named = {
        "workspace_pk": world.workspace.pk,
        "user_pk": world.members["developer"].pk,
        "workspace": world.workspace.pk,
        "application": world.application.pk,
        "page": world.page.pk,
    }
    collection = path.removeprefix(API).split("/")[0]

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        return str(ids[collection] if name in ("id", "pk") else named[name])

    url = re.sub(r"\{(\w+)\}", fill, path)
    filters = [f"{name}={named[name]}" for name in query if name in named]
    return f"{url}?{'&'.join(filters)}" if filters else url


def _client(user: Any) -> APIClient:
    client = APIClient()
    client.force_login(user)  # a browser session, as the editor has (authorize needs one)
    return client


def test_the_schema_lists_the_editor_reads() -> None:
    reads = {(path, method) for path, method, _query in READS}
    assert {
        ("/api/v1/pages/", "get"),
        ("/api/v1/pages/{id}/", "get"),
        ("/api/v1/actions/", "get"),
        ("/api/v1/actions/{id}/", "get"),
        ("/api/v1/datasources/", "get"),
        ("/api/v1/datasources/{id}/", "get"),
    } <= reads
    assert ("/api/v1/pages/{id}/evaluate/", "post") in {(p, m) for p, m, _q in OPERATIONS}
    assert {(p, m) for p, m, _q in OPERATIONS} >= VIEWER_MAY | ADMIN_READS


REFUSED = [op for op in CHECKED if (op[0], op[1]) not in VIEWER_MAY]


@pytest.mark.django_db
@pytest.mark.parametrize("operation", REFUSED, ids=[_id(op) for op in REFUSED])
def test_a_viewer_is_refused_what_the_portal_does_not_need(
    operation: tuple[str, str, tuple[str, ...]], world: Any
) -> None:
    path, method, query = operation
    client = _client(world.members["viewer"])

    response = getattr(client, method)(_url(world, path, query), {}, format="json")

    assert response.status_code == 403, response.content
    assert response.json()["code"] == "permission_denied"
    assert "typed-api-key" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("operation", READS, ids=[_id(op) for op in READS])
def test_every_read_answers_the_least_role_that_may_make_it(
    operation: tuple[str, str, tuple[str, ...]], world: Any
) -> None:
    path, method, query = operation
    if (path, method) in VIEWER_MAY:
        role = "viewer"
    elif (path, method) in ADMIN_READS:
        role = "admin"
    else:
        role = "developer"

    response = _client(world.members[role]).get(_url(world, path, query))

    # Save and Authorize answers with the redirect to the provider.
    assert response.status_code in (200, 302), response.content


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/pages/", "/api/v1/actions/", "/api/v1/datasources/"])
def test_a_viewers_lists_hold_no_drafts(path: str, world: Any) -> None:
    assert _client(world.members["viewer"]).get(path).json() == []
    assert _client(world.members["developer"]).get(path).json() != []


@pytest.mark.django_db
def test_a_viewer_still_finds_and_opens_the_portal(world: Any) -> None:
    client = _client(world.members["viewer"])

    (listed,) = client.get(f"{API}applications/", {"workspace": world.workspace.pk}).json()
    published = client.get(f"{API}applications/{world.application.pk}/published/").json()
    portal = client.get(f"/apps/{world.application.pk}/")
    page = client.get(f"{API}runtime/pages/{world.page.pk}/")

    assert (listed["id"], listed["published_version"]) == (world.application.pk, 1)
    assert published["is_current"]
    assert portal.status_code == 200
    assert page.status_code == 200
    assert "typed-api-key" not in page.content.decode()
