"""The editor's start screen in Chromium: sign in, then see one's workspaces;
create, open, rename, duplicate, publish and delete applications."""

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
    expect(row.get_by_role("link", name="View app Portal")).to_have_attribute(
        "href", f"/apps/{application.pk}/"
    )
    expect(row.get_by_role("link", name="Edit Portal")).to_have_attribute(
        "href", f"/editor/apps/{application.pk}/"
    )
    row.get_by_role("button", name="Publish Portal").click()

    expect(row).to_contain_text("Published v1")
    expect(page.locator("#banner")).to_contain_text("Portal is published.")
    application.refresh_from_db()
    assert application.published_version is not None
    assert page.errors == []


def test_the_create_application_button_lines_up_with_its_field(
    new_page: Any, members: dict[str, Any], workspace: Any
) -> None:
    page = new_page(members["developer"])
    page.goto("/editor/")

    field = page.get_by_role("textbox", name="New application name").bounding_box()
    button = page.get_by_role("button", name="Create application").bounding_box()
    assert (button["y"], button["height"]) == (field["y"], field["height"])
    assert page.errors == []


def test_the_editor_lists_datasources_with_their_status(
    new_page: Any, members: dict[str, Any], workspace: Any, datasource: Any
) -> None:
    page = new_page(members["developer"])
    page.goto("/editor/")

    row = page.locator(f'[data-datasource="{datasource.pk}"]')
    expect(row.get_by_role("link", name="Dropbox", exact=True)).to_have_attribute(
        "href", f"/editor/datasources/{datasource.pk}/"
    )
    # Each Edit says which datasource it edits, and the column says what it holds.
    expect(row.get_by_role("link", name="Edit Dropbox", exact=True)).to_have_attribute(
        "href", f"/editor/datasources/{datasource.pk}/"
    )
    table = page.get_by_role("table").filter(has=row)
    expect(table.get_by_role("columnheader", name="Actions")).to_have_count(1)
    assert page.errors == []


def test_a_viewer_sees_the_applications_to_open_and_nothing_to_edit(
    new_page: Any, members: dict[str, Any], workspace: Any, application: Any, datasource: Any
) -> None:
    page = new_page(members["viewer"])
    page.goto("/editor/")

    card = page.locator(f'[data-workspace="{workspace.pk}"]')
    row = card.locator(f'[data-application="{application.pk}"]')
    expect(row.get_by_role("link", name="View app Portal")).to_have_attribute(
        "href", f"/apps/{application.pk}/"
    )
    expect(row.get_by_role("button")).to_have_count(0)
    expect(row.get_by_role("link", name="Edit Portal")).to_have_count(0)
    expect(card.get_by_role("textbox", name="New application name")).to_have_count(0)
    expect(card.get_by_role("heading", name="Datasources")).to_have_count(0)
    expect(card.locator(".field-error")).to_have_count(0)
    expect(page.locator(f'[data-datasource="{datasource.pk}"]')).to_have_count(0)
    assert page.errors == []


def row_menu(page: Any, name: str, item: str) -> None:
    page.get_by_role("button", name=f"More actions for {name}").click()
    page.get_by_role("menuitem", name=item).click()


def test_an_application_is_created_renamed_and_opened(
    new_page: Any, members: dict[str, Any], workspace: Any
) -> None:
    from builder.models import Application

    page = new_page(members["developer"])
    page.goto("/editor/")
    card = page.locator(f'[data-workspace="{workspace.pk}"]')
    expect(card).to_contain_text("No applications yet.")

    card.get_by_role("button", name="Create application").click()
    field = card.get_by_role("textbox", name="New application name")
    expect(card.get_by_role("alert")).to_have_text("Give the application a name.")
    field.fill("Orders")
    field.press("Enter")
    expect(card.get_by_role("link", name="Orders", exact=True)).to_be_visible()
    created = Application.objects.get(name="Orders")
    assert created.workspace_id == workspace.pk

    row_menu(page, "Orders", "Rename")
    rename = card.get_by_role("textbox", name="New name for Orders")
    rename.fill("Order desk")
    rename.press("Enter")
    expect(card.get_by_role("link", name="Order desk", exact=True)).to_be_visible()
    created.refresh_from_db()
    assert created.name == "Order desk"

    card.get_by_role("link", name="Edit Order desk").click()
    first = created.pages.get()
    expect(page).to_have_url(f"/editor/apps/{created.pk}/pages/{first.pk}/")
    expect(page.get_by_role("navigation", name="Explorer")).to_be_visible()
    assert page.errors == []


