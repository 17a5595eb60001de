"""Save and Authorize end to end in Chromium, against the real test provider
(django-oauth-toolkit on a loopback port): the provider's own login and
consent pages, Brace's callback, and the datasource screen it lands back on."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.oauth_provider.clients import PASSWORD as PROVIDER_PASSWORD
from tests.oauth_provider.process import Provider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def provider_datasource(workspace: Any, provider: Provider) -> Any:
    """An OAuth 2.0 datasource on the test provider.

    The browser reaches the provider as "localhost" (Brace is on 127.0.0.1),
    so each keeps its own session cookie; Brace calls the token endpoint
    directly, by IP.
    """
    from datasources.services import create_datasource

    settings = provider.oauth2_settings(
        authorization_url=provider.authorization_url.replace("://127.0.0.1:", "://localhost:")
    )
    return create_datasource(
        workspace.pk, {"name": "Provider", "url": provider.url("/api/"), "authentication": settings}
    )


def test_save_and_authorize_then_refresh_and_revoke(
    new_page: Any,
    members: dict[str, Any],
    provider: Provider,
    provider_datasource: Any,
) -> None:
    path = f"/editor/datasources/{provider_datasource.pk}/"
    page = new_page(members["developer"])
    page.goto(path)
    expect(page.locator("#status-badge")).to_have_text("Not authorized")
    # No token yet: nothing to refresh or revoke.
    refresh = page.get_by_role("button", name="Refresh token")
    revoke = page.get_by_role("button", name="Revoke")
    expect(page.locator("#auth-status")).to_have_text("Not authorized")
    expect(refresh).to_have_count(0)
    expect(revoke).to_have_count(0)

    page.get_by_role("button", name="Save and Authorize").click()
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PROVIDER_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Authorize").click()

    expect(page.locator("#banner")).to_contain_text("Authorized")
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))
    expect(page.locator("#status-badge")).to_have_text("Authorized")
    expect(page.locator("#auth-scopes")).to_have_text("read write")
    expect(page.locator("#auth-expires")).not_to_have_text("—")
    expect(refresh).to_be_visible()
    expect(revoke).to_be_visible()

    refresh.click()
    expect(page.locator("#banner")).to_contain_text("Token refreshed")
    assert len(provider.token_requests("refresh_token")) == 1

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Revoke").click()
    expect(page.locator("#banner")).to_contain_text("Tokens revoked")
    expect(page.locator("#status-badge")).to_have_text("Not authorized")
    expect(refresh).to_have_count(0)
    expect(revoke).to_have_count(0)
    assert page.errors == []
