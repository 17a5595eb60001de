"""Issue 11's walk through the app builder, in one test, as a new user would do it.

From the applications list with the mouse and the keyboard only: create an
application, drag a FilePicker, a Text and a Button onto the canvas, resize
and move one, bind the Text to the FilePicker and read the evaluated value
under the field, make a syntax error and read it named, rename the Text and
see the Button's binding follow, undo and redo, reload and find it all saved,
publish and open the portal. A second browser context editing the same page
then gets the conflict message. Every step leaves a screenshot under
var/test-output/screenshots/ (builds-a-page-NN-<step>.png).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.editor_page import Editor, find, get, position

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = "var/test-output/screenshots"


class Steps:
    """Numbered screenshots of one tab, one per step of the walk."""

    def __init__(self, tab: Any) -> None:
        self.tab = tab
        self.count = 0

    def shot(self, step: str) -> None:
        self.count += 1
        self.tab.screenshot(path=f"{SCREENSHOTS}/builds-a-page-{self.count:02d}-{step}.png")


def pane(tab: Any) -> Any:
    return tab.get_by_role("complementary", name="Properties")


def status(tab: Any) -> Any:
    return tab.get_by_role("toolbar", name="Editor").get_by_role("status")


def select_in_explorer(tab: Any, name: str) -> None:
    tab.get_by_role("navigation", name="Explorer").get_by_role(
        "button", name=name, exact=True
    ).click()


def type_code(tab: Any, label: str, code: str) -> None:
    """Turns the property `label` into code with its JS toggle and types `code` into it."""
    properties = pane(tab)
    toggle = properties.get_by_role("button", name=f"JS for {label}", exact=True)
    if toggle.get_attribute("aria-pressed") != "true":
        toggle.click()
    field = properties.get_by_role("textbox", name=label, exact=True)
    field.click()
    tab.keyboard.press("ControlOrMeta+a")
    # CodeMirror closes brackets as they are typed: type the code without its
    # closing braces and let the field add them.
    tab.keyboard.type(code.removesuffix("}}"))
    tab.keyboard.press("Escape")


def test_a_new_user_builds_a_page_with_mouse_and_keyboard(
    new_page: Callable[..., Any], members: dict[str, Any], workspace: Any
) -> None:
    from builder.models import Application

    tab = new_page(members["developer"])
    tab.set_viewport_size({"width": 1440, "height": 900})
    steps = Steps(tab)

    # The applications list: create one and open it in the app builder.
    tab.goto("/editor/")
    card = tab.locator(f'[data-workspace="{workspace.pk}"]')
    card.get_by_role("button", name="Create application").click()
    card.get_by_role("textbox", name="New application name").fill("Uploads")
    card.get_by_role("textbox", name="New application name").press("Enter")
    expect(card.get_by_role("link", name="Uploads", exact=True)).to_be_visible()
    steps.shot("application-created")
    card.get_by_role("link", name="Edit Uploads").click()
    application = Application.objects.get(name="Uploads")
    page_model = application.pages.get()
    expect(tab).to_have_url(f"/editor/apps/{application.pk}/pages/{page_model.pk}/")
    expect(tab.locator("#editor")).to_have_attribute("aria-busy", "false")
    ed = Editor(tab, page_model)
    steps.shot("empty-canvas")

    # Three widgets from the palette, each where it is dropped.
    ed.drag_from_palette("File picker", ed.cell(2, 1))
    expect(ed.widget("FilePicker1", "FilePicker")).to_be_visible()
    ed.drag_from_palette("Text", ed.cell(2, 8))
    expect(ed.widget("Text1", "Text")).to_be_visible()
    ed.drag_from_palette("Button", ed.cell(30, 8))
    expect(ed.widget("Button1", "Button")).to_be_visible()
    layout = ed.saved(lambda layout: find(layout, "Button1") is not None)
    assert position(layout, "FilePicker1")[:2] == (2, 1)
    assert position(layout, "Text1")[:2] == (2, 8)
    assert position(layout, "Button1")[:2] == (30, 8)
    steps.shot("three-widgets-dropped")

    # Resize the Text by its bottom-right handle, then move the Button.
    text_widget = ed.widget("Text1", "Text")
    text_widget.click()
    handle = ed.canvas.get_by_role(
        "button", name="Resize Text1 (Text) by its bottom-right corner"
    ).bounding_box()
    corner = (handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    before_w = position(layout, "Text1")[2]
    column = (ed.grid()["width"] - 2) / 64
    ed.drag(corner, (corner[0] + 4 * column, corner[1] + 20))
    layout = ed.saved(lambda layout: position(layout, "Text1")[2] > before_w)
    x, y, w, h = position(layout, "Text1")
    assert (x, y) == (2, 8) and w == before_w + 4 and h >= 6
    button = ed.widget("Button1", "Button").bounding_box()
    grab = (button["x"] + 8, button["y"] + button["height"] / 2)
    ed.drag(grab, (grab[0] + 6 * column, grab[1]))
    layout = ed.saved(lambda layout: position(layout, "Button1")[0] == 36)
    assert position(layout, "Button1")[1] == 8
    steps.shot("resized-and-moved")

    # Bind the Text to the FilePicker: the evaluated value shows under the field.
    select_in_explorer(tab, "Text1")
    type_code(tab, "Text", "{{FilePicker1.files.length + ' files'}}")
    text_field = pane(tab).locator('[data-field="Text1.text"]')
    expect(text_field.locator(".pp-evaluated-value")).to_have_text("0 files")
    expect(text_field.locator(".pp-evaluated-type")).to_have_text("string")
    expect(ed.widget("Text1", "Text")).to_contain_text("0 files")
    steps.shot("binding-evaluated")

    # A syntax error is named under the field; nothing saved before is lost.
    code = pane(tab).get_by_role("textbox", name="Text", exact=True)
    code.click()
    tab.keyboard.press("ControlOrMeta+End")
    tab.keyboard.press("ArrowLeft")
    tab.keyboard.press("ArrowLeft")
    tab.keyboard.type(" +")
    expect(text_field.get_by_role("alert")).to_contain_text(
        re.compile(r"SyntaxError: .+\(line 1, column \d+\)")
    )
    steps.shot("syntax-error-named")
    tab.keyboard.press("Backspace")
    tab.keyboard.press("Backspace")
    tab.keyboard.press("Escape")
    expect(text_field.locator(".pp-evaluated-value")).to_have_text("0 files")

    # The Button's label reads the Text: renaming Text1 rewrites that binding.
    select_in_explorer(tab, "Button1")
    type_code(tab, "Label", "{{Text1.text}}")
    label_field = pane(tab).locator('[data-field="Button1.text"]')
    expect(label_field.locator(".pp-evaluated-value")).to_have_text("0 files")
    select_in_explorer(tab, "Text1")
    name = pane(tab).get_by_role("textbox", name="Widget name")
    name.fill("FileCount")
    name.press("Enter")
    expect(tab.get_by_role("navigation", name="Explorer")).to_contain_text("FileCount")
    expect(ed.widget("FileCount", "Text")).to_contain_text("0 files")
    layout = ed.saved(lambda layout: find(layout, "FileCount") is not None)
    assert get(layout, "Button1")["props"]["text"] == "{{FileCount.text}}"
    assert find(layout, "Text1") is None
    steps.shot("renamed-binding-followed")

    # Undo the rename (the binding goes back with it), then redo it.
    ed.canvas.click(position={"x": 5, "y": 5})  # leave the fields: the shortcut is the editor's
    tab.keyboard.press("ControlOrMeta+z")
    layout = ed.saved(lambda layout: find(layout, "Text1") is not None)
    assert get(layout, "Button1")["props"]["text"] == "{{Text1.text}}"
    expect(ed.widget("Text1", "Text")).to_be_visible()
    steps.shot("rename-undone")
    tab.keyboard.press("ControlOrMeta+Shift+z")
    layout = ed.saved(lambda layout: find(layout, "FileCount") is not None)
    assert get(layout, "Button1")["props"]["text"] == "{{FileCount.text}}"
    expect(ed.widget("FileCount", "Text")).to_be_visible()

    # A reload shows everything as it was left.
    expect(status(tab)).to_have_text("Saved")
    tab.reload()
    expect(tab.locator("#editor")).to_have_attribute("aria-busy", "false")
    for widget, widget_type in (
        ("FilePicker1", "FilePicker"),
        ("FileCount", "Text"),
        ("Button1", "Button"),
    ):
        expect(ed.widget(widget, widget_type)).to_be_visible()
    expect(ed.widget("FileCount", "Text")).to_contain_text("0 files")
    expect(ed.widget("Button1", "Button")).to_contain_text("0 files")
    steps.shot("reloaded")

    # Publish, then open the portal from "View app".
    toolbar = tab.get_by_role("toolbar", name="Editor")
    toolbar.get_by_role("button", name="Publish").click()
    expect(toolbar).to_contain_text("Published v1")
    steps.shot("published")
    with tab.context.expect_page() as opened:
        toolbar.get_by_role("link", name="View app").click()
    portal = opened.value
    portal.errors = []
    portal.on("pageerror", lambda error: portal.errors.append(str(error)))
    expect(portal.get_by_role("button", name="0 files")).to_be_visible()
    expect(portal.get_by_text("0 files", exact=True).first).to_be_visible()
    portal.screenshot(path=f"{SCREENSHOTS}/builds-a-page-{steps.count + 1:02d}-portal.png")
    steps.count += 1

    # A second browser context on the same page: its change after the first
    # tab's save is refused with the conflict message, and nothing is lost.
    other = new_page(members["developer"])
    other.goto(f"/editor/apps/{application.pk}/pages/{page_model.pk}/")
    expect(other.locator("#editor")).to_have_attribute("aria-busy", "false")
    select_in_explorer(tab, "FileCount")
    pane(tab).get_by_label("Alignment", exact=True).select_option("CENTER")
    layout = ed.saved(lambda layout: get(layout, "FileCount")["props"].get("textAlign") == "CENTER")
    select_in_explorer(other, "Button1")
    pane(other).get_by_label("Variant", exact=True).select_option("SECONDARY")
    dialog = other.get_by_role("alertdialog", name="This page was changed in another tab")
    expect(dialog).to_contain_text("Reload to get the latest version")
    expect(status(other)).to_contain_text("Not saved: This page was changed")
    other.screenshot(path=f"{SCREENSHOTS}/builds-a-page-{steps.count + 1:02d}-conflict.png")
    page_model.refresh_from_db()
    assert get(page_model.layout, "FileCount")["props"]["textAlign"] == "CENTER"
    assert get(page_model.layout, "Button1")["props"].get("buttonVariant") != "SECONDARY"
    assert tab.errors == [] and other.errors == [] and portal.errors == []
