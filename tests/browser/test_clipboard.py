"""static/editor/app/clipboard.js in Chromium: what a paste accepts and what it refuses.

The canvas pastes only what `decode` answers as widgets; every refusal is a
message for the user (shown on the canvas, the page left as it was).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

_DECODE = """
async ([text, known]) => {
  const clipboard = await import("/static/editor/app/clipboard.js");
  return clipboard.decode(text, new Set(known));
}
"""
_ROUND_TRIP = """
async (widgets) => {
  const clipboard = await import("/static/editor/app/clipboard.js");
  return clipboard.decode(clipboard.encode(widgets), new Set(["Button", "Container"]));
}
"""
KNOWN = ["Button", "Container", "Text"]
NOT_WIDGETS = (
    "The clipboard holds no Brace widgets: "
    "select widgets on the canvas and copy them (Ctrl+C) first."
)
BUTTON = {
    "widgetName": "Button1",
    "type": "Button",
    "props": {"text": "Go"},
    "position": {"x": 0, "y": 0, "w": 16, "h": 4},
}


def envelope(widgets: Any, version: Any = 1) -> str:
    return json.dumps({"kind": "brace/widgets", "version": version, "widgets": widgets})


@pytest.fixture
def decode(new_page: Callable[..., Any]) -> Iterator[Callable[[str], dict[str, Any]]]:
    tab = new_page()
    tab.goto("/accounts/login/")

    def run(text: str) -> dict[str, Any]:
        answer: dict[str, Any] = tab.evaluate(_DECODE, [text, KNOWN])
        return answer

    run.tab = tab  # type: ignore[attr-defined]
    yield run
    assert tab.errors == []


def test_copied_widgets_come_back_as_they_were_copied(decode: Any) -> None:
    box = {
        "widgetName": "Box",
        "type": "Container",
        "props": {},
        "position": {"x": 0, "y": 4, "w": 30, "h": 20},
        "children": [BUTTON],
    }
    assert decode.tab.evaluate(_ROUND_TRIP, [BUTTON, box]) == {"widgets": [BUTTON, box]}


@pytest.mark.parametrize(
    "text",
    [
        "",
        "just some text",
        "[1, 2]",
        json.dumps({"kind": "something/else", "version": 1, "widgets": [BUTTON]}),
        envelope([]),
        envelope({"widgetName": "Button1"}),
    ],
)
def test_anything_but_brace_widgets_is_refused(decode: Any, text: str) -> None:
    assert decode(text) == {"error": NOT_WIDGETS}


def test_widgets_from_another_clipboard_format_are_refused(decode: Any) -> None:
    assert decode(envelope([BUTTON], version=2)) == {
        "error": "These widgets were copied from another version of Brace "
        "(clipboard format 2); copy them again here."
    }


@pytest.mark.parametrize(
    ("widget", "fault"),
    [
        ({**BUTTON, "widgetName": 7}, "a widget has no name or type."),
        ({**BUTTON, "type": "Chart"},
         "Button1 is a Chart, a widget type this editor does not have."),
        ({**BUTTON, "position": {"x": 0, "y": 0, "w": "wide", "h": 4}},
         "Button1 has no position on the grid."),
        ({**BUTTON, "props": ["text"]}, "Button1 has malformed properties."),
        ({**BUTTON, "children": {}}, "Button1 has malformed children."),
    ],
)  # fmt: skip
def test_a_malformed_widget_is_refused_naming_the_fault(
    decode: Any, widget: dict[str, Any], fault: str
) -> None:
    assert decode(envelope([widget])) == {"error": f"The copied widgets cannot be pasted: {fault}"}


def test_a_hostile_nesting_depth_is_refused(decode: Any) -> None:
    nested: dict[str, Any] = {**BUTTON, "type": "Container", "widgetName": "Deep"}
    for _ in range(60):
        nested = {**BUTTON, "type": "Container", "widgetName": "Box", "children": [nested]}
    assert decode(envelope([nested])) == {
        "error": "The copied widgets cannot be pasted: widgets are nested more than 50 levels deep."
    }
