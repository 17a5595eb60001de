"""Page layout validation: every fault found, each with its JSON path and code."""

from __future__ import annotations

from typing import Any

import pytest

from tests.widgets.layouts import page, portal, portal_layout, widget
from widgets.errors import LayoutValidationError, WidgetNotFoundError
from widgets.layout import (
    GRID_COLUMNS,
    MAX_DEPTH,
    MAX_GRID_ROWS,
    MAX_LAYOUT_BYTES,
    MAX_WIDGETS,
    find_widget,
    layout_errors,
    validate_layout,
)
from widgets.registry import Registry
from widgets.schema import PropertySpec, ValueType, WidgetType


def faults(layout: object, **kwargs: Any) -> list[tuple[str, str]]:
    found = layout_errors(layout, **kwargs)
    assert all(fault.message for fault in found)
    return [(fault.path, fault.code) for fault in found]


def test_the_dropbox_portal_layout_is_valid() -> None:
    validate_layout(portal_layout())
    assert layout_errors(portal_layout()) == []


def test_limits_are_exported() -> None:
    assert (MAX_LAYOUT_BYTES, MAX_WIDGETS, MAX_DEPTH, GRID_COLUMNS) == (
        2 * 1024 * 1024,
        5000,
        50,
        64,
    )


def test_validate_layout_raises_every_fault_at_once() -> None:
    layout = portal_layout()
    layout["children"][1]["props"]["maxNumFiles"] = "two"
    layout["children"][2]["widgetName"] = "Title"
    with pytest.raises(LayoutValidationError) as caught:
        validate_layout(layout)
    assert [(fault.path, fault.code) for fault in caught.value.errors] == [
        ("layout.children[1].props.maxNumFiles", "invalid_type"),
        ("layout.children[2].widgetName", "duplicate_name"),
    ]
    assert caught.value.code == "invalid_layout"


def test_the_root_path_can_be_renamed() -> None:
    assert faults(page(widget("if", "Text")), path="page.layout") == [
        ("page.layout.children[0].widgetName", "reserved_word")
    ]


# --- the tree ---------------------------------------------------------------


@pytest.mark.parametrize("layout", [None, [], "MainContainer", 3])
def test_a_root_that_is_not_an_object(layout: object) -> None:
    assert faults(layout) == [("layout", "invalid_type")]


def test_a_child_that_is_not_an_object() -> None:
    assert faults(page(widget("A", "Text"), "B")) == [("layout.children[1]", "invalid_type")]


def test_missing_keys_are_each_reported() -> None:
    assert faults(page({"children": []})) == [
        ("layout.children[0].widgetName", "missing_key"),
        ("layout.children[0].type", "missing_key"),
        ("layout.children[0].props", "missing_key"),
        ("layout.children[0].position", "missing_key"),
    ]


def test_children_may_be_left_out() -> None:
    leaf = widget("A", "Text")
    del leaf["children"]
    assert faults(page(leaf)) == []


def test_unknown_widget_keys_are_reported() -> None:
    assert faults(page({**widget("A", "Text"), "parentId": "x", "bad key": 1})) == [
        ("layout.children[0].parentId", "unknown_key"),
        ('layout.children[0]["bad key"]', "unknown_key"),
    ]


def test_children_must_be_an_array() -> None:
    assert faults(page(widget("Box", "Container", children={"a": 1}))) == [
        ("layout.children[0].children", "invalid_type")
    ]


def test_only_containers_hold_children() -> None:
    layout = page(widget("T", "Text", children=[widget("Inner", "Button")]))
    assert faults(layout) == [("layout.children[0].children", "children_not_allowed")]


def test_children_of_a_non_container_are_still_checked() -> None:
    layout = page(widget("T", "Text", children=[widget("if", "Button")]))
    assert faults(layout) == [
        ("layout.children[0].children", "children_not_allowed"),
        ("layout.children[0].children[0].widgetName", "reserved_word"),
    ]


def test_nested_containers_are_fine() -> None:
    layout = page(widget("Box", "Container", children=[widget("Inner", "Text")]))
    assert faults(layout) == []


