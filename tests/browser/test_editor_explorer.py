"""The app builder's Explorer in Chromium: pages, the widget tree, queries and
datasources; opening, adding, renaming, duplicating and deleting pages;
selecting and renaming widgets; the server's refusals shown where the user
typed."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def explorer(page: Any) -> Any:
    return page.get_by_role("navigation", name="Explorer")


def open_menu(page: Any, name: str, item: str) -> None:
    explorer(page).get_by_role("button", name=f"More actions for {name}").click()
    page.get_by_role("menuitem", name=item).click()


def test_the_explorer_lists_pages_widgets_queries_and_datasources(
    open_editor: Any, seeded_page: Any, datasource: Any
) -> None:
    page = open_editor()
    nav = explorer(page)

    expect(nav.get_by_role("heading")).to_have_text(["Pages", "Widgets", "Queries", "Datasources"])
    expect(nav.get_by_role("link", name="Page1")).to_have_attribute("aria-current", "page")
    for name in ("Title", "FilePicker1", "Result"):
        expect(nav.get_by_role("button", name=name, exact=True)).to_be_visible()
    query = nav.locator('[data-query="UploadFileToDropbox"]')
    expect(query).to_contain_text("POST")
    expect(query).to_contain_text("UploadFileToDropbox")
    expect(query).to_contain_text("Dropbox")
    expect(nav.get_by_role("link", name="Dropbox")).to_have_attribute(
        "href", f"/editor/datasources/{datasource.pk}/"
    )
    assert page.errors == []


def test_clicking_a_widget_selects_it_and_shift_click_adds_to_the_selection(
    open_editor: Any, seeded_page: Any
) -> None:
    page = open_editor()
    nav = explorer(page)
    title = nav.get_by_role("button", name="Title", exact=True)
    result = nav.get_by_role("button", name="Result", exact=True)

    title.click()
    expect(title).to_have_attribute("aria-pressed", "true")
    result.click()
    expect(title).to_have_attribute("aria-pressed", "false")
    expect(result).to_have_attribute("aria-pressed", "true")
    title.click(modifiers=["Shift"])
    expect(title).to_have_attribute("aria-pressed", "true")
    expect(result).to_have_attribute("aria-pressed", "true")
    assert page.errors == []


def test_a_page_is_added_opened_renamed_and_deleted(open_editor: Any, application: Any) -> None:
    page = open_editor()
    nav = explorer(page)

    nav.get_by_role("button", name="Add page").click()
    expect(nav.get_by_role("link", name="Page2")).to_have_attribute("aria-current", "page")
    page2 = application.pages.get(name="Page2")
    expect(page).to_have_url(f"/editor/apps/{application.pk}/pages/{page2.pk}/")

    open_menu(page, "Page2", "Rename")
    field = nav.get_by_role("textbox", name="New name for Page2")
    field.fill("Orders")
    field.press("Enter")
    expect(nav.get_by_role("link", name="Orders")).to_have_attribute("aria-current", "page")
    expect(page).to_have_title("Orders · Portal · Editor · Brace")
    page2.refresh_from_db()
    assert page2.name == "Orders"

    open_menu(page, "Page1", "Delete")
    dialog = page.get_by_role("alertdialog", name="Delete Page1?")
    expect(dialog).to_contain_text("The page and its widgets will be deleted.")
    dialog.get_by_role("button", name="Delete page").click()
    expect(nav.get_by_role("link", name="Page1")).to_have_count(0)
    assert list(application.pages.values_list("name", flat=True)) == ["Orders"]

    open_menu(page, "Orders", "Delete")
    alert = page.get_by_role("alertdialog", name="Orders cannot be deleted")
    expect(alert).to_contain_text("An application needs at least one page")
    alert.get_by_role("button", name="OK").click()
    assert page.errors == []


def test_deleting_the_open_page_names_its_queries_and_opens_another(
    open_editor: Any, application: Any, seeded_page: Any
) -> None:
    from builder.models import Action
    from builder.services.pages import create_page

    other = create_page(application=application, name="Other")
    page = open_editor()

    open_menu(page, "Page1", "Delete")
    dialog = page.get_by_role("alertdialog", name="Delete Page1?")
    expect(dialog.get_by_role("listitem")).to_have_text(["Query UploadFileToDropbox"])
    dialog.get_by_role("button", name="Delete page").click()

    expect(page).to_have_url(f"/editor/apps/{application.pk}/pages/{other.pk}/")
    assert not Action.objects.filter(name="UploadFileToDropbox").exists()
    assert page.errors == []


def test_a_refused_page_delete_says_why_and_keeps_the_page(
    open_editor: Any, application: Any, seeded_page: Any
) -> None:
    from builder.services.pages import create_page

    create_page(application=application, name="Other")

    def refuse(browser_page: Any) -> None:
        body = '{"code": "conflict", "message": "The page is in use."}'
        browser_page.route(
            "**/api/v1/pages/*/",
            lambda route: (
                route.fulfill(status=409, content_type="application/json", body=body)
                if route.request.method == "DELETE"
                else route.continue_()
            ),
        )

    page = open_editor(before=refuse)
    expect(page.locator("#editor")).to_have_attribute("aria-busy", "false")
    nav = explorer(page)

    open_menu(page, "Other", "Delete")
    page.get_by_role("alertdialog", name="Delete Other?").get_by_role(
        "button", name="Delete page"
    ).click()
    alert = page.get_by_role("alertdialog", name="Other was not deleted")
    expect(alert).to_contain_text("The page is in use.")
    alert.get_by_role("button", name="OK").click()
    expect(nav.get_by_role("link", name="Other")).to_be_visible()
    assert application.pages.filter(name="Other").exists()

    open_menu(page, "Other", "Delete")
    page.get_by_role("alertdialog", name="Delete Other?").get_by_role(
        "button", name="Cancel"
    ).click()
    expect(nav.get_by_role("link", name="Other")).to_be_visible()
    assert page.errors == []


def test_a_taken_page_name_stays_in_the_field_with_the_server_reason(
    open_editor: Any, application: Any
) -> None:
    from builder.services.pages import create_page

    create_page(application=application, name="Orders")
    page = open_editor()
    nav = explorer(page)

    nav.get_by_role("link", name="Page1").press("F2")
    field = nav.get_by_role("textbox", name="New name for Page1")
    field.fill("Orders")
    field.press("Enter")

    refusal = "The application already has a page named 'Orders'."
    expect(nav.get_by_role("alert")).to_have_text(refusal)
    expect(field).to_have_value("Orders")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_be_focused()
    # Leaving the field keeps the message there to read.
    page.get_by_role("toolbar", name="Editor").get_by_role("button", name="Preview").focus()
    expect(nav.get_by_role("alert")).to_be_visible()
    field.press("Escape")
    expect(nav.get_by_role("link", name="Page1")).to_be_visible()
    assert application.pages.filter(name="Page1").exists()
    assert page.errors == []


def test_a_page_is_duplicated_next_to_it(open_editor: Any, application: Any) -> None:
    page = open_editor()

    open_menu(page, "Page1", "Duplicate")

    expect(explorer(page).locator("[data-page]")).to_have_count(2)
    assert application.pages.count() == 2
    assert page.errors == []


def test_widgets_are_renamed_in_place_and_a_taken_name_is_refused_where_typed(
    open_editor: Any, seeded_page: Any
) -> None:
    page = open_editor()
    nav = explorer(page)

    nav.get_by_role("button", name="Title", exact=True).dblclick()
    field = nav.get_by_role("textbox", name="New name for Title")
    field.fill("FilePicker1")
    field.press("Enter")
    expect(nav.get_by_role("alert")).to_be_visible()
    expect(field).to_have_value("FilePicker1")
    field.fill("Heading")
    field.press("Enter")

    expect(nav.get_by_role("button", name="Heading", exact=True)).to_be_visible()
    seeded_page.refresh_from_db()
    assert seeded_page.layout["children"][0]["widgetName"] == "Heading"
    assert page.errors == []


def test_page_renames_are_undone_and_redone_with_the_keyboard(
    open_editor: Any, application: Any
) -> None:
    page = open_editor()
    nav = explorer(page)
    first = application.pages.get(name="Page1")

    open_menu(page, "Page1", "Rename")
    field = nav.get_by_role("textbox", name="New name for Page1")
    field.fill("Home")
    field.press("Enter")
    expect(nav.get_by_role("link", name="Home")).to_be_visible()

    page.locator("body").click(position={"x": 5, "y": 200})
    page.keyboard.press("Control+z")
    expect(nav.get_by_role("link", name="Page1")).to_be_visible()
    first.refresh_from_db()
    assert first.name == "Page1"

    page.keyboard.press("Control+Shift+z")
    expect(nav.get_by_role("link", name="Home")).to_be_visible()
    toolbar = page.get_by_role("toolbar", name="Editor")
    expect(toolbar.get_by_role("button", name="Undo")).to_have_attribute(
        "title", "Undo Rename page Page1 to Home (Ctrl+Z)"
    )
    first.refresh_from_db()
    assert first.name == "Home"
    assert page.errors == []
