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
(builder/examples/dropbox_portal.json). `media` points default storage at a
fresh folder.

Fixtures live in conftest.py files, next to the tests that use them; the two
fixture modules every area may need are registered here, once, as plugins:
the loopback fakes (``tests.fakes.fixtures``) and the real OAuth provider
(``tests.oauth_provider.fixtures``). Test modules import no fixtures.

This file also applies the test suite's rules at collection: JavaScript runs
under the generous limit preset (``tests/limits.py``); every test that uses
the database is marked ``database`` (what ``.ci/run`` runs again on
PostgreSQL); and, for ``pytest -n`` with ``--dist loadgroup``, tests that
share an outside resource are grouped onto one worker (``xdist_group``).
"""

from __future__ import annotations

import copy
import itertools
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.limits import GENEROUS

pytest_plugins = ["tests.fakes.fixtures", "tests.oauth_provider.fixtures"]

ROLES = ("admin", "developer", "viewer", "outsider", "anonymous")
PASSWORD = "correct-horse-battery-staple"
SEED_APP = Path(__file__).resolve().parents[1] / "builder" / "examples" / "dropbox_portal.json"

_numbers = itertools.count(1)

# Fixtures and markers by which a test is known to use the test database.
_DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "live_server",
}
_DATABASE_MARKERS = ("django_db", "postgres")


def pytest_configure(config: pytest.Config) -> None:
    """Django code (and the processes tests start, through the environment) evaluates
    JavaScript under the generous preset."""
    from django.conf import settings

    milliseconds = str(round(GENEROUS.time_limit_s * 1000))
    os.environ["BRACE_JS_TIME_LIMIT_MS"] = milliseconds
    settings.BRACE_JS_TIME_LIMIT_MS = int(milliseconds)


def _xdist_group(item: pytest.Item) -> str | None:
    """The worker group of a test that shares an outside resource with others.

    Redis and Celery worker tests share one Redis database; browser tests each
    drive a Chromium; tests of the OAuth provider share one provider process
    per worker, so one worker running them all starts it once.
    """
    if item.get_closest_marker("redis"):
        return "redis"
    if item.get_closest_marker("browser"):
        return "browser"
    if "oauth_provider" in getattr(item, "fixturenames", ()):
        return "oauth_provider"
    return None


@pytest.hookimpl(tryfirst=True)  # before `-m` selects and xdist reads the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & _DATABASE_FIXTURES or any(
            item.get_closest_marker(name) for name in _DATABASE_MARKERS
        ):
            item.add_marker(pytest.mark.database)
        group = _xdist_group(item)
        if group is not None:
            item.add_marker(pytest.mark.xdist_group(group))


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
def redis_url() -> str:
    """The tests' Redis database (BRACE_TEST_REDIS_URL), or a skip where none runs."""
    from tests.redis_server import shared_redis_url

    return shared_redis_url()


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
def media(settings: Any, tmp_path: Path) -> Path:
    """Default storage in a fresh folder for this test; its path."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def dropbox_portal() -> dict[str, Any]:
    """The seed's example app: datasource, page layout and action (a fresh copy)."""
    with SEED_APP.open() as file:
        return copy.deepcopy(json.load(file))
