"""The editor's canvas and widget palette in Chromium, driven by role and label.

Drags go through the mouse (down, moves in steps, up): interact.js follows
pointer events. What a change did is read back twice: on the screen (the
widget's group, its box on the grid) and in the layout the editor saved
through the API (`saved`), which is what survives a reload.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.editor_page import Editor, children, find, get, node, position, root

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def editor(open_editor: Callable[..., Any], application: Any) -> Callable[..., Editor]:
    """editor(layout=None) -> the editor open on Page1, holding `layout` if given."""
    from builder.services.pages import update_page

    def open_it(layout: dict[str, Any] | None = None) -> Editor:
        page_model = application.pages.get(name="Page1")
        if layout is not None:
            page_model = update_page(page=page_model, layout=layout)
        tab = open_editor(before=lambda tab: tab.set_viewport_size({"width": 1440, "height": 900}))
        expect(tab.locator("#editor")).to_have_attribute("aria-busy", "false")
        return Editor(tab, page_model)

    return open_it


def test_the_palette_lists_every_widget_type_with_icon_and_label(
    editor: Callable[..., Editor],
) -> None:
    from widgets.registry import default_registry

    ed = editor()

    items = ed.palette.get_by_role("button")
    expect(items).to_have_count(len(default_registry))
    assert [item.get_attribute("data-type") for item in items.all()] == default_registry.names()
    for label in ("Container", "Text", "Button", "Input"):
        item = ed.palette.get_by_role("button", name=label, exact=True)
        expect(item).to_be_visible()
        expect(item.locator("svg path")).to_have_count(1)
    assert ed.tab.errors == []


def test_a_widget_dragged_from_the_palette_lands_where_it_is_dropped(
    editor: Callable[..., Editor],
) -> None:
    ed = editor()

    ed.drag_from_palette("Button", ed.cell(10, 5))

    button = ed.widget("Button1", "Button")
    expect(button).to_have_attribute("aria-selected", "true")
    expect(
        button.get_by_role("button", name="Resize Button1 (Button) by its bottom-right corner")
    ).to_be_visible()
    layout = ed.saved(lambda layout: find(layout, "Button1") is not None)
    assert position(layout, "Button1")[:2] == (10, 5)
    grid, box = ed.grid(), button.bounding_box()
    column = (grid["width"] - 2) / 64
    assert box["x"] == pytest.approx(grid["x"] + 1 + 10 * column, abs=1.5)
    assert box["y"] == pytest.approx(grid["y"] + 1 + 50, abs=1.5)
    assert ed.tab.errors == []


def test_a_widget_dropped_into_a_container_goes_on_its_grid(editor: Callable[..., Editor]) -> None:
    box = {**node("Box", "Container", 0, 0, 40, 20), "children": []}
    ed = editor(root(box))

    ed.drag_from_palette("Text", ed.cell(3, 2, parent="Box"))

    expect(ed.widget("Text1", "Text")).to_be_visible()
    layout = ed.saved(lambda layout: find(layout, "Text1") is not None)
    assert children(layout, "Box") == ["Text1"]
    assert position(layout, "Text1")[:2] == (3, 2)
    assert ed.tab.errors == []


def test_a_containers_grid_shows_only_while_a_widget_is_dragged(
    editor: Callable[..., Editor],
) -> None:
    # 64 columns in a narrow Container: at rest its dots ran into stripes.
    box = {**node("Box", "Container", 0, 0, 16, 20), "children": []}
    ed = editor(root(box))
    grid = ed.widget("Box", "Container").locator('[data-grid="Box"]')

    def dots() -> str:
        return str(grid.evaluate("el => getComputedStyle(el).backgroundImage"))

    assert dots() == "none"
    item = ed.palette.get_by_role("button", name="Text", exact=True).bounding_box()
    mouse = ed.tab.mouse
    mouse.move(item["x"] + item["width"] / 2, item["y"] + item["height"] / 2)
    mouse.down()
    mouse.move(item["x"] + 30, item["y"] + 30, steps=3)
    mouse.move(*ed.cell(2, 2, parent="Box"), steps=12)
    expect(ed.canvas.locator(".canvas-drop-preview")).to_be_visible()
    assert "radial-gradient" in dots()
    mouse.up()
    expect(ed.widget("Text1", "Text")).to_be_visible()
    assert dots() == "none"
    assert ed.tab.errors == []


def test_a_drop_outside_the_grid_is_refused_with_a_message(editor: Callable[..., Editor]) -> None:
    ed = editor()

    properties = ed.tab.get_by_role("complementary", name="Properties").bounding_box()
    ed.drag_from_palette("Button", (properties["x"] + 40, properties["y"] + 200))

    expect(ed.canvas.get_by_role("alert")).to_have_text(
        "The Button was dropped outside the grid: drop it on the canvas or in a container."
    )
    expect(ed.canvas.get_by_role("group")).to_have_count(0)
    assert ed.tab.errors == []


def test_an_empty_page_says_how_to_begin_until_it_holds_a_widget(
    editor: Callable[..., Editor],
) -> None:
    ed = editor()
    hint = ed.canvas.get_by_text("Drag a widget from the palette, or press Enter on one.")
    expect(hint).to_be_visible()
    ed.tab.screenshot(path=str(SCREENSHOTS / "canvas-empty.png"))

    # Dropped onto the hint: it lets the drop through to the grid.
    ed.drag_from_palette("Button", ed.cell(20, 6))
    expect(ed.widget("Button1", "Button")).to_be_visible()
    expect(hint).to_be_hidden()
    ed.saved(lambda layout: find(layout, "Button1") is not None)
    ed.tab.keyboard.press("ControlOrMeta+z")
    expect(ed.widget("Button1", "Button")).to_have_count(0)
    expect(hint).to_be_visible()
    assert ed.tab.errors == []


def test_enter_on_a_palette_item_adds_the_widget_at_the_first_free_place(
    editor: Callable[..., Editor],
) -> None:
    ed = editor(root(node("Wide", "Text", 0, 0, 40, 4, text="Top")))

    ed.palette.get_by_role("button", name="Button", exact=True).focus()
    ed.tab.keyboard.press("Enter")

    expect(ed.widget("Button1", "Button")).to_have_attribute("aria-selected", "true")
    layout = ed.saved(lambda layout: find(layout, "Button1") is not None)
    assert position(layout, "Button1") == (40, 0, 16, 4)
    assert ed.tab.errors == []


def test_a_drop_pushes_the_widgets_below_down(editor: Callable[..., Editor]) -> None:
    ed = editor(
        root(node("A", "Text", 0, 2, 20, 4, text="A"), node("B", "Text", 0, 6, 20, 4, text="B"))
    )

    ed.drag_from_palette("Button", ed.cell(2, 0))

    layout = ed.saved(lambda layout: find(layout, "Button1") is not None)
    assert position(layout, "Button1") == (2, 0, 16, 4)
    assert position(layout, "A") == (0, 4, 20, 4)
    assert position(layout, "B") == (0, 8, 20, 4)
    assert ed.tab.errors == []


def test_a_drag_moves_a_widget_and_one_undo_puts_it_back(editor: Callable[..., Editor]) -> None:
    ed = editor(root(node("Button1", "Button", 4, 4, 16, 4, text="Go")))
    button = ed.widget("Button1", "Button")
    start = button.bounding_box()

    column = (ed.grid()["width"] - 2) / 64
    ed.drag(
        (start["x"] + 20, start["y"] + 20),
        (start["x"] + 20 + 10 * column, start["y"] + 20 + 60),
    )

    layout = ed.saved(lambda layout: position(layout, "Button1")[:2] != (4, 4))
    assert position(layout, "Button1") == (14, 10, 16, 4)
    expect(button).to_have_attribute("aria-selected", "true")
    ed.tab.keyboard.press("Control+z")
    layout = ed.saved(lambda layout: position(layout, "Button1")[:2] == (4, 4))
    ed.tab.keyboard.press("Control+Shift+z")
    ed.saved(lambda layout: position(layout, "Button1") == (14, 10, 16, 4))
    assert ed.tab.errors == []


def test_a_drag_moves_a_selection_together(editor: Callable[..., Editor]) -> None:
    ed = editor(
        root(node("A", "Text", 4, 4, 10, 4, text="A"), node("B", "Text", 20, 4, 10, 4, text="B"))
    )
    a = ed.widget("A", "Text")
    a.click()
    ed.widget("B", "Text").click(modifiers=["Shift"])
    start = a.bounding_box()

    column = (ed.grid()["width"] - 2) / 64
    ed.drag(
        (start["x"] + 10, start["y"] + 10), (start["x"] + 10 + 6 * column, start["y"] + 10 + 30)
    )

    layout = ed.saved(lambda layout: position(layout, "A") != (4, 4, 10, 4))
    assert (position(layout, "A"), position(layout, "B")) == ((10, 7, 10, 4), (26, 7, 10, 4))
    assert ed.tab.errors == []


def test_a_widget_moves_into_a_container_by_drag(editor: Callable[..., Editor]) -> None:
    box = {**node("Box", "Container", 30, 0, 30, 20), "children": []}
    ed = editor(root(box, node("Label", "Text", 0, 0, 10, 4, text="Label")))
    label = ed.widget("Label", "Text").bounding_box()

    target = ed.cell(4, 4, parent="Box")
    ed.drag((label["x"] + 5, label["y"] + 5), (target[0], target[1]))

    layout = ed.saved(lambda layout: children(layout, "Box") != [])
    assert children(layout, "Box") == ["Label"]
    assert ed.tab.errors == []


def test_the_handles_resize_a_widget_and_push_its_neighbour_down(
    editor: Callable[..., Editor],
) -> None:
    ed = editor(
        root(node("Button1", "Button", 0, 0, 16, 4), node("Right", "Text", 20, 0, 10, 4, text="R"))
    )
    ed.widget("Button1", "Button").click()

    handle = ed.canvas.get_by_role(
        "button", name="Resize Button1 (Button) by its bottom-right corner"
    )
    corner = handle.bounding_box()
    column = (ed.grid()["width"] - 2) / 64
    x, y = corner["x"] + corner["width"] / 2, corner["y"] + corner["height"] / 2
    ed.drag((x, y), (x + 8 * column, y + 20))

    layout = ed.saved(lambda layout: position(layout, "Button1") != (0, 0, 16, 4))
    assert position(layout, "Button1") == (0, 0, 24, 6)
    assert position(layout, "Right") == (20, 6, 10, 4)
    assert ed.tab.errors == []


def test_shift_click_selects_several_arrows_nudge_escape_and_delete(
    editor: Callable[..., Editor],
) -> None:
    ed = editor(
        root(
            node("A", "Text", 4, 4, 10, 4, text="A"),
            node("B", "Text", 20, 4, 10, 4, text="B"),
            node("C", "Text", 40, 4, 10, 4, text="C"),
        )
    )
    a, b, c = ed.widget("A", "Text"), ed.widget("B", "Text"), ed.widget("C", "Text")

    a.click()
    b.click(modifiers=["Shift"])
    expect(a).to_have_attribute("aria-selected", "true")
    expect(b).to_have_attribute("aria-selected", "true")
    expect(c).to_have_attribute("aria-selected", "false")
    ed.tab.keyboard.press("ArrowRight")
    ed.tab.keyboard.press("ArrowDown")
    layout = ed.saved(lambda layout: position(layout, "A") == (5, 5, 10, 4))
    assert position(layout, "B") == (21, 5, 10, 4)
    assert position(layout, "C") == (40, 4, 10, 4)

    ed.tab.keyboard.press("Escape")
    expect(a).to_have_attribute("aria-selected", "false")
    expect(b).to_have_attribute("aria-selected", "false")

    c.focus()
    ed.tab.keyboard.press("Enter")
    expect(c).to_have_attribute("aria-selected", "true")
    ed.tab.keyboard.press("Delete")
    expect(c).to_have_count(0)
    ed.saved(lambda layout: find(layout, "C") is None)
    assert ed.tab.errors == []


def test_shift_arrows_resize_the_selected_widget(editor: Callable[..., Editor]) -> None:
    ed = editor(root(node("A", "Text", 4, 4, 10, 4, text="A")))
    ed.widget("A", "Text").click()

    ed.tab.keyboard.press("Shift+ArrowRight")
    ed.tab.keyboard.press("Shift+ArrowDown")
    ed.tab.keyboard.press("Shift+ArrowDown")

    ed.saved(lambda layout: position(layout, "A") == (4, 4, 11, 6))
    assert ed.tab.errors == []


def test_a_nudge_off_the_grid_says_so_and_changes_nothing(editor: Callable[..., Editor]) -> None:
    ed = editor(root(node("A", "Text", 0, 4, 10, 4, text="A")))
    ed.widget("A", "Text").click()

    ed.tab.keyboard.press("ArrowLeft")

    expect(ed.canvas.get_by_role("alert")).to_have_text("A is at the edge of the grid.")
    assert position(ed.saved(lambda layout: True), "A") == (0, 4, 10, 4)
    assert ed.tab.errors == []


def test_copy_paste_and_duplicate_make_unique_names(editor: Callable[..., Editor]) -> None:
    ed = editor(root(node("Button1", "Button", 0, 0, 16, 4, text="Go")))
    ed.widget("Button1", "Button").click()

    ed.tab.keyboard.press("Control+c")
    ed.tab.keyboard.press("Control+v")
    pasted = ed.widget("Button2", "Button")
    expect(pasted).to_have_attribute("aria-selected", "true")
    ed.tab.keyboard.press("Control+d")
    expect(ed.widget("Button3", "Button")).to_have_attribute("aria-selected", "true")

    layout = ed.saved(lambda layout: find(layout, "Button3") is not None)
    assert position(layout, "Button2") == (0, 4, 16, 4)
    assert position(layout, "Button3") == (0, 8, 16, 4)
    assert get(layout, "Button3")["props"] == {"text": "Go"}
    assert ed.tab.errors == []


def test_a_paste_of_foreign_clipboard_content_says_so_and_changes_nothing(
    editor: Callable[..., Editor],
) -> None:
    ed = editor(root(node("Button1", "Button", 0, 0, 16, 4, text="Go")))
    ed.tab.context.grant_permissions(["clipboard-read", "clipboard-write"])
    ed.tab.evaluate("navigator.clipboard.writeText('just some text')")
    ed.widget("Button1", "Button").click()

    ed.tab.keyboard.press("Control+v")

    expect(ed.canvas.get_by_role("alert")).to_have_text(
        "The clipboard holds no Brace widgets: "
        "select widgets on the canvas and copy them (Ctrl+C) first."
    )
    expect(ed.canvas.get_by_role("group")).to_have_count(1)
    assert ed.tab.errors == []


def test_widgets_show_evaluated_values_and_error_markers(editor: Callable[..., Editor]) -> None:
    ed = editor(
        root(
            node("Sum", "Text", 0, 0, 20, 4, text="{{ 1 + 2 }} items"),
            node("Broken", "Text", 0, 6, 20, 4, text="{{ Nope.value }}"),
        )
    )

    expect(ed.widget("Sum", "Text")).to_have_text("3 items")
    marker = ed.widget("Broken", "Text").get_by_role("img")
    expect(marker).to_be_visible()
    expect(marker).to_have_attribute(
        "aria-label", "Binding errors: text: ReferenceError: Nope is not defined"
    )
    assert ed.tab.errors == []


def test_preview_hides_the_handles_and_lets_widgets_work(editor: Callable[..., Editor]) -> None:
    ed = editor(root(node("Name", "Input", 0, 0, 20, 7, label="Name")))
    ed.widget("Name", "Input").click()
    # While editing, a click selects the widget and its field takes no input.
    expect(ed.widget("Name", "Input")).to_be_focused()
    assert ed.canvas.get_by_role("textbox").evaluate("el => el.closest('[inert]') !== null")

    ed.tab.get_by_role("button", name="Preview").click()

    field = ed.canvas.get_by_role("textbox", name="Name")
    field.fill("Ann")
    expect(field).to_have_value("Ann")
    expect(
        ed.canvas.get_by_role("button", name="Resize Name (Input) by its bottom-right corner")
    ).to_have_count(0)
    expect(ed.widget("Name", "Input")).to_have_attribute("aria-selected", "false")
    assert ed.tab.errors == []
