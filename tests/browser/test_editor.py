"""The editor's start screen in Chromium: sign in, then see one's workspaces."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_then_the_editor_lists_my_workspaces(
    new_page: Any, site_url: str, members: dict[str, Any], workspace: Any
) -> None:
    from workspaces.models import Workspace

    Workspace.objects.create(name="Not mine")
    page = new_page()

    page.goto("/editor/")
    expect(page).to_have_url(f"{site_url}/accounts/login/?next=/editor/")
    page.get_by_label("Username").fill(members["developer"].username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(f"{site_url}/editor/")
    card = page.locator(f'[data-workspace="{workspace.pk}"]')
    expect(card.get_by_role("heading", name="Acme")).to_be_visible()
    expect(card.get_by_role("link", name="New datasource")).to_have_attribute(
        "href", f"/editor/datasources/new/?workspace={workspace.pk}"
    )
    expect(page.get_by_text("Not mine")).to_have_count(0)
    expect(page.locator(".topbar-user")).to_contain_text(members["developer"].username)
    assert page.errors == []


def test_the_editor_lists_applications_and_publishes_them(
    new_page: Any, members: dict[str, Any], workspace: Any, application: Any
) -> None:
    page = new_page(members["developer"])
    page.goto("/editor/")

    row = page.locator(f'[data-application="{application.pk}"]')
    expect(row).to_contain_text("Not published")
    expect(row.get_by_role("link", name="Open")).to_have_attribute(
        "href", f"/apps/{application.pk}/"
    )
    row.get_by_role("button", name="Publish").click()

    expect(row).to_contain_text("Published v1")
    expect(page.locator("#banner")).to_contain_text("Portal is published.")
    application.refresh_from_db()
    assert application.published_version is not None
    assert page.errors == []


def test_the_editor_lists_datasources_with_their_status(
    new_page: Any, members: dict[str, Any], workspace: Any, datasource: Any, needs_route: Any
) -> None:
    needs_route("GET", "/api/v1/datasources/", "datasources/api/urls.py")
    page = new_page(members["developer"])
    page.goto("/editor/")

    row = page.locator(f'[data-datasource="{datasource.pk}"]')
    expect(row.get_by_role("link", name="Dropbox")).to_have_attribute(
        "href", f"/editor/datasources/{datasource.pk}/"
    )
    assert page.errors == []


def test_a_viewer_sees_the_applications_to_open_and_nothing_to_edit(
    new_page: Any, members: dict[str, Any], workspace: Any, application: Any, datasource: Any
) -> None:
    page = new_page(members["viewer"])
    page.goto("/editor/")

    card = page.locator(f'[data-workspace="{workspace.pk}"]')
    row = card.locator(f'[data-application="{application.pk}"]')
    expect(row.get_by_role("link", name="Open")).to_have_attribute(
        "href", f"/apps/{application.pk}/"
    )
    expect(row.get_by_role("button", name="Publish")).to_have_count(0)
    expect(card.get_by_role("heading", name="Datasources")).to_have_count(0)
    expect(card.locator(".field-error")).to_have_count(0)
    expect(page.locator(f'[data-datasource="{datasource.pk}"]')).to_have_count(0)
    assert page.errors == []
