"""The property pane inside the editor, against the real server.

A widget picked in the Explorer shows its properties; edits are saved through
the API, the values and errors under the fields are the server's evaluation
of the unsaved layout, a refused save is shown at the field, and the action
selector's handler is what gets stored.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAYOUT: dict[str, Any] = {
    "widgetName": "MainContainer",
    "type": "Container",
    "props": {},
    "position": {"x": 0, "y": 0, "w": 64, "h": 60},
    "children": [
        {"widgetName": "FilePicker1", "type": "FilePicker", "props": {},
         "position": {"x": 2, "y": 1, "w": 20, "h": 4}, "children": []},
        {"widgetName": "Text1", "type": "Text", "props": {"text": "Hello"},
         "position": {"x": 2, "y": 6, "w": 30, "h": 4}, "children": []},
        {"widgetName": "Button1", "type": "Button", "props": {},
         "position": {"x": 2, "y": 11, "w": 12, "h": 4}, "children": []},
    ],
}  # fmt: skip


def select(page: Any, name: str) -> None:
    page.get_by_role("navigation", name="Explorer").get_by_role(
        "button", name=name, exact=True
    ).click()


@pytest.fixture
def editor(
    new_page: Any,
    members: dict[str, Any],
    application: Any,
) -> Any:
    """A developer's editor on Page1 holding LAYOUT and a query, Text1 selected."""
    from builder.services.actions import create_action
    from builder.services.pages import update_page

    page1 = application.pages.get(name="Page1")
    update_page(page=page1, layout=LAYOUT)
    create_action(
        page=page1,
        name="UploadFileToDropbox",
        config={"method": "POST", "path": "https://content.dropboxapi.test/2/files/upload"},
    )
    page = new_page(members["developer"])
    page.goto(f"/editor/apps/{application.pk}/pages/{page1.pk}/")
    expect(page.locator("#editor")).to_have_attribute("aria-busy", "false")
    select(page, "Text1")
    page.page1 = page1
    return page


def saved_props(page: Any, name: str) -> dict[str, Any]:
    """The widget's props as the server holds them, once the editor says Saved."""
    expect(page.get_by_role("toolbar", name="Editor").get_by_role("status")).to_have_text("Saved")
    page.page1.refresh_from_db()
    widget = next(w for w in page.page1.layout["children"] if w["widgetName"] == name)
    return dict(widget.get("props") or {})


def test_a_binding_typed_after_the_js_toggle_shows_its_evaluated_value(editor: Any) -> None:
    pane = editor.get_by_role("complementary", name="Properties")
    expect(pane.get_by_role("textbox", name="Widget name")).to_have_value("Text1")
    pane.get_by_role("button", name="JS for Text", exact=True).click()
    code = pane.get_by_role("textbox", name="Text", exact=True)
    code.click()
    editor.keyboard.press("ControlOrMeta+a")
    editor.keyboard.type("{{FilePicker1.files.length + ' files'")
    editor.keyboard.press("Escape")
    field = pane.locator('[data-field="Text1.text"]')
    expect(field.locator(".pp-evaluated-value")).to_have_text("0 files")
    expect(field.locator(".pp-evaluated-type")).to_have_text("string")
    assert saved_props(editor, "Text1")["text"] == "{{FilePicker1.files.length + ' files'}}"

    # A syntax error is named under the field, with its line.
    code.click()
    editor.keyboard.press("ControlOrMeta+End")
    editor.keyboard.press("ArrowLeft")
    editor.keyboard.press("ArrowLeft")
    editor.keyboard.type(" +")
    expect(field.get_by_role("alert")).to_contain_text(re.compile(r"SyntaxError: .+\(line \d+"))
    expect(field.locator(".pp-evaluated")).to_be_hidden()
    assert editor.errors == []


def test_ctrl_z_in_a_code_field_undoes_its_typing_and_outside_the_editors_step(
    editor: Any,
) -> None:
    pane = editor.get_by_role("complementary", name="Properties")
    toolbar = editor.get_by_role("toolbar", name="Editor")
    alignment = pane.get_by_label("Alignment", exact=True)
    alignment.select_option("CENTER")
    pane.get_by_role("button", name="JS for Text", exact=True).click()
    code = pane.get_by_role("textbox", name="Text", exact=True)
    code.click()
    editor.keyboard.press("ControlOrMeta+End")
    editor.keyboard.type("!")
    assert saved_props(editor, "Text1")["text"] == "Hello!"

    # In the field (its key presses come from inside a shadow root): the
    # field's own history undoes the typing, the editor's steps stay. The
    # second press finds nothing typed left to undo, and still leaves the
    # alignment, the step before, alone.
    editor.keyboard.press("Control+z")
    expect(code).to_have_text("Hello")
    editor.keyboard.press("Control+z")
    expect(code).to_have_text("Hello")
    props = saved_props(editor, "Text1")
    assert (props["text"], props["textAlign"]) == ("Hello", "CENTER")
    expect(toolbar.get_by_role("button", name="Redo")).to_be_disabled()

    # Outside any field (the canvas): the editor's steps are undone.
    editor.get_by_role("main", name="Canvas").click(position={"x": 5, "y": 5})
    editor.keyboard.press("Control+z")
    expect(toolbar.get_by_role("button", name="Redo")).to_have_attribute(
        "title", "Redo Set Text1.text (Ctrl+Shift+Z)"
    )
    editor.keyboard.press("Control+z")
    expect(alignment).to_have_value("LEFT")
    assert "textAlign" not in saved_props(editor, "Text1")  # back to the default
    assert editor.errors == []