def test_nesting_deeper_than_the_limit() -> None:
    def nest(depth: int) -> dict[str, Any]:
        node = widget(f"W{depth}", "Container")
        for level in range(depth - 1, 1, -1):
            node = widget(f"W{level}", "Container", children=[node])
        return page(node)

    assert faults(nest(MAX_DEPTH)) == []
    deep = faults(nest(MAX_DEPTH + 1))
    assert len(deep) == 1
    path, code = deep[0]
    assert code == "too_deep"
    assert path == "layout" + ".children[0]" * (MAX_DEPTH - 1) + ".children"


def test_too_many_widgets_stops_the_walk() -> None:
    children = [widget(f"T{index}", "Text") for index in range(MAX_WIDGETS - 1)]
    assert faults(page(*children)) == []
    children += [widget("One", "Text"), widget("if", "Text")]
    assert faults(page(*children)) == [(f"layout.children[{MAX_WIDGETS - 1}]", "too_many_widgets")]


# --- names and types --------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code"),
    [
        (3, "invalid_type"),
        ("", "empty_name"),
        ("1st", "invalid_identifier"),
        ("x" * 101, "name_too_long"),
        ("class", "reserved_word"),
        ("showAlert", "reserved_global"),
        ("toString", "reserved_property"),
        ("__proto__", "reserved_prefix"),
    ],
)
def test_bad_widget_names(name: object, code: str) -> None:
    assert faults(page(widget(name, "Text"))) == [("layout.children[0].widgetName", code)]


def test_duplicate_names_anywhere_in_the_tree() -> None:
    layout = page(
        widget("Box", "Container", children=[widget("Same", "Text")]),
        widget("Same", "Button"),
    )
    found = layout_errors(layout)
    assert [(fault.path, fault.code) for fault in found] == [
        ("layout.children[1].widgetName", "duplicate_name")
    ]
    assert "layout.children[0].children[0]" in found[0].message


def test_the_root_must_be_named_main_container() -> None:
    layout = widget("Root", "Container")
    assert faults(layout) == [("layout.widgetName", "invalid_root_name")]


def test_the_root_must_be_a_container() -> None:
    layout = widget("MainContainer", "Text")
    assert faults(layout) == [("layout.type", "root_not_container")]


@pytest.mark.parametrize("type_", ["Table", "text", None, 5])
def test_unknown_widget_types(type_: object) -> None:
    found = layout_errors(page(widget("A", type_, props={"anything": 1})))
    # Properties of an unknown type cannot be checked, so only the type is reported.
    assert [(fault.path, fault.code) for fault in found] == [
        ("layout.children[0].type", "unknown_widget_type")
    ]
    assert "known types" in found[0].message


def test_a_custom_registry_is_used() -> None:
    registry = Registry(
        [
            WidgetType("Container", (), is_container=True),
            WidgetType("Gauge", (PropertySpec("value", ValueType.NUMBER, 0),)),
        ]
    )
    layout = page(widget("G", "Gauge", props={"value": 3}), widget("T", "Text"))
    assert faults(layout, registry=registry) == [("layout.children[1].type", "unknown_widget_type")]


# --- properties -------------------------------------------------------------


def prop_faults(type_: str, props: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (path.removeprefix("layout.children[0].props"), code)
        for path, code in faults(page(widget("W", type_, props=props)))
    ]


def test_props_must_be_an_object() -> None:
    assert faults(page(widget("A", "Text", props=["text"]))) == [
        ("layout.children[0].props", "invalid_type")
    ]


