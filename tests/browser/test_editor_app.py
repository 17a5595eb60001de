"""The app builder's page in Chromium: its landmarks, loading, and what it says
when it cannot load."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import route_exists

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def open_editor(new_page: Any, members: dict[str, Any], application: Any) -> Any:
    """open_editor(before=None) -> a developer's page on Page1 in the editor.

    `before(page)` runs before the page loads (to route requests).
    """

    def open_it(before: Callable[[Any], None] | None = None) -> Any:
        page = new_page(members["developer"])
        if not route_exists("GET", "/api/v1/widget-types/"):
            # Until the widget-types route is on this branch: no types.
            page.route(
                "**/api/v1/widget-types/",
                lambda route: route.fulfill(status=200, content_type="application/json", body="[]"),
            )
        if before is not None:
            before(page)
        first = application.pages.get(name="Page1")
        page.goto(f"/editor/apps/{application.pk}/pages/{first.pk}/")
        return page

    return open_it


def test_the_editor_shows_its_landmarks_once_loaded(open_editor: Any) -> None:
    page = open_editor()

    expect(page.locator("#editor")).to_have_attribute("aria-busy", "false")
    expect(page.get_by_role("navigation", name="Explorer")).to_be_visible()
    expect(page.get_by_role("region", name="Widgets palette")).to_be_visible()
    expect(page.get_by_role("main", name="Canvas")).to_be_visible()
    expect(page.get_by_role("complementary", name="Properties")).to_be_visible()
    expect(page.get_by_role("toolbar", name="Editor")).to_be_visible()
    expect(page).to_have_title("Page1 · Portal · Editor · Brace")
    assert page.errors == []


def test_an_editor_that_cannot_load_says_why_and_offers_a_reload(open_editor: Any) -> None:
    def gone(page: Any) -> None:
        body = json.dumps({"code": "not_found", "message": "The page is gone."})
        page.route(
            "**/api/v1/pages/*/",
            lambda route: route.fulfill(status=404, content_type="application/json", body=body),
        )

    page = open_editor(gone)

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("The editor could not be loaded: The page is gone.")
    expect(alert.get_by_role("button", name="Reload")).to_be_visible()
    expect(page.locator("#editor")).to_have_attribute("aria-busy", "true")
    assert page.errors == []
