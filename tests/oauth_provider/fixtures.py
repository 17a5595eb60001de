"""Pytest fixtures that start the test provider and talk to it.

``tests/conftest.py`` registers them (``pytest_plugins``) for every test area.

``oauth_provider`` (session scope) runs ``tests.oauth_provider.serve`` in a
subprocess on a free loopback port with a fresh SQLite file, waits until it
answers, and stops it at the end. ``provider`` (function scope) is the same
server, reset: fault mode ``ok`` and no recorded token requests. ``apis``
is its Dropbox, Google Docs and Zoho APIs, emptied before and after.
``oauth_datasource(**authentication)`` creates an OAuth 2.0 datasource on that
provider through the service; ``browser(user)`` is a Django test client
signed in with a session, as the editor in a browser is; ``authorize`` runs
the whole browser dance and returns the stored token row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client

from tests.oauth_provider.dropbox import ProviderApis
from tests.oauth_provider.process import Provider, running_provider


@pytest.fixture(scope="session")
def oauth_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    with running_provider(tmp_path_factory.mktemp("oauth_provider")) as provider:
        yield provider


@pytest.fixture
def provider(oauth_provider: Provider) -> Iterator[Provider]:
    oauth_provider.reset()
    yield oauth_provider
    oauth_provider.reset()


@pytest.fixture
def apis(provider: Provider) -> Iterator[ProviderApis]:
    """The provider's Dropbox, Google Docs and Zoho APIs, emptied before and after."""
    apis = ProviderApis(provider.base_url)
    apis.reset()
    yield apis
    apis.reset()


@pytest.fixture
def oauth_datasource(workspace: Any, provider: Provider) -> Callable[..., Any]:
    """oauth_datasource(name="Provider", **authentication overrides) -> Datasource."""
    from datasources.services import create_datasource

    def make(name: str = "Provider", **overrides: Any) -> Any:
        return create_datasource(
            workspace.pk,
            {
                "name": name,
                "url": provider.url("/api/"),
                "authentication": provider.oauth2_settings(**overrides),
            },
        )

    return make


@pytest.fixture
def browser(db: Any) -> Callable[[Any], Client]:
    """browser(user) -> a test client signed in with a session cookie."""

    def make(user: Any) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def authorize(browser: Callable[[Any], Client], members: dict[str, Any]) -> Callable[..., Any]:
    """authorize(datasource, as_user=developer, username="alice") -> the token row, after
    the whole browser dance succeeded."""
    from datasources.models import OAuthToken
    from tests.oauth_provider import browser as dance

    def run(datasource: Any, as_user: Any = None, username: str = "alice") -> Any:
        user = as_user or members["developer"]
        landing = dance.authorize(browser(user), datasource.pk, username=username)
        if landing.response_status != "success":
            raise AssertionError(f"authorization failed: {landing.params}")
        owner = user.pk if datasource.is_per_user else None
        return OAuthToken.objects.get(datasource=datasource, user=owner)

    return run
