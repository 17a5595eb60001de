"""Entity names: validate_entity_name, is_valid_entity_name, collect_widget_names."""

from __future__ import annotations

import json

import pytest

from runtime import engine
from runtime.effects import BRIDGED_NAMES
from runtime.limits import DEFAULT_LIMITS
from runtime.program import STATE_PARAM, THIS_KEY
from tests.widgets.layouts import page, portal_layout, widget
from widgets.errors import EntityNameError
from widgets.names import (
    JS_RESERVED_WORDS,
    MAX_NAME_LENGTH,
    OBJECT_PROTOTYPE_NAMES,
    RESERVED_GLOBAL_NAMES,
    collect_widget_names,
    is_valid_entity_name,
    iter_named_widgets,
    validate_entity_name,
)


@pytest.mark.parametrize(
    "name",
    ["FilePicker1", "UploadFileToDropbox", "_private", "$el", "a", "x_1$", "Input", "async"],
)
def test_valid_names_pass(name: str) -> None:
    validate_entity_name(name)
    assert is_valid_entity_name(name)


def _code(name: object, **kwargs: object) -> str:
    with pytest.raises(EntityNameError) as caught:
        validate_entity_name(name, **kwargs)  # type: ignore[arg-type]
    assert caught.value.message
    assert caught.value.name == name
    return caught.value.code


@pytest.mark.parametrize("name", [None, 1, ["a"], {"a": 1}])
def test_a_non_string_is_invalid_type(name: object) -> None:
    assert _code(name) == "invalid_type"
    assert not is_valid_entity_name(name)


def test_an_empty_name_is_rejected() -> None:
    assert _code("") == "empty_name"


def test_a_name_over_the_length_limit_is_rejected() -> None:
    validate_entity_name("a" * MAX_NAME_LENGTH)
    assert _code("a" * (MAX_NAME_LENGTH + 1)) == "name_too_long"


@pytest.mark.parametrize(
    "name",
    [
        "1Input",  # starts with a digit
        "File Picker",
        "file-picker",
        "a.b",
        "Input1\n",  # a trailing newline must not slip past the pattern
        "caf\u00e9",  # legal JavaScript, but not ASCII
        "\u0430bc",  # Cyrillic a
        "a{{b}}",
    ],
)
def test_non_identifiers_are_rejected(name: str) -> None:
    assert _code(name) == "invalid_identifier"


@pytest.mark.parametrize("name", ["if", "class", "this", "let", "yield", "await", "enum", "eval"])
def test_reserved_words_are_rejected(name: str) -> None:
    assert name in JS_RESERVED_WORDS
    assert _code(name) == "reserved_word"


@pytest.mark.parametrize(
    "name",
    [
        "appsmith", "Math", "JSON", "Object", "Array", "Promise", "console", "window",
        "globalThis", "undefined", "NaN", "Infinity", "showAlert", "storeValue",
        "navigateTo", "resetWidget", "download", "copyToClipboard", "showModal",
        "closeModal", "removeValue", "clearStore", "setTimeout", "parseInt", "Date",
    ],
)  # fmt: skip
def test_global_names_are_rejected(name: str) -> None:
    assert name in RESERVED_GLOBAL_NAMES
    assert _code(name) == "reserved_global"


@pytest.mark.parametrize(
    "name",
    [
        "constructor", "hasOwnProperty", "toString", "valueOf", "isPrototypeOf",
        "propertyIsEnumerable", "toLocaleString",
    ],
)  # fmt: skip
def test_members_of_every_object_are_rejected_naming_the_rule(name: str) -> None:
    assert _code(name) == "reserved_property"
    with pytest.raises(EntityNameError) as caught:
        validate_entity_name(name)
    assert "Object.prototype" in caught.value.message


@pytest.mark.parametrize(
    "name", ["__proto__", "__defineGetter__", "__lookupSetter__", "__s", "__this", "__brace"]
)
def test_names_beginning_with_two_underscores_are_brace_s(name: str) -> None:
    assert _code(name) == "reserved_prefix"


