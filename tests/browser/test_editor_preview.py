"""The editor's Preview in Chromium: widgets work, and what the user types or
picks re-evaluates the page on the server (`POST pages/{id}/evaluate/` with
`state.widgets`), while events run no handler and a note says so once.
Leaving preview forgets what the user did. Driven by role and label.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.editor_page import Editor, node, root

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTE = "Events don't run in preview: publish and use View app."
DESCRIBE_FILES = "{{FilePicker1.files.map(f => [f.name, f.size, f.type, f.data].join('|')).join()}}"


@pytest.fixture
def editor(open_editor: Callable[..., Any], application: Any) -> Callable[..., Editor]:
    """editor(layout) -> the editor open on Page1, holding `layout`."""
    from builder.services.pages import update_page

    def open_it(layout: dict[str, Any]) -> Editor:
        page_model = update_page(page=application.pages.get(name="Page1"), layout=layout)
        tab = open_editor(before=lambda tab: tab.set_viewport_size({"width": 1440, "height": 900}))
        expect(tab.locator("#editor")).to_have_attribute("aria-busy", "false")
        return Editor(tab, page_model)

    return open_it


def form() -> dict[str, Any]:
    return root(
        node("Input1", "Input", 0, 0, 20, 7, label="Name"),
        node(
            "Button1",
            "Button",
            0,
            8,
            12,
            4,
            text="Send",
            isDisabled="{{Input1.text.length === 0}}",
            onClick="{{showAlert('Sent')}}",
        ),
        node("Text1", "Text", 0, 13, 20, 4, text="{{Input1.text}}"),
    )


def evaluated_states(tab: Any) -> list[Any]:
    """Records the `state` of every evaluate request the editor sends from now on."""
    sent: list[Any] = []

    def note(request: Any) -> None:
        if request.method == "POST" and request.url.endswith("/evaluate/"):
            sent.append((request.post_data_json or {}).get("state"))

    tab.on("request", note)
    return sent


def test_typing_in_preview_re_evaluates_and_leaving_preview_resets(
    editor: Callable[..., Editor],
) -> None:
    ed = editor(form())
    tab = ed.tab
    send = ed.canvas.get_by_role("button", name="Send")
    shown = ed.widget("Text1", "Text")
    expect(send).to_be_disabled()
    sent = evaluated_states(tab)

    tab.get_by_role("button", name="Preview").click()
    field = ed.canvas.get_by_role("textbox", name="Name")
    field.click()
    # Slower than the evaluation's debounce, so answers land while typing.
    field.press_sequentially("Ann", delay=200)

    expect(send).to_be_enabled()
    expect(shown).to_have_text("Ann")
    # The answers did not take the field's focus, text or caret.
    expect(field).to_be_focused()
    expect(field).to_have_value("Ann")
    assert field.evaluate("el => [el.selectionStart, el.selectionEnd]") == [3, 3]
    assert {"widgets": {"Input1": {"text": "Ann"}}} in sent
    expect(tab.get_by_role("status").filter(has_text=NOTE)).to_have_count(0)

    # An event runs no handler; a note says so, once per preview.
    send.click()
    note = tab.get_by_role("status").filter(has_text=NOTE)
    expect(note).to_be_visible()
    tab.screenshot(path=str(SCREENSHOTS / "editor-preview-note.png"))
    note.get_by_role("button", name="Dismiss").click()
    expect(note).to_be_hidden()
    send.click()
    expect(note).to_be_hidden()
    expect(tab.get_by_text("Sent")).to_have_count(0)

    tab.get_by_role("button", name="Preview").click()

    expect(send).to_be_disabled()
    expect(shown).to_have_text("")
    expect(field).to_have_value("")
    assert sent[-1] is None  # the evaluation after leaving sends no meta

    # The next preview starts from the page as built, with the note to come.
    tab.get_by_role("button", name="Preview").click()
    expect(field).to_have_value("")
    expect(send).to_be_disabled()
    field.fill("Bo")
    expect(send).to_be_enabled()
    send.click()
    expect(note).to_be_visible()
    assert tab.errors == []


def test_a_file_picked_in_preview_is_described_not_uploaded(
    editor: Callable[..., Editor],
) -> None:
    ed = editor(
        root(
            node("FilePicker1", "FilePicker", 0, 0, 20, 4, maxFileSize=1),
            node(
                "Text1",
                "Text",
                0,
                5,
                30,
                4,
                text=DESCRIBE_FILES,
            ),
        )
    )
    tab = ed.tab
    uploads: list[str] = []

    def note_upload(request: Any) -> None:
        if "/files/" in request.url:
            uploads.append(request.url)

    tab.on("request", note_upload)
    tab.get_by_role("button", name="Preview").click()
    picker = ed.canvas.get_by_role("button", name="Select files")

    with tab.expect_file_chooser() as chosen:
        picker.click()
    chosen.value.set_files({"name": "notes.txt", "mimeType": "text/plain", "buffer": b"hello"})

    expect(ed.widget("Text1", "Text")).to_have_text("notes.txt|5|text/plain|")
    expect(ed.widget("FilePicker1", "FilePicker")).to_contain_text("notes.txt")
    assert uploads == []

    # A file over the widget's limit is refused by the server, as in the app.
    with tab.expect_file_chooser() as chosen:
        picker.click()
    big = b"x" * (1024 * 1024 + 1)
    chosen.value.set_files({"name": "big.bin", "mimeType": "application/zip", "buffer": big})

    expect(tab.get_by_role("alert").filter(has_text="Files can be at most 1 MB.")).to_be_visible()
    expect(ed.widget("Text1", "Text")).to_have_text("")
    expect(ed.widget("FilePicker1", "FilePicker")).to_contain_text("No file chosen")

    tab.get_by_role("button", name="Preview").click()
    expect(ed.widget("FilePicker1", "FilePicker")).to_contain_text("No file chosen")
    assert uploads == []
    assert tab.errors == []