@pytest.mark.parametrize(
    ("type_", "props", "expected"),
    [
        ("FilePicker", {"maxNumFiles": "2"}, [(".maxNumFiles", "invalid_type")]),
        ("FilePicker", {"maxNumFiles": 0}, [(".maxNumFiles", "out_of_range")]),
        ("FilePicker", {"maxFileSize": 0}, [(".maxFileSize", "out_of_range")]),
        ("FilePicker", {"dataFormat": "Hex"}, [(".dataFormat", "invalid_choice")]),
        ("FilePicker", {"allowedFileTypes": ["pdf"]}, [(".allowedFileTypes[0]", "invalid_value")]),
        ("FilePicker", {"isRequired": "yes"}, [(".isRequired", "invalid_type")]),
        ("Button", {"buttonVariant": "LOUD"}, [(".buttonVariant", "invalid_choice")]),
        ("Button", {"buttonColor": "red;x"}, [(".buttonColor", "invalid_value")]),
        ("Text", {"text": 3}, [(".text", "invalid_type")]),
        ("Text", {"fontSize": "huge"}, [(".fontSize", "invalid_value")]),
        ("Text", {"textAlign": "JUSTIFY"}, [(".textAlign", "invalid_choice")]),
        ("Input", {"inputType": "DATE"}, [(".inputType", "invalid_choice")]),
        ("Input", {"maxChars": 0}, [(".maxChars", "out_of_range")]),
        ("Input", {"maxChars": -(10**400)}, [(".maxChars", "out_of_range")]),
        ("FilePicker", {"maxFileSize": -(10**400)}, [(".maxFileSize", "out_of_range")]),
        ("FilePicker", {"maxFileSize": float("nan")}, [(".maxFileSize", "invalid_type")]),
        ("Container", {"backgroundColor": 1}, [(".backgroundColor", "invalid_type")]),
    ],
)
def test_literal_property_values_are_checked(
    type_: str, props: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    assert prop_faults(type_, props) == expected


def test_bindings_on_bindable_properties_are_left_to_the_runtime() -> None:
    props = {
        "maxNumFiles": "{{ Limit.value }}",
        "isRequired": "{{ Toggle.isChecked }}",
        "allowedFileTypes": "{{ Types.data }}",
    }
    assert prop_faults("FilePicker", props) == []


def test_bindings_on_non_bindable_properties_are_rejected() -> None:
    assert prop_faults("FilePicker", {"dataFormat": "{{ Fmt.value }}"}) == [
        (".dataFormat", "invalid_choice")
    ]
    assert prop_faults("Input", {"inputType": "{{ t }}"}) == [(".inputType", "invalid_choice")]


def test_huge_numbers_are_accepted_where_there_is_no_maximum() -> None:
    assert prop_faults("FilePicker", {"maxNumFiles": 10**400, "maxFileSize": 10**400}) == []


def test_null_is_allowed_where_nullable() -> None:
    assert prop_faults("Input", {"maxChars": None}) == []


def test_unknown_properties_are_reported() -> None:
    found = layout_errors(page(widget("W", "Button", props={"colour": "red", "on click": "x"})))
    assert [(fault.path, fault.code) for fault in found] == [
        ("layout.children[0].props.colour", "unknown_property"),
        ('layout.children[0].props["on click"]', "unknown_property"),
    ]
    assert "onClick" in found[0].message  # events are listed as settable


def test_meta_properties_are_not_stored_in_the_layout() -> None:
    found = layout_errors(page(widget("W", "Input", props={"text": "hi"})))
    assert [(fault.path, fault.code) for fault in found] == [
        ("layout.children[0].props.text", "meta_property")
    ]
    assert "defaultText" in found[0].message
    assert prop_faults("FilePicker", {"files": []}) == [(".files", "meta_property")]


def test_derived_properties_cannot_be_set() -> None:
    assert prop_faults("FilePicker", {"isValid": True}) == [(".isValid", "derived_property")]
    assert prop_faults("Input", {"value": "x"}) == [(".value", "derived_property")]


# --- events -----------------------------------------------------------------


@pytest.mark.parametrize(
    "handler", ["", "   ", "{{ showAlert('hi') }}", "{{A.run()}}; {{B.run()}}"]
)
def test_event_handlers_hold_bindings_or_nothing(handler: str) -> None:
    assert prop_faults("Button", {"onClick": handler}) == []


def test_an_event_handler_without_braces_is_rejected() -> None:
    found = layout_errors(page(widget("W", "Button", props={"onClick": "showAlert('hi')"})))
    assert [(fault.path, fault.code) for fault in found] == [
        ("layout.children[0].props.onClick", "invalid_trigger")
    ]
    assert "{{showAlert('Hi')}}" in found[0].message


@pytest.mark.parametrize("handler", [None, 1, ["{{ a }}"], {"code": "{{ a }}"}])
def test_an_event_handler_must_be_a_string(handler: object) -> None:
    assert prop_faults("FilePicker", {"onFilesSelected": handler}) == [
        (".onFilesSelected", "invalid_type")
    ]


# --- position ---------------------------------------------------------------


def position_faults(position: object) -> list[tuple[str, str]]:
    placed = {**widget("W", "Text"), "position": position}
    layout = page(placed)
    return [
        (path.removeprefix("layout.children[0].position"), code) for path, code in faults(layout)
    ]


@pytest.mark.parametrize("position", [None, [0, 0, 1, 1], "0,0,1,1"])
def test_position_must_be_an_object(position: object) -> None:
    assert position_faults(position) == [("", "invalid_type")]


def test_position_keys_must_all_be_present() -> None:
    assert position_faults({"x": 0, "w": 4}) == [(".y", "missing_key"), (".h", "missing_key")]


def test_unknown_position_keys() -> None:
    position = {"x": 0, "y": 0, "w": 4, "h": 4, "z": 1}
    assert position_faults(position) == [(".z", "unknown_key")]


@pytest.mark.parametrize("value", [1.5, "1", True, None])
def test_position_values_are_integers(value: object) -> None:
    assert position_faults({"x": value, "y": 0, "w": 4, "h": 4}) == [(".x", "invalid_type")]


@pytest.mark.parametrize(
    ("position", "expected"),
    [
        ({"x": -1, "y": 0, "w": 4, "h": 4}, [(".x", "out_of_range")]),
        ({"x": 0, "y": -1, "w": 4, "h": 4}, [(".y", "out_of_range")]),
        ({"x": 0, "y": 0, "w": 0, "h": 4}, [(".w", "out_of_range")]),
        ({"x": 0, "y": 0, "w": 4, "h": 0}, [(".h", "out_of_range")]),
        ({"x": 60, "y": 0, "w": 5, "h": 4}, [(".w", "out_of_grid")]),
        ({"x": 0, "y": 0, "w": 65, "h": 4}, [(".w", "out_of_range")]),
        ({"x": 64, "y": 0, "w": 1, "h": 4}, [(".x", "out_of_range")]),
        ({"x": 0, "y": MAX_GRID_ROWS + 1, "w": 1, "h": 4}, [(".y", "out_of_range")]),
        ({"x": 0, "y": 0, "w": 1, "h": MAX_GRID_ROWS + 1}, [(".h", "out_of_range")]),
        (
            {"x": 10**400, "y": 10**400, "w": 1, "h": 1},
            [(".x", "out_of_range"), (".y", "out_of_range")],
        ),
        ({"x": 0, "y": MAX_GRID_ROWS, "w": 64, "h": MAX_GRID_ROWS}, []),
        ({"x": 60, "y": 0, "w": 4, "h": 4}, []),
        ({"x": 0, "y": 500, "w": 64, "h": 1}, []),
    ],
)
def test_position_ranges_on_the_grid(position: object, expected: list[tuple[str, str]]) -> None:
    assert position_faults(position) == expected


# --- helpers ----------------------------------------------------------------


def test_user_values_are_cut_short_in_messages() -> None:
    huge = "x" * 100_000
    found = layout_errors(page(widget("A", huge), widget("B", "Text", props={huge: 1})))
    assert [fault.code for fault in found] == ["unknown_widget_type", "unknown_property"]
    assert all(len(fault.message) < 300 for fault in found)


def test_find_widget_returns_the_widget() -> None:
    found = find_widget(portal_layout(), "FilePicker1")
    assert found["type"] == "FilePicker"


def test_find_widget_raises_for_an_unknown_name() -> None:
    with pytest.raises(WidgetNotFoundError) as caught:
        find_widget(portal_layout(), "Nope")
    assert caught.value.widget_name == "Nope"


def test_the_fixture_is_the_shared_example() -> None:
    # builder/examples/dropbox_portal.json is a verbatim copy of the shared example.
    assert portal()["page"]["name"] == "Page1"
    assert portal()["actions"][0]["name"] == "UploadFileToDropbox"


def test_an_empty_registry_knows_no_types() -> None:
    assert faults(page(), registry=Registry()) == [("layout.type", "unknown_widget_type")]
