"""The derived-property expressions, run in the JavaScript engine the runtime uses.

The runtime evaluates them with ``this`` bound to the evaluated widget; here a
function called with that ``this`` stands in for it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from widgets.registry import get_widget_type

quickjs = pytest.importorskip("quickjs")


def derive(type_name: str, prop: str, **widget: Any) -> Any:
    expression = get_widget_type(type_name).derived[prop]
    context = quickjs.Context()
    source = (
        f"JSON.stringify((function () {{ return ({expression}); }}).call({json.dumps(widget)}))"
    )
    result = context.eval(source)
    return None if result is None else json.loads(result)


def input_widget(**props: Any) -> dict[str, Any]:
    widget: dict[str, Any] = {
        "inputType": "TEXT", "isRequired": False, "regex": "", "maxChars": None, "text": "",
    }  # fmt: skip
    return {**widget, **props}


@pytest.mark.parametrize(
    ("is_required", "files", "expected"),
    [(True, [], False), (True, [{"id": "f"}], True), (False, [], True)],
)
def test_file_picker_is_valid(is_required: bool, files: list[Any], expected: bool) -> None:
    assert derive("FilePicker", "isValid", isRequired=is_required, files=files) is expected


@pytest.mark.parametrize(
    ("props", "expected"),
    [
        ({}, True),
        ({"isRequired": True}, False),
        ({"isRequired": True, "text": "x"}, True),
        ({"maxChars": 3, "text": "abcd"}, False),
        ({"maxChars": 4, "text": "abcd"}, True),
        ({"inputType": "NUMBER", "text": "12.5"}, True),
        ({"inputType": "NUMBER", "text": "12a"}, False),
        ({"inputType": "EMAIL", "text": "ann@example.com"}, True),
        ({"inputType": "EMAIL", "text": "ann@"}, False),
        ({"regex": "[a-z]+", "text": "abc"}, True),
        ({"regex": "[a-z]+", "text": "abc1"}, False),  # the whole text must match
        ({"regex": "a|b", "text": "ab"}, False),  # alternation stays inside the anchors
        ({"regex": "(", "text": "x"}, False),  # a broken regex never validates
        ({"regex": "[0-9]+", "text": ""}, True),  # empty and optional is valid
        ({"text": None}, True),
    ],
)
def test_input_is_valid(props: dict[str, Any], expected: bool) -> None:
    assert derive("Input", "isValid", **input_widget(**props)) is expected


@pytest.mark.parametrize(
    ("props", "expected"),
    [
        ({"text": "hello"}, "hello"),
        ({"inputType": "NUMBER", "text": "12.5"}, 12.5),
        ({"inputType": "NUMBER", "text": ""}, None),
        ({"inputType": "NUMBER", "text": "x"}, None),
        ({"inputType": "PASSWORD", "text": "s3cret"}, "s3cret"),
    ],
)
def test_input_value(props: dict[str, Any], expected: object) -> None:
    assert derive("Input", "value", **input_widget(**props)) == expected
