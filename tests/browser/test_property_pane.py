"""The property pane in Chromium, mounted on a small store of its own.

`mountPropertyPane(root, store)` reads the store's state and calls
`store.edit` / `store.renameEntity`; here a page of Brace (so its CSP applies)
mounts the pane on a store written in the test (`window.paneStore`) whose
state the tests set, standing in for the server's evaluation and refusals,
and whose edits they read back. The whole editor, with the server's own
evaluation, is driven in test_editor_pane.py.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS
from widgets.types.file_picker import FILE_PICKER

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The widget types as GET widget-types/ describes them (docs/editor-api.md).
TYPES: list[dict[str, Any]] = [
    {
        "name": "Text",
        "label": "Text",
        "icon": "M5 4v3h5.5v12h3V7H19V4z",
        "properties": [
            {"name": "text", "label": "Text", "section": "General", "control": "text",
             "type": "string", "default": "", "bindable": True, "nullable": False,
             "help": "The text shown; may hold {{ }} bindings."},
            {"name": "isVisible", "label": "Visible", "section": "General", "control": "switch",
             "type": "boolean", "default": True, "bindable": True, "nullable": False},
            {"name": "fontSize", "label": "Font size", "section": "Style", "control": "text",
             "type": "string", "default": "0.875rem", "bindable": True, "nullable": False},
            {"name": "textAlign", "label": "Alignment", "section": "Style", "control": "select",
             "type": "enum", "default": "LEFT", "bindable": False, "nullable": False,
             "choices": ["LEFT", "CENTER", "RIGHT"]},
            {"name": "textColor", "label": "Text color", "section": "Style", "control": "color",
             "type": "string", "default": "#231F20", "bindable": True, "nullable": False},
        ],
        "meta": [],
        "derived": [],
        "events": [],
    },
    {
        "name": "FilePicker",
        "label": "File picker",
        "icon": "M14 2H6v20h12V6z",
        "properties": [
            {"name": "label", "label": "Label", "section": "General", "control": "text",
             "type": "string", "default": "Select Files", "bindable": True, "nullable": False},
            {"name": "maxNumFiles", "label": "Max no. of files", "section": "Validation",
             "control": "number", "type": "integer", "default": 1, "bindable": True,
             "nullable": False, "minimum": 1},
            {"name": "allowedFileTypes", "label": "Allowed file types", "section": "Validation",
             "control": "list", "type": "string_list", "default": ["*"], "bindable": True,
             "nullable": False},
        ],
        # The meta as widgets/ declares it: its shape is what completes files[0].
        "meta": FILE_PICKER.to_dict()["meta"],
        "derived": ["isValid"],
        "events": [{"name": "onFilesSelected", "label": "onFilesSelected",
                    "help": "Runs when an end user picks files."}],
    },
    {
        "name": "Button",
        "label": "Button",
        "icon": "M4 8h16v8H4z",
        "properties": [
            {"name": "text", "label": "Label", "section": "General", "control": "text",
             "type": "string", "default": "Submit", "bindable": True, "nullable": False},
            {"name": "buttonVariant", "label": "Button variant", "section": "Style",
             "control": "select", "type": "enum", "default": "PRIMARY", "bindable": True,
             "nullable": False, "choices": ["PRIMARY", "SECONDARY", "TERTIARY"]},
        ],
        "meta": [],
        "derived": [],
        "events": [{"name": "onClick", "label": "onClick", "help": "Runs when clicked."}],
    },
]  # fmt: skip

LAYOUT: dict[str, Any] = {
    "widgetName": "MainContainer",
    "type": "Container",
    "children": [
        {"widgetName": "FilePicker1", "type": "FilePicker", "props": {}},
        {"widgetName": "Text1", "type": "Text", "props": {"text": "Hello"}},
        {"widgetName": "Button1", "type": "Button", "props": {}},
    ],
}

# The store: state the tests set, edits applied to a copy of the layout and
# recorded, renames refused for "Taken" as the server would.
HARNESS = """
async ({ layout, types, selection }) => {
  const { mountPropertyPane } = await import("/static/editor/app/property_pane.js");
  const { findWidget } = await import("/static/editor/app/layout.js");
  const aside = document.createElement("aside");
  aside.setAttribute("aria-label", "Properties");
  aside.style.width = "300px";
  aside.style.border = "1px solid #dde1e6";
  document.querySelector("main").replaceChildren(aside);
  const listeners = new Set();
  const store = {
    state: {
      page: { layout }, pages: [{ name: "Page1" }, { name: "Page2" }],
      actions: [{ name: "UploadFileToDropbox" }, { name: "ListFiles" }],
      widgetTypes: new Map(types.map((type) => [type.name, type])),
      selection, evaluation: { values: {}, errors: {} }, fieldErrors: {},
    },
    edits: [],
    subscribe(listener) { listeners.add(listener); return () => listeners.delete(listener); },
    emit(kind) { for (const listener of listeners) listener(store.state, { kind }); },
    set(part, kind) { Object.assign(store.state, part); store.emit(kind); },
    edit(label, recipe, options) {
      const layout = recipe(structuredClone(store.state.page.layout));
      store.state = { ...store.state, page: { layout } };
      store.edits.push({ label, coalesce: options && options.coalesce });
      store.emit("layout");
    },
    prop(widget, prop) { return findWidget(store.state.page.layout, widget).node.props[prop]; },
    renameEntity(oldName, newName) {
      if (newName === "Taken") {
        const message = "The name Taken is already used by a widget or query of this page.";
        return Promise.reject(new Error(message));
      }
      const layout = structuredClone(store.state.page.layout);
      findWidget(layout, oldName).node.widgetName = newName;
      store.state = { ...store.state, page: { layout }, selection: [newName] };
      store.emit("entities");
      return Promise.resolve();
    },
  };
  window.paneStore = store;
  mountPropertyPane(aside, store);
}
"""


@pytest.fixture
def pane(new_page: Any, members: dict[str, Any], workspace: Any) -> Any:
    """pane(selection=["Text1"], layout=LAYOUT) -> the Playwright page with the pane mounted."""

    def mount(selection: list[str] | None = None, layout: dict[str, Any] | None = None) -> Any:
        page = new_page(members["developer"])
        page.goto("/editor/")
        page.evaluate(
            HARNESS,
            {
                "layout": json.loads(json.dumps(layout or LAYOUT)),
                "types": TYPES,
                "selection": selection or ["Text1"],
            },
        )
        page.set_viewport_size({"width": 900, "height": 900})
        return page

    return mount


def prop(page: Any, widget: str, name: str) -> Any:
    return page.evaluate("([w, p]) => window.paneStore.prop(w, p)", [widget, name])


def edits(page: Any) -> list[dict[str, Any]]:
    return list(page.evaluate("() => window.paneStore.edits"))


def test_the_pane_shows_the_widgets_name_type_and_sections(pane: Any) -> None:
    page = pane()
    aside = page.get_by_role("complementary", name="Properties")
    expect(aside.get_by_role("textbox", name="Widget name")).to_have_value("Text1")
    expect(aside.get_by_role("button", name="General")).to_have_attribute("aria-expanded", "true")
    expect(aside.get_by_role("button", name="Style")).to_be_visible()
    expect(aside.get_by_label("Text", exact=True)).to_have_value("Hello")
    expect(aside.get_by_role("switch", name="Visible")).to_be_checked()
    expect(aside.get_by_label("Alignment", exact=True)).to_have_value("LEFT")
    # Not bindable: no JS toggle.
    expect(aside.get_by_role("button", name="JS for Alignment")).to_have_count(0)
    aside.get_by_role("button", name="Style").click()
    expect(aside.get_by_label("Font size", exact=True)).to_be_hidden()
    assert page.errors == []


def test_several_selected_widgets_are_named_not_edited(pane: Any) -> None:
    page = pane(selection=["Text1", "Button1"])
    aside = page.get_by_role("complementary", name="Properties")
    expect(aside).to_contain_text("2 widgets are selected.")
    expect(aside.get_by_role("textbox")).to_have_count(0)
    page.evaluate("() => window.paneStore.set({ selection: [] }, 'selection')")
    expect(aside).to_contain_text("No widget is selected.")
    page.evaluate("() => window.paneStore.set({ selection: ['Button1'] }, 'selection')")
    expect(aside.get_by_role("textbox", name="Widget name")).to_have_value("Button1")


def test_select_switch_color_and_text_edit_the_layout(pane: Any) -> None:
    page = pane()
    aside = page.get_by_role("complementary", name="Properties")
    aside.get_by_label("Alignment", exact=True).select_option("CENTER")
    aside.get_by_role("switch", name="Visible").click()
    aside.get_by_label("Text color", exact=True).fill("#ff0000")
    aside.get_by_label("Text", exact=True).fill("Hi there")
    assert prop(page, "Text1", "textAlign") == "CENTER"
    assert prop(page, "Text1", "isVisible") is False
    assert prop(page, "Text1", "textColor") == "#ff0000"
    assert prop(page, "Text1", "text") == "Hi there"
    made = edits(page)
    assert {"label": "Set Text1.textAlign", "coalesce": "Text1.textAlign"} in made
    # Each keystroke is an edit of the same coalesce key: one undo step.
    typed = {edit["coalesce"] for edit in made if edit["label"] == "Set Text1.text"}
    assert typed == {"Text1.text"}
    # An undo (the store's layout changing) shows in the controls.
    page.evaluate(
        "() => { const s = window.paneStore; const l = structuredClone(s.state.page.layout);"
        " l.children[1].props.textAlign = 'RIGHT'; s.set({ page: { layout: l } }, 'layout'); }"
    )
    expect(aside.get_by_label("Alignment", exact=True)).to_have_value("RIGHT")


def test_number_and_list_controls(pane: Any) -> None:
    page = pane(selection=["FilePicker1"])
    aside = page.get_by_role("complementary", name="Properties")
    aside.get_by_label("Max no. of files", exact=True).fill("3")
    assert prop(page, "FilePicker1", "maxNumFiles") == 3
    aside.get_by_label("Max no. of files", exact=True).fill("")
    assert prop(page, "FilePicker1", "maxNumFiles") is None  # removed: the default applies
    expect(aside.get_by_label("Allowed file types 1", exact=True)).to_have_value("*")
    aside.get_by_role("button", name="Add to Allowed file types").click()
    aside.get_by_label("Allowed file types 2", exact=True).fill(".pdf")
    assert prop(page, "FilePicker1", "allowedFileTypes") == ["*", ".pdf"]
    aside.get_by_role("button", name="Remove Allowed file types 1").click()
    assert prop(page, "FilePicker1", "allowedFileTypes") == [".pdf"]


def test_the_js_toggle_turns_a_field_into_code_with_its_evaluated_value(pane: Any) -> None:
    page = pane()
    aside = page.get_by_role("complementary", name="Properties")
    toggle = aside.get_by_role("button", name="JS for Text", exact=True)
    expect(toggle).to_have_attribute("aria-pressed", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    code = aside.get_by_role("textbox", name="Text", exact=True)
    expect(code).to_have_text("Hello")
    code.click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("{{FilePicker1.files.length + ' files'")
    page.keyboard.press("Escape")
    # closeBrackets wrote the closing braces.
    assert prop(page, "Text1", "text") == "{{FilePicker1.files.length + ' files'}}"
    page.evaluate(
        "() => window.paneStore.set({ evaluation: { values: { Text1: { text: '0 files' } },"
        " errors: {} } }, 'evaluation')"
    )
    field = aside.locator('[data-field="Text1.text"]')
    expect(field.locator(".pp-evaluated")).to_contain_text("Evaluated value")
    expect(field.locator(".pp-evaluated")).to_contain_text("string")
    expect(field.locator(".pp-evaluated-value")).to_have_text("0 files")
    page.evaluate(
        "() => window.paneStore.set({ evaluation: { values: {}, errors: { 'Text1.text': [{"
        " code: 'syntax_error', name: 'SyntaxError', message: 'unexpected token', line: 1,"
        " column: 28 }] } } }, 'evaluation')"
    )
    expect(field.get_by_role("alert")).to_have_text(
        "SyntaxError: unexpected token (line 1, column 28)"
    )
    expect(field.locator(".pp-evaluated")).to_be_hidden()


SYNTAX_ERROR = (
    "() => window.paneStore.set({ evaluation: { values: {}, errors: { 'Text1.text': [{"
    " code: 'syntax_error', name: 'SyntaxError', message: 'expecting field name' }] } } },"
    " 'evaluation')"
)


def test_a_binding_error_waits_until_the_user_pauses_or_leaves_the_field(pane: Any) -> None:
    page = pane()
    # The browser's timers move only when the test says, so "a pause" is exact.
    page.clock.install()
    page.clock.pause_at(page.evaluate("() => Date.now()") + 1000)
    aside = page.get_by_role("complementary", name="Properties")
    aside.get_by_role("button", name="JS for Text", exact=True).click()
    code = aside.get_by_role("textbox", name="Text", exact=True)
    field = aside.locator('[data-field="Text1.text"]')
    code.click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.insert_text("{{Input1.")
    # The evaluation of the half-typed binding arrives while the user types: held.
    page.evaluate(SYNTAX_ERROR)
    expect(field).not_to_contain_text("SyntaxError")
    expect(field).not_to_have_class(re.compile("is-invalid"))
    page.clock.run_for(500)
    page.keyboard.insert_text("x")
    page.evaluate(SYNTAX_ERROR)
    page.clock.run_for(900)
    expect(field).not_to_contain_text("SyntaxError")
    # A second without typing: the error shows.
    page.clock.run_for(200)
    expect(field.get_by_role("alert")).to_have_text("SyntaxError: expecting field name")
    expect(field).to_have_class(re.compile("is-invalid"))

    # Typing again holds it; leaving the field shows it at once.
    code.click()
    page.keyboard.insert_text("y")
    page.evaluate(SYNTAX_ERROR)
    expect(field).not_to_contain_text("SyntaxError")
    page.keyboard.press("Escape")
    aside.get_by_role("textbox", name="Widget name").focus()
    expect(field.get_by_role("alert")).to_have_text("SyntaxError: expecting field name")
    # Values need no pause: they show as they come.
    code.click()
    page.keyboard.insert_text("z")
    page.evaluate(
        "() => window.paneStore.set({ evaluation: { values: { Text1: { text: 'ok' } },"
        " errors: {} } }, 'evaluation')"
    )
    expect(field.locator(".pp-evaluated-value")).to_have_text("ok")


def test_a_stored_binding_opens_in_code_mode_and_its_control_waits(pane: Any) -> None:
    layout = json.loads(json.dumps(LAYOUT))
    layout["children"][1]["props"]["isVisible"] = "{{FilePicker1.files.length > 0}}"
    page = pane(layout=layout)
    aside = page.get_by_role("complementary", name="Properties")
    toggle = aside.get_by_role("button", name="JS for Visible")
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(aside.get_by_role("textbox", name="Visible")).to_have_text(
        "{{FilePicker1.files.length > 0}}"
    )
    # A switch cannot show a binding: the toggle stays on, and says why.
    expect(toggle).to_have_attribute("aria-disabled", "true")
    why = "Holds code: clear the {{ }} binding to use the switch."
    expect(toggle).to_have_accessible_description(why)
    field = aside.locator('[data-field="Text1.isVisible"]')
    expect(field.get_by_text(why)).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "property-pane-locked-toggle.png"))
    # Code holding a literal is stored as the property's type, and the control comes back.
    aside.get_by_role("textbox", name="Visible").click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("false")
    assert prop(page, "Text1", "isVisible") is False
    expect(toggle).to_have_attribute("aria-disabled", "false")
    expect(toggle).not_to_have_attribute("aria-describedby", re.compile("."))
    expect(field.get_by_text(why)).to_be_hidden()
    toggle.click()
    expect(aside.get_by_role("switch", name="Visible")).not_to_be_checked()


def test_the_server_refusal_shows_under_the_field(pane: Any) -> None:
    page = pane()
    aside = page.get_by_role("complementary", name="Properties")
    aside.get_by_label("Text color", exact=True).fill("red;x")
    page.evaluate(
        "() => window.paneStore.set({ fieldErrors: { 'Text1.textColor':"
        " \"'red;x' is not a color: use #RRGGBB, rgb(...), hsl(...) or a color name.\" } }, 'save')"
    )
    field = aside.locator('[data-field="Text1.textColor"]')
    expect(field.get_by_role("alert")).to_contain_text("'red;x' is not a color")


def test_autocomplete_offers_entities_then_their_properties(pane: Any) -> None:
    page = pane()
    aside = page.get_by_role("complementary", name="Properties")
    aside.get_by_role("button", name="JS for Text", exact=True).click()
    aside.get_by_role("textbox", name="Text", exact=True).click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("{{File")
    options = page.get_by_role("listbox")
    # Picked with the mouse: CodeMirror ignores Enter for a moment after the
    # list opens (its interactionDelay), so a typing robot's Enter may miss.
    options.get_by_role("option", name=re.compile(r"^FilePicker1")).click()
    page.keyboard.type(".")
    expect(options.get_by_role("option").first).to_be_visible()
    expect(options.get_by_role("option", name=re.compile(r"^files"))).to_be_visible()
    expect(options.get_by_role("option", name=re.compile(r"^isValid"))).to_be_visible()
    page.keyboard.type("fi")
    options.get_by_role("option", name=re.compile(r"^files")).click()
    assert prop(page, "Text1", "text") == "{{FilePicker1.files}}"
    # Queries, appsmith.store and the handler functions complete too.
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("{{UploadFileToDropbox.")
    expect(options.get_by_role("option", name=re.compile(r"^data"))).to_be_visible()
    expect(options.get_by_role("option", name=re.compile(r"^run"))).to_be_visible()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("{{appsmith.")
    expect(options.get_by_role("option", name=re.compile(r"^store"))).to_be_visible()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("{{showAl")
    expect(options.get_by_role("option", name=re.compile(r"^showAlert"))).to_be_visible()


def test_deeper_keys_complete_from_the_evaluated_values(pane: Any) -> None:
    page = pane()
    page.evaluate(
        "() => window.paneStore.set({ evaluation: { values: { FilePicker1: { files: [{ id: 'f1',"
        " name: 'a.txt', size: 3, type: 'text/plain', data: 'blob:1' }] } }, errors: {} } },"
        " 'evaluation')"
    )
    aside = page.get_by_role("complementary", name="Properties")
    aside.get_by_role("button", name="JS for Text", exact=True).click()
    aside.get_by_role("textbox", name="Text", exact=True).click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("{{FilePicker1.files[0].")
    options = page.get_by_role("listbox")
    expect(options.get_by_role("option", name=re.compile(r"^name"))).to_be_visible()
    expect(options.get_by_role("option", name=re.compile(r"^size"))).to_be_visible()


@pytest.mark.parametrize("evaluated", [{}, {"FilePicker1": {"files": []}}])
def test_a_files_item_completes_from_its_declared_shape_before_any_pick(
    pane: Any, evaluated: dict[str, Any]
) -> None:
    page = pane()
    page.evaluate(
        "(values) => window.paneStore.set({ evaluation: { values, errors: {} } }, 'evaluation')",
        evaluated,
    )
    aside = page.get_by_role("complementary", name="Properties")
    aside.get_by_role("button", name="JS for Text", exact=True).click()
    aside.get_by_role("textbox", name="Text", exact=True).click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("{{FilePicker1.files[0].")
    options = page.get_by_role("listbox")
    for key, detail in [("id", "string"), ("name", "string"), ("size", "number"),
                        ("type", "string"), ("data", "string")]:  # fmt: skip
        # Named as a screen reader says it: the name, a comma, the type.
        option = options.get_by_role("option", name=f"{key}, {detail}", exact=True)
        expect(option).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "code-field-completions.png"))
    page.keyboard.type("si")
    expect(options.get_by_role("option")).to_have_count(1)
    options.get_by_role("option", name=re.compile(r"^size")).click()
    assert prop(page, "Text1", "text") == "{{FilePicker1.files[0].size}}"


def test_renaming_shows_the_servers_refusal_where_the_name_was_typed(pane: Any) -> None:
    page = pane()
    aside = page.get_by_role("complementary", name="Properties")
    name = aside.get_by_role("textbox", name="Widget name")
    name.fill("Taken")
    name.press("Enter")
    expect(aside.get_by_role("alert").first).to_have_text(
        "The name Taken is already used by a widget or query of this page."
    )
    expect(name).to_have_value("Taken")
    expect(name).to_have_attribute("aria-invalid", "true")
    name.fill("Greeting")
    name.press("Enter")
    expect(aside.get_by_role("textbox", name="Widget name")).to_have_value("Greeting")
    expect(aside.get_by_role("textbox", name="Widget name")).not_to_have_attribute(
        "aria-invalid", "true"
    )


def test_the_action_selector_writes_a_query_run_with_a_success_alert(pane: Any) -> None:
    page = pane(selection=["Button1"])
    aside = page.get_by_role("complementary", name="Properties")
    aside.get_by_role("button", name="Add action to onClick").click()
    step = aside.get_by_role("group", name="onClick action 1")
    expect(step.get_by_label("Action", exact=True)).to_have_value("query")
    step.get_by_label("Query", exact=True).select_option("UploadFileToDropbox")
    step.get_by_role("button", name="Add action to onClick action 1 on success").click()
    success = step.get_by_role("group", name="onClick action 1 on success action 1")
    success.get_by_label("Action", exact=True).select_option("showAlert")
    success.get_by_label("Message", exact=True).fill("Uploaded")
    expect(success.get_by_label("Type", exact=True)).to_have_value("success")
    step.get_by_role("button", name="Add action to onClick action 1 on failure").click()
    failure = step.get_by_role("group", name="onClick action 1 on failure action 1")
    failure.get_by_label("Action", exact=True).select_option("showAlert")
    failure.get_by_label("Message", exact=True).fill("It's not uploaded")
    failure.get_by_label("Type", exact=True).select_option("error")
    assert prop(page, "Button1", "onClick") == (
        "{{UploadFileToDropbox.run().then(() => { showAlert('Uploaded', 'success'); })"
        ".catch(() => { showAlert('It\\'s not uploaded', 'error'); })}}"
    )
    # Its code, in the JS mode, reads the same; back in the selector it is read back.
    toggle = aside.get_by_role("button", name="JS for onClick")
    toggle.click()
    expect(aside.get_by_role("textbox", name="onClick")).to_contain_text(
        "UploadFileToDropbox.run().then"
    )
    toggle.click()
    expect(
        aside.get_by_role("group", name="onClick action 1 on success action 1").get_by_label(
            "Message"
        )
    ).to_have_value("Uploaded")
    # Removing every action removes the handler.
    aside.get_by_role("button", name="Remove onClick action 1", exact=True).click()
    assert prop(page, "Button1", "onClick") is None


def test_a_handler_the_selector_cannot_read_opens_as_code(pane: Any) -> None:
    layout = json.loads(json.dumps(LAYOUT))
    layout["children"][2]["props"]["onClick"] = "{{ const n = 2; showAlert(String(n)) }}"
    page = pane(selection=["Button1"], layout=layout)
    aside = page.get_by_role("complementary", name="Properties")
    toggle = aside.get_by_role("button", name="JS for onClick")
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(toggle).to_have_attribute("aria-disabled", "true")
    expect(toggle).to_have_accessible_description(
        "Holds code the action selector cannot show: clear it to use the selector."
    )
    expect(aside.get_by_role("textbox", name="onClick")).to_contain_text("const n = 2")


HANDLERS = [
    "{{UploadFileToDropbox.run()}}",
    "{{UploadFileToDropbox.run().then(() => { showAlert('Done', 'success'); })}}",
    "{{navigateTo('Page2', {}, 'NEW_WINDOW')}}",
    "{{storeValue('k', 'v'); resetWidget('FilePicker1', true); clearStore();}}",
    "{{ListFiles.run().catch(() => { removeValue('a\\\\b'); copyToClipboard('x'); })}}",
]


def test_handlers_read_back_as_written(pane: Any) -> None:
    page = pane()
    read = page.evaluate(
        """async (handlers) => {
          const selector = "/static/editor/app/action_selector.js";
          const { readHandler, writeHandler } = await import(selector);
          return handlers.map((code) => {
            const steps = readHandler(code);
            return steps && writeHandler(steps);
          });
        }""",
        HANDLERS,
    )
    assert read == HANDLERS
    unreadable = page.evaluate(
        """async () => {
          const { readHandler } = await import("/static/editor/app/action_selector.js");
          return [
            "{{Q.run(); }} and {{ x }}", "{{showAlert(x)}}", "{{showAlert('a', 'pink')}}",
            "{{alert('a')}}", "{{Q.data}}", "{{Q.run().then((d) => { showAlert(d) })}}", "plain", 5,
          ].map((code) => readHandler(code));
        }"""
    )
    assert unreadable == [None] * 8


def test_a_widget_of_a_type_the_editor_does_not_know_says_so(pane: Any) -> None:
    layout = json.loads(json.dumps(LAYOUT))
    layout["children"].append({"widgetName": "Chart1", "type": "Chart", "props": {}})
    page = pane(selection=["Chart1"], layout=layout)
    aside = page.get_by_role("complementary", name="Properties")
    expect(aside.get_by_role("textbox", name="Widget name")).to_have_value("Chart1")
    expect(aside).to_contain_text("This editor does not know the widget type Chart.")
    assert page.errors == []