def test_autocomplete_in_the_editor_offers_widgets_then_their_properties(editor: Any) -> None:
    pane = editor.get_by_role("complementary", name="Properties")
    pane.get_by_role("button", name="JS for Text", exact=True).click()
    pane.get_by_role("textbox", name="Text", exact=True).click()
    editor.keyboard.press("ControlOrMeta+a")
    editor.keyboard.type("{{FileP")
    options = editor.get_by_role("listbox")
    # Picked with the mouse: CodeMirror ignores Enter for a moment after the
    # list opens (its interactionDelay), so a typing robot's Enter may miss.
    options.get_by_role("option", name=re.compile(r"^FilePicker1")).click()
    editor.keyboard.type(".fi")
    options.get_by_role("option", name=re.compile(r"^files")).click()
    assert saved_props(editor, "Text1")["text"] == "{{FilePicker1.files}}"


def test_select_switch_and_colour_controls_save(editor: Any) -> None:
    pane = editor.get_by_role("complementary", name="Properties")
    pane.get_by_label("Alignment", exact=True).select_option("CENTER")
    pane.get_by_role("switch", name="Visible").click()
    pane.get_by_label("Text color", exact=True).fill("#ff0000")
    props = saved_props(editor, "Text1")
    assert (props["textAlign"], props["isVisible"], props["textColor"]) == (
        "CENTER",
        False,
        "#ff0000",
    )


def test_a_refused_save_is_shown_under_the_field(editor: Any) -> None:
    pane = editor.get_by_role("complementary", name="Properties")
    pane.get_by_label("Text color", exact=True).fill("red;")
    field = pane.locator('[data-field="Text1.textColor"]')
    expect(field.get_by_role("alert")).to_contain_text("is not a color")


def test_the_action_selector_stores_a_query_run_with_a_success_alert(editor: Any) -> None:
    select(editor, "Button1")
    pane = editor.get_by_role("complementary", name="Properties")
    pane.get_by_role("button", name="Add action to onClick").click()
    step = pane.get_by_role("group", name="onClick action 1")
    step.get_by_label("Query", exact=True).select_option("UploadFileToDropbox")
    step.get_by_role("button", name="Add action to onClick action 1 on success").click()
    success = step.get_by_role("group", name="onClick action 1 on success action 1")
    success.get_by_label("Action", exact=True).select_option("showAlert")
    success.get_by_label("Message", exact=True).fill("Uploaded")
    assert saved_props(editor, "Button1")["onClick"] == (
        "{{UploadFileToDropbox.run().then(() => { showAlert('Uploaded', 'success'); })}}"
    )


def test_an_alert_with_no_message_yet_is_kept_across_a_reload(editor: Any) -> None:
    # Like Appsmith's action block: an action added and not filled in yet
    # stays where it was put.
    select(editor, "Button1")
    pane = editor.get_by_role("complementary", name="Properties")
    pane.get_by_role("button", name="Add action to onClick").click()
    step = pane.get_by_role("group", name="onClick action 1")
    step.get_by_label("Action", exact=True).select_option("showAlert")
    expect(step.get_by_label("Message", exact=True)).to_have_value("")
    assert saved_props(editor, "Button1")["onClick"] == "{{showAlert('', 'success')}}"

    editor.reload()
    select(editor, "Button1")
    step = pane.get_by_role("group", name="onClick action 1")
    expect(step.get_by_label("Action", exact=True)).to_have_value("showAlert")
    expect(step.get_by_label("Message", exact=True)).to_have_value("")
    expect(pane.get_by_role("button", name="JS for onClick")).to_have_attribute(
        "aria-pressed", "false"
    )
    assert editor.errors == []


def test_renaming_to_a_taken_name_says_so_at_the_name(editor: Any) -> None:
    pane = editor.get_by_role("complementary", name="Properties")
    name = pane.get_by_role("textbox", name="Widget name")
    name.fill("FilePicker1")
    name.press("Enter")
    expect(pane.get_by_role("alert").first).to_contain_text("FilePicker1")
    expect(name).to_have_attribute("aria-invalid", "true")
    name.fill("Greeting")
    name.press("Enter")
    explorer = editor.get_by_role("navigation", name="Explorer")
    expect(explorer.get_by_role("button", name="Greeting", exact=True)).to_be_visible()
    expect(pane.get_by_role("textbox", name="Widget name")).to_have_value("Greeting")


def test_a_focused_fields_help_does_not_move_the_fields_below_it(editor: Any) -> None:
    # The help used to sit in the pane's flow: leaving a field hid it between
    # the press and the release of a click below, and the click was lost.
    select(editor, "Button1")
    pane = editor.get_by_role("complementary", name="Properties")
    add = pane.get_by_role("button", name="Add action to onClick")
    before = add.bounding_box()
    pane.get_by_label("Label", exact=True).fill("Go")
    expect(pane.get_by_text("The button's label.")).to_be_visible()
    assert add.bounding_box() == before
    add.click()
    expect(pane.get_by_role("group", name="onClick action 1")).to_be_visible()
    expect(pane.get_by_text("The button's label.")).to_be_hidden()
