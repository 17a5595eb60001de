"""Fixtures shared by every test area.

People: `make_user` makes anyone; `workspace` is a workspace with one member
of each role (`members["admin"]`, `["developer"]`, `["viewer"]`) and
`members["outsider"]`, a signed-up user who is not a member.

Clients: `api_client` is anonymous; `token_client(user)` authenticates with
an API token as scripts do; `client_as(role)` is `token_client` for the
member of `workspace` with that role ("admin", "developer", "viewer",
"outsider"), or an anonymous client for "anonymous". `ROLES` lists the five.

Objects: `application` (in `workspace`, made by the builder's service, so it
has `Page1`), `page` (that Page1), `datasource` (a plain Datasource in
`workspace`), and `dropbox_portal`, a fresh copy of the seed's example
(builder/examples/dropbox_portal.json).
"""

from __future__ import annotations

import copy
import itertools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

ROLES = ("admin", "developer", "viewer", "outsider", "anonymous")
PASSWORD = "correct-horse-battery-staple"
SEED_APP = Path(__file__).resolve().parents[1] / "builder" / "examples" / "dropbox_portal.json"

_numbers = itertools.count(1)


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    """make_user(username=None, password=PASSWORD, **fields) -> a saved user."""
    from django.contrib.auth import get_user_model

    def make(username: str | None = None, password: str = PASSWORD, **fields: Any) -> Any:
        name = username or f"user{next(_numbers)}"
        return get_user_model().objects.create_user(
            username=name, password=password, email=f"{name}@example.com", **fields
        )

    return make


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache: no sign-in attempts counted before it."""
    cache.clear()


@pytest.fixture
def api_client() -> APIClient:
    """An anonymous API client."""
    return APIClient()


@pytest.fixture
def token_client(db: Any) -> Callable[[Any], APIClient]:
    """token_client(user) -> an APIClient sending `Authorization: Token <key>`."""

    def make(user: Any) -> APIClient:
        client = APIClient()
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def members(make_user: Callable[..., Any]) -> dict[str, Any]:
    """One user per role name, plus an outsider and None for anonymous."""
    return {
        "admin": make_user("alice_admin"),
        "developer": make_user("dave_developer"),
        "viewer": make_user("vera_viewer"),
        "outsider": make_user("oscar_outsider"),
        "anonymous": None,
    }


@pytest.fixture
def workspace(members: dict[str, Any]) -> Any:
    """A workspace where members["admin"|"developer"|"viewer"] have those roles."""
    from workspaces.models import Membership, Role, Workspace

    workspace = Workspace.objects.create(name="Acme")
    for role in (Role.ADMIN, Role.DEVELOPER, Role.VIEWER):
        Membership.objects.create(workspace=workspace, user=members[role.value], role=role)
    return workspace


@pytest.fixture
def client_as(
    workspace: Any, members: dict[str, Any], token_client: Callable[[Any], APIClient]
) -> Callable[[str], APIClient]:
    """client_as(role) -> a token client for that member of `workspace` (see ROLES)."""
    return lambda role: token_client(members[role])


@pytest.fixture
def application(workspace: Any, members: dict[str, Any]) -> Any:
    """An application in `workspace` with its first page, Page1."""
    from builder.services.applications import create_application

    return create_application(user=members["developer"], workspace=workspace, name="Portal")


@pytest.fixture
def page(application: Any) -> Any:
    """The application's Page1 (an empty root container)."""
    return application.pages.get(name="Page1")


@pytest.fixture
def datasource(workspace: Any) -> Any:
    """A datasource in `workspace`, with only the fields every datasource has."""
    from datasources.models import Datasource

    return Datasource.objects.create(
        workspace=workspace, name="Dropbox", url="https://content.dropboxapi.com/"
    )


@pytest.fixture
def dropbox_portal() -> dict[str, Any]:
    """The seed's example app: datasource, page layout and action (a fresh copy)."""
    with SEED_APP.open() as file:
        return copy.deepcopy(json.load(file))
