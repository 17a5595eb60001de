"""The app builder's toolbar in Chromium: Publish with the published version,
"View app" opening the portal, Preview, and two tabs editing one page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def toolbar(page: Any) -> Any:
    return page.get_by_role("toolbar", name="Editor")


def rename_page(page: Any, old: str, new: str) -> None:
    nav = page.get_by_role("navigation", name="Explorer")
    nav.get_by_role("link", name=old).press("F2")
    field = nav.get_by_role("textbox", name=f"New name for {old}")
    field.fill(new)
    field.press("Enter")


def test_publish_shows_the_version_and_view_app_opens_the_portal(
    open_editor: Any, application: Any, seeded_page: Any
) -> None:
    page = open_editor()
    bar = toolbar(page)
    expect(bar).to_contain_text("Not published yet")
    # Nothing to view yet: the link is there, disabled, and says why.
    view = bar.get_by_role("link", name="View app")
    expect(view).to_have_attribute("aria-disabled", "true")
    expect(view).to_have_attribute("title", "Publish first")
    expect(view).not_to_have_attribute("href", re.compile("."))
    view.click(force=True)  # a user can still click it: nothing opens
    assert len(page.context.pages) == 1

    bar.get_by_role("button", name="Publish").click()
    expect(bar).to_contain_text("Published v1")
    expect(view).to_have_attribute("aria-disabled", "false")
    expect(view).not_to_have_attribute("title", re.compile("."))
    application.refresh_from_db()
    assert application.published_version.number == 1

    with page.expect_popup() as popup_info:
        bar.get_by_role("link", name="View app").click()
    portal = popup_info.value
    expect(portal).to_have_url(f"/apps/{application.pk}/pages/{seeded_page.pk}/")
    expect(portal.get_by_text("Upload your profile")).to_be_visible()
    portal.close()
    assert page.errors == []


def test_a_refused_publish_says_why(open_editor: Any) -> None:
    def refuse(browser_page: Any) -> None:
        body = '{"code": "invalid", "message": "Page1 has a broken binding."}'
        browser_page.route(
            "**/api/v1/applications/*/publish/",
            lambda route: route.fulfill(status=400, content_type="application/json", body=body),
        )

    page = open_editor(before=refuse)

    toolbar(page).get_by_role("button", name="Publish").click()
    alert = page.get_by_role("alertdialog", name="The application was not published")
    expect(alert).to_contain_text("Page1 has a broken binding.")
    alert.get_by_role("button", name="OK").click()
    expect(toolbar(page)).to_contain_text("Not published yet")
    assert page.errors == []


def test_preview_hides_the_building_tools_until_turned_off(open_editor: Any) -> None:
    page = open_editor()
    preview = toolbar(page).get_by_role("button", name="Preview")

    preview.click()
    expect(preview).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("navigation", name="Explorer")).to_be_hidden()
    expect(page.get_by_role("region", name="Widgets palette")).to_be_hidden()
    expect(page.get_by_role("complementary", name="Properties")).to_be_hidden()
    expect(page.get_by_role("main", name="Canvas")).to_be_visible()

    preview.click()
    expect(preview).to_have_attribute("aria-pressed", "false")
    expect(page.get_by_role("navigation", name="Explorer")).to_be_visible()
    assert page.errors == []


def test_a_second_tab_editing_the_same_page_gets_the_conflict_and_a_reload(
    open_editor: Any, application: Any
) -> None:
    first = open_editor()
    second = open_editor()

    rename_page(first, "Page1", "Home")
    expect(toolbar(first)).to_contain_text("Saved")
    first_nav = first.get_by_role("navigation", name="Explorer")
    expect(first_nav.get_by_role("link", name="Home")).to_be_visible()

    rename_page(second, "Page1", "Start")
    dialog = second.get_by_role("alertdialog", name="This page was changed in another tab")
    expect(dialog).to_contain_text("Reload to get the latest version")
    status = toolbar(second).get_by_role("status")
    expect(status).to_contain_text("Not saved: This page was changed")
    assert application.pages.get().name == "Home"

    dialog.get_by_role("button", name="Reload").click()
    nav = second.get_by_role("navigation", name="Explorer")
    expect(nav.get_by_role("link", name="Home")).to_have_attribute("aria-current", "page")
    expect(toolbar(second)).to_contain_text("Saved")
    assert first.errors == [] and second.errors == []
