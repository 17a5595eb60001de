"""The app builder's page in Chromium: its landmarks, loading, and what it says
when it cannot load."""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_editor_shows_its_landmarks_once_loaded(open_editor: Any) -> None:
    page = open_editor()

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

    page = open_editor(before=gone)

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("The editor could not be loaded: The page is gone.")
    expect(alert.get_by_role("button", name="Reload")).to_be_visible()
    expect(page.locator("#editor")).to_have_attribute("aria-busy", "true")
    assert page.errors == []