def test_names_are_case_sensitive_like_javascript() -> None:
    assert is_valid_entity_name("math")
    assert is_valid_entity_name("If")


def test_a_taken_name_is_a_duplicate() -> None:
    assert _code("FilePicker1", taken={"FilePicker1"}) == "duplicate_name"
    validate_entity_name("FilePicker2", taken={"FilePicker1"})


def test_the_path_is_copied_onto_the_error() -> None:
    with pytest.raises(EntityNameError) as caught:
        validate_entity_name("if", path="actions[0].name")
    assert caught.value.path == "actions[0].name"
    assert caught.value.to_dict()["field"] == "actions[0].name"


def test_every_reserved_name_reaches_its_own_check() -> None:
    # Every reserved entry is itself an identifier, or the identifier check would hide it.
    for name in JS_RESERVED_WORDS | RESERVED_GLOBAL_NAMES | OBJECT_PROTOTYPE_NAMES:
        assert name.isascii()
        assert _code(name) in {
            "reserved_word",
            "reserved_global",
            "reserved_property",
            "reserved_prefix",
        }


def sandbox_names(code: str) -> set[str]:
    """What ``code`` lists in a locked-down handler context, as a run would see it."""
    context, dispatch = engine._locked_handler_context(DEFAULT_LIMITS)
    setup = {"scope": {}, "actions": [], "names": list(BRIDGED_NAMES), "maxRequestChars": 1}
    dispatch("install", json.dumps(setup))
    return set(json.loads(context.eval(f"JSON.stringify({code})")))


def test_no_name_the_sandbox_gives_meaning_to_can_name_an_entity() -> None:
    """Every global of the sandbox (the engine's and Brace's) and every member
    of Object.prototype is refused, and so are the binding functions' own
    parameter names."""
    names = sandbox_names("Object.getOwnPropertyNames(globalThis)")
    assert sandbox_names("Object.getOwnPropertyNames(Object.prototype)") == OBJECT_PROTOTYPE_NAMES
    names |= OBJECT_PROTOTYPE_NAMES | set(BRIDGED_NAMES) | {STATE_PARAM, THIS_KEY, "appsmith"}
    assert {"Math", "JSON", "showAlert", "appsmith"} <= names
    assert sorted(name for name in names if is_valid_entity_name(name)) == []


def test_collect_widget_names_walks_depth_first_in_document_order() -> None:
    layout = page(
        widget("Box", "Container", children=[widget("Inner", "Text")]),
        widget("After", "Text"),
    )
    assert collect_widget_names(layout) == ["MainContainer", "Box", "Inner", "After"]


def test_collect_widget_names_of_the_portal() -> None:
    assert collect_widget_names(portal_layout()) == [
        "MainContainer",
        "Title",
        "FilePicker1",
        "Result",
    ]


def test_collect_widget_names_keeps_duplicates() -> None:
    assert collect_widget_names(page(widget("A", "Text"), widget("A", "Text"))).count("A") == 2


def test_collect_widget_names_skips_malformed_nodes() -> None:
    layout = {
        "widgetName": "MainContainer",
        "children": [5, {"widgetName": 7}, {"type": "Text"}, {"widgetName": "Ok", "children": "x"}],
    }
    assert collect_widget_names(layout) == ["MainContainer", "Ok"]
    assert collect_widget_names(None) == []
    assert collect_widget_names([]) == []


def test_iter_named_widgets_survives_very_deep_trees() -> None:
    # Iterative on purpose: a hostile depth must not raise RecursionError.
    node: dict[str, object] = {"widgetName": "Leaf"}
    for index in range(5000):
        node = {"widgetName": f"W{index}", "children": [node]}
    names = [name for name, _ in iter_named_widgets(node)]
    assert len(names) == 5001
    assert names[-1] == "Leaf"