def test_a_refused_name_is_shown_where_it_was_typed(
    new_page: Any, members: dict[str, Any], application: Any
) -> None:
    page = new_page(members["developer"])
    page.goto("/editor/")
    row = page.locator(f'[data-application="{application.pk}"]')

    row_menu(page, "Portal", "Rename")
    field = row.get_by_role("textbox", name="New name for Portal")
    field.fill("x" * 121)
    field.press("Enter")

    expect(row.get_by_role("alert")).to_contain_text("120")
    expect(field).to_have_attribute("aria-invalid", "true")
    field.press("Escape")
    expect(row.get_by_role("link", name="Portal", exact=True)).to_be_visible()
    application.refresh_from_db()
    assert application.name == "Portal"

    create = page.get_by_role("textbox", name="New application name")
    create.fill("y" * 121)
    create.press("Enter")
    expect(page.locator(".new-app").get_by_role("alert")).to_contain_text("120")
    assert page.errors == []


def test_deleting_an_application_names_its_pages_and_queries(
    new_page: Any, members: dict[str, Any], application: Any, seeded_page: Any
) -> None:
    from builder.models import Action, Application

    page = new_page(members["developer"])
    page.goto("/editor/")

    row_menu(page, "Portal", "Delete")
    dialog = page.get_by_role("alertdialog", name="Delete Portal?")
    expect(dialog.get_by_role("listitem")).to_have_text(["Page Page1", "Query UploadFileToDropbox"])
    dialog.get_by_role("button", name="Cancel").click()
    expect(page.locator(f'[data-application="{application.pk}"]')).to_be_visible()
    assert Application.objects.filter(pk=application.pk).exists()

    row_menu(page, "Portal", "Delete")
    page.get_by_role("alertdialog", name="Delete Portal?").get_by_role(
        "button", name="Delete application"
    ).click()
    expect(page.locator(f'[data-application="{application.pk}"]')).to_have_count(0)
    expect(page.locator("#banner")).to_contain_text("Portal is deleted.")
    expect(page.get_by_text("No applications yet.")).to_be_visible()
    assert not Application.objects.filter(pk=application.pk).exists()
    assert not Action.objects.exists()
    assert page.errors == []


def test_a_refused_delete_says_why_and_keeps_the_application(
    new_page: Any, members: dict[str, Any], application: Any
) -> None:
    page = new_page(members["developer"])
    body = '{"code": "conflict", "message": "The application is still referenced."}'
    page.route(
        "**/api/v1/applications/*/",
        lambda route: (
            route.fulfill(status=409, content_type="application/json", body=body)
            if route.request.method == "DELETE"
            else route.continue_()
        ),
    )
    page.goto("/editor/")

    row_menu(page, "Portal", "Delete")
    page.get_by_role("alertdialog", name="Delete Portal?").get_by_role(
        "button", name="Delete application"
    ).click()

    alert = page.get_by_role("alertdialog", name="Portal was not deleted")
    expect(alert).to_contain_text("The application is still referenced.")
    alert.get_by_role("button", name="OK").click()
    expect(page.locator(f'[data-application="{application.pk}"]')).to_be_visible()
    assert page.errors == []


def test_an_application_is_duplicated_below_it(
    new_page: Any, members: dict[str, Any], application: Any
) -> None:
    from builder.models import Application

    page = new_page(members["developer"])
    page.goto("/editor/")

    row_menu(page, "Portal", "Duplicate")

    expect(page.locator("[data-application]")).to_have_count(2)
    assert Application.objects.count() == 2
    assert page.errors == []
