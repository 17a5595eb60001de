"""Who may do what: every editor route for each role.

Each case is one route and one role (admin, developer, viewer, a signed-in
non-member, anonymous); it asserts the status and something about the body:
the error code for refusals, the data (or the database) for successes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest

from builder.models import Action, Application, Page
from builder.services.applications import publish_application
from tests.conftest import ROLES
from workspaces.models import Membership, Workspace

ERROR_CODES = {
    400: "does_not_exist",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
}
READ = {"admin": 200, "developer": 200, "viewer": 200, "outsider": 404, "anonymous": 401}
LIST = {"admin": 200, "developer": 200, "viewer": 200, "outsider": 200, "anonymous": 401}
# Drafts (pages, actions) are for developers and admins; viewers use the portal.
DRAFT_READ = {"admin": 200, "developer": 200, "viewer": 403, "outsider": 404, "anonymous": 401}
# A list narrowed to one application or page: a viewer there is refused, others see none.
DRAFT_LIST_OF = {"admin": 200, "developer": 200, "viewer": 403, "outsider": 200, "anonymous": 401}


def edit(ok: int, outsider: int = 404) -> dict[str, int]:
    return {"admin": ok, "developer": ok, "viewer": 403, "outsider": outsider, "anonymous": 401}


def admin_only(ok: int) -> dict[str, int]:
    return {"admin": ok, "developer": 403, "viewer": 403, "outsider": 404, "anonymous": 401}


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    url: Callable[[Any], str]
    expected: dict[str, int]
    check: Callable[[Any, str, Any], bool]
    body: Callable[[Any], dict[str, Any]] | None = None


def ids(body: Any) -> list[int]:
    return [item["id"] for item in body]


def visible(world: Any, role: str, *pks: int) -> list[int]:
    """The ids a member sees; an outsider sees none."""
    return [] if role == "outsider" else list(pks)


def drafts_visible(world: Any, role: str, *pks: int) -> list[int]:
    """The draft ids a member sees: developers and admins only."""
    return [] if role in ("outsider", "viewer") else list(pks)


ROUTES = [
    Route("list workspaces", "get", lambda w: "/api/v1/workspaces/", LIST,
          lambda body, role, w: ids(body) == visible(w, role, w.workspace.pk)),
    Route("create workspace", "post", lambda w: "/api/v1/workspaces/",
          {**LIST, "admin": 201, "developer": 201, "viewer": 201, "outsider": 201},
          lambda body, role, w: body["role"] == "admin" and body["name"] == "New",
          body=lambda w: {"name": "New"}),
    Route("read workspace", "get", lambda w: f"/api/v1/workspaces/{w.workspace.pk}/", READ,
          lambda body, role, w: body["role"] == role),
    Route("rename workspace", "patch", lambda w: f"/api/v1/workspaces/{w.workspace.pk}/",
          admin_only(200), lambda body, role, w: body["name"] == "Renamed",
          body=lambda w: {"name": "Renamed"}),
    Route("delete workspace", "delete", lambda w: f"/api/v1/workspaces/{w.workspace.pk}/",
          admin_only(204), lambda body, role, w: not Workspace.objects.exists()),
    Route("list members", "get", lambda w: f"/api/v1/workspaces/{w.workspace.pk}/members/",
          admin_only(200), lambda body, role, w: len(body) == 3),
    Route("add member", "post", lambda w: f"/api/v1/workspaces/{w.workspace.pk}/members/",
          admin_only(201), lambda body, role, w: body["username"] == "new_member",
          body=lambda w: {"username": "new_member", "role": "viewer"}),
    Route("change role", "patch",
          lambda w: f"/api/v1/workspaces/{w.workspace.pk}/members/{w.viewer.pk}/",
          admin_only(200), lambda body, role, w: body["role"] == "developer",
          body=lambda w: {"role": "developer"}),
    Route("remove member", "delete",
          lambda w: f"/api/v1/workspaces/{w.workspace.pk}/members/{w.viewer.pk}/",
          admin_only(204),
          lambda body, role, w: not Membership.objects.filter(user=w.viewer).exists()),
    Route("list applications", "get", lambda w: "/api/v1/applications/", LIST,
          lambda body, role, w: ids(body) == visible(w, role, w.application.pk)),
    Route("create application", "post", lambda w: "/api/v1/applications/", edit(201, outsider=400),
          lambda body, role, w: [p["name"] for p in body["pages"]] == ["Page1"],
          body=lambda w: {"workspace": w.workspace.pk, "name": "New"}),
    Route("read application", "get", lambda w: f"/api/v1/applications/{w.application.pk}/", READ,
          lambda body, role, w: body["name"] == "Portal"),
    Route("rename application", "patch", lambda w: f"/api/v1/applications/{w.application.pk}/",
          edit(200), lambda body, role, w: body["name"] == "Renamed",
          body=lambda w: {"name": "Renamed"}),
    Route("delete application", "delete", lambda w: f"/api/v1/applications/{w.application.pk}/",
          edit(204), lambda body, role, w: not Application.objects.exists()),
    Route("publish", "post", lambda w: f"/api/v1/applications/{w.application.pk}/publish/",
          edit(201), lambda body, role, w: body["number"] == 2),
    Route("read published version", "get",
          lambda w: f"/api/v1/applications/{w.application.pk}/published/", READ,
          lambda body, role, w: body["number"] == 1 and body["is_current"]),
    Route("list pages", "get", lambda w: "/api/v1/pages/", LIST,
          lambda body, role, w: ids(body) == drafts_visible(w, role, w.page.pk, w.extra.pk)),
    Route("list an application's pages", "get",
          lambda w: f"/api/v1/pages/?application={w.application.pk}", DRAFT_LIST_OF,
          lambda body, role, w: ids(body) == drafts_visible(w, role, w.page.pk, w.extra.pk)),
    Route("create page", "post", lambda w: "/api/v1/pages/", edit(201, outsider=400),
          lambda body, role, w: body["name"] == "New" and body["order"] == 2,
          body=lambda w: {"application": w.application.pk, "name": "New"}),
    Route("read page", "get", lambda w: f"/api/v1/pages/{w.page.pk}/", DRAFT_READ,
          lambda body, role, w: body["layout"]["widgetName"] == "MainContainer"),
    Route("save page", "patch", lambda w: f"/api/v1/pages/{w.page.pk}/", edit(200),
          lambda body, role, w: body["name"] == "Home", body=lambda w: {"name": "Home"}),
    Route("delete page", "delete", lambda w: f"/api/v1/pages/{w.extra.pk}/", edit(204),
          lambda body, role, w: not Page.objects.filter(pk=w.extra.pk).exists()),
    Route("list actions", "get", lambda w: "/api/v1/actions/", LIST,
          lambda body, role, w: ids(body) == drafts_visible(w, role, w.action.pk)),
    Route("list a page's actions", "get", lambda w: f"/api/v1/actions/?page={w.page.pk}",
          DRAFT_LIST_OF, lambda body, role, w: ids(body) == drafts_visible(w, role, w.action.pk)),
    Route("list an application's actions", "get",
          lambda w: f"/api/v1/actions/?application={w.application.pk}", DRAFT_LIST_OF,
          lambda body, role, w: ids(body) == drafts_visible(w, role, w.action.pk)),
    Route("create action", "post", lambda w: "/api/v1/actions/", edit(201, outsider=400),
          lambda body, role, w: body["name"] == "Other" and body["config"]["method"] == "GET",
          body=lambda w: {"page": w.page.pk, "name": "Other"}),
    Route("read action", "get", lambda w: f"/api/v1/actions/{w.action.pk}/", DRAFT_READ,
          lambda body, role, w: body["name"] == "Fetch"),
    Route("edit action", "patch", lambda w: f"/api/v1/actions/{w.action.pk}/", edit(200),
          lambda body, role, w: body["name"] == "Renamed", body=lambda w: {"name": "Renamed"}),
    Route("delete action", "delete", lambda w: f"/api/v1/actions/{w.action.pk}/", edit(204),
          lambda body, role, w: not Action.objects.exists()),
    Route("duplicate action", "post", lambda w: f"/api/v1/actions/{w.action.pk}/duplicate/",
          edit(201), lambda body, role, w: body["name"] == "FetchCopy"),
]  # fmt: skip


@pytest.fixture
def world(workspace, members, application, page, make_user):
    """One of everything: an application with two pages, an action and a published version."""
    make_user("new_member")
    extra = Page.objects.create(application=application, name="Extra", slug="extra", order=1)
    action = Action.objects.create(page=page, name="Fetch", config={"method": "GET"})
    publish_application(application=application, user=members["admin"])
    return SimpleNamespace(
        workspace=workspace,
        application=application,
        page=page,
        extra=extra,
        action=action,
        viewer=members["viewer"],
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=[route.name for route in ROUTES])
def test_route_for_role(route: Route, role: str, world, client_as) -> None:
    client = client_as(role)
    body = route.body(world) if route.body else None
    response = getattr(client, route.method)(route.url(world), body, format="json")
    expected = route.expected[role]
    assert response.status_code == expected, response.content
    if expected >= 400:
        assert response.json()["code"] == ERROR_CODES[expected]
    elif expected == 204:
        assert response.content == b""
        assert route.check(None, role, world)
    else:
        assert route.check(response.json(), role, world), response.json()


def test_every_route_lists_every_role() -> None:
    assert all(set(route.expected) == set(ROLES) for route in ROUTES)
