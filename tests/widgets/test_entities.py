"""Runtime input: widget_entities, apply_meta_changes, event_handler."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.widgets.layouts import page, portal_layout, widget
from widgets.entities import (
    apply_meta_changes,
    evaluated_prop_errors,
    event_handler,
    resolve_props,
    widget_entities,
)
from widgets.errors import (
    LayoutValidationError,
    MetaValidationError,
    UnknownEventError,
    UnknownWidgetTypeError,
    WidgetNotFoundError,
)
from widgets.registry import Registry, get_widget_type
from widgets.schema import PropertySpec, ValueType, WidgetType

PICKED = {"id": "f1", "name": "cv.pdf", "size": 2048, "type": "application/pdf", "data": "blob:f1"}
UPLOAD = (
    "{{UploadFileToDropbox.run().then(() => showAlert('Uploaded ' + FilePicker1.files[0].name, "
    "'success')).catch(e => showAlert(e.message, 'error'))}}"
)


# --- widget_entities --------------------------------------------------------


def test_portal_entities_in_document_order_with_parents() -> None:
    entities = widget_entities(portal_layout())
    assert list(entities) == ["MainContainer", "Title", "FilePicker1", "Result"]
    assert entities["MainContainer"]["parent"] is None
    assert {entities[name]["parent"] for name in ["Title", "FilePicker1", "Result"]} == {
        "MainContainer"
    }


def test_portal_file_picker_entity() -> None:
    assert widget_entities(portal_layout())["FilePicker1"] == {
        "widget_name": "FilePicker1",
        "type": "FilePicker",
        "parent": "MainContainer",
        "props": {
            "label": "Select a file",
            "maxNumFiles": 1,
            "maxFileSize": 200,
            "allowedFileTypes": ["*"],
            "dataFormat": "Binary",
            "isRequired": True,
            "isDisabled": False,
            "isVisible": True,
            "files": [],
        },
        "binding_paths": [],
        "meta_props": ["files"],
        "derived": {"isValid": "this.isRequired ? this.files.length > 0 : true"},
        "triggers": {"onFilesSelected": UPLOAD},
    }


def test_binding_paths_list_bound_properties() -> None:
    result = widget_entities(portal_layout())["Result"]
    assert result["binding_paths"] == ["text"]
    assert str(result["props"]["text"]).startswith("{{UploadFileToDropbox.data")


def test_defaults_fill_missing_properties() -> None:
    entity = widget_entities(page(widget("Go", "Button")))["Go"]
    assert entity["props"] == {
        "text": "Submit",
        "buttonColor": "#553DE9",
        "buttonVariant": "PRIMARY",
        "isDisabled": False,
        "isVisible": True,
    }
    assert entity["triggers"] == {"onClick": ""}
    assert entity["meta_props"] == []


def test_entities_are_json_serialisable() -> None:
    layout = page(widget("Name", "Input", props={"defaultText": "{{ appsmith.user.name }}"}))
    entities = widget_entities(layout, {"Name": {"text": "Ann"}})
    assert json.loads(json.dumps(entities)) == entities


def test_meta_state_overrides_meta_defaults() -> None:
    entities = widget_entities(portal_layout(), {"FilePicker1": {"files": [PICKED]}})
    assert entities["FilePicker1"]["props"]["files"] == [PICKED]


def test_input_text_starts_as_default_text() -> None:
    layout = page(widget("Name", "Input", props={"defaultText": "Ann"}))
    entity = widget_entities(layout)["Name"]
    assert entity["props"]["text"] == "Ann"
    assert entity["binding_paths"] == []
    assert entity["derived"]["isValid"].startswith("(() =>")


def test_a_bound_default_text_makes_text_a_binding_path_until_the_user_types() -> None:
    layout = page(widget("Name", "Input", props={"defaultText": "{{ Users.data[0].name }}"}))
    entity = widget_entities(layout)["Name"]
    assert entity["props"]["text"] == "{{ Users.data[0].name }}"
    assert entity["binding_paths"] == ["defaultText", "text"]
    typed = widget_entities(layout, {"Name": {"text": "Bob"}})["Name"]
    assert typed["props"]["text"] == "Bob"
    assert typed["binding_paths"] == ["defaultText"]


def test_text_typed_by_an_end_user_is_never_a_binding_path() -> None:
    layout = page(widget("Name", "Input"))
    entity = widget_entities(layout, {"Name": {"text": "{{ fetch('//evil') }}"}})["Name"]
    assert entity["props"]["text"] == "{{ fetch('//evil') }}"
    assert "text" not in entity["binding_paths"]


def test_non_bindable_properties_are_never_binding_paths() -> None:
    registry = Registry(
        [
            WidgetType("Container", (), is_container=True),
            WidgetType("Note", (PropertySpec("raw", ValueType.STRING, "", bindable=False),)),
        ]
    )
    layout = page(widget("N", "Note", props={"raw": "{{ shown as typed }}"}))
    entity = widget_entities(layout, registry=registry)["N"]
    assert entity["props"]["raw"] == "{{ shown as typed }}"
    assert entity["binding_paths"] == []


def test_stale_or_malformed_meta_state_falls_back_to_defaults() -> None:
    too_many = {"files": [PICKED, {**PICKED, "id": "f2"}]}  # maxNumFiles is 1
    state: dict[str, Any] = {
        "FilePicker1": too_many,
        "Gone": {"files": [PICKED]},  # a widget the republished page no longer has
        "Title": {"text": "meta on a Text"},  # Text has no meta: ignored
    }
    entities = widget_entities(portal_layout(), state)
    assert entities["FilePicker1"]["props"]["files"] == []
    assert entities["Title"]["props"]["text"] == "Upload your profile"
    assert "Gone" not in entities


def test_meta_state_of_the_wrong_shape_is_ignored() -> None:
    entities = widget_entities(portal_layout(), ["not", "a", "mapping"])  # type: ignore[arg-type]
    assert entities["FilePicker1"]["props"]["files"] == []


def test_meta_state_that_is_not_a_mapping_is_ignored() -> None:
    entities = widget_entities(portal_layout(), {"FilePicker1": ["not", "a", "mapping"]})  # type: ignore[dict-item]
    assert entities["FilePicker1"]["props"]["files"] == []


def test_entities_are_copies() -> None:
    layout = portal_layout()
    state = {"FilePicker1": {"files": [PICKED]}}
    entities = widget_entities(layout, state)
    props: dict[str, Any] = entities["FilePicker1"]["props"]
    props["allowedFileTypes"].append(".exe")
    props["files"][0]["name"] = "changed"
    fresh = widget_entities(page(widget("P", "FilePicker")))["P"]
    assert fresh["props"]["allowedFileTypes"] == ["*"]
    assert layout["children"][1]["props"]["allowedFileTypes"] == ["*"]
    assert state["FilePicker1"]["files"][0]["name"] == "cv.pdf"


def test_an_invalid_layout_is_refused() -> None:
    with pytest.raises(LayoutValidationError) as caught:
        widget_entities(page(widget("if", "Text")))
    assert caught.value.errors[0].path == "layout.children[0].widgetName"


def test_nested_containers_become_parents() -> None:
    layout = page(widget("Box", "Container", children=[widget("Inner", "Text")]))
    entities = widget_entities(layout)
    assert list(entities) == ["MainContainer", "Box", "Inner"]
    assert entities["Inner"]["parent"] == "Box"


def test_resolve_props_fills_defaults_and_drops_nothing_declared() -> None:
    resolved = resolve_props(get_widget_type("Text"), {"text": "Hi"})
    assert resolved == {
        "text": "Hi",
        "fontSize": "0.875rem",
        "textAlign": "LEFT",
        "textColor": "#231F20",
        "isVisible": True,
    }


# --- apply_meta_changes -----------------------------------------------------


def meta_faults(type_: str, changes: object, **kwargs: Any) -> list[tuple[str, str]]:
    with pytest.raises(MetaValidationError) as caught:
        apply_meta_changes(type_, changes, **kwargs)
    assert caught.value.code == "invalid_meta"
    return [(fault.path, fault.code) for fault in caught.value.errors]


def test_valid_file_changes_are_returned_as_a_copy() -> None:
    changes = {"files": [PICKED]}
    applied = apply_meta_changes("FilePicker", changes)
    assert applied == changes
    assert applied["files"] is not changes["files"]


def test_valid_input_text() -> None:
    assert apply_meta_changes("Input", {"text": "hello"}) == {"text": "hello"}
    assert apply_meta_changes("Input", {}) == {}


def test_a_widget_type_object_is_accepted() -> None:
    assert apply_meta_changes(get_widget_type("Input"), {"text": "x"}) == {"text": "x"}


def test_without_props_the_type_defaults_limit_files() -> None:
    # maxNumFiles defaults to 1, maxFileSize to 5 MB.
    assert meta_faults("FilePicker", {"files": [PICKED, {**PICKED, "id": "f2"}]}) == [
        ("meta.files", "too_many_files")
    ]
    assert meta_faults("FilePicker", {"files": [{**PICKED, "size": 6 * 1024 * 1024}]}) == [
        ("meta.files[0].size", "file_too_large")
    ]


def test_props_set_the_limits() -> None:
    two = {"files": [PICKED, {**PICKED, "id": "f2"}]}
    assert apply_meta_changes("FilePicker", two, props={"maxNumFiles": 2}) == two
    portal_props = widget_entities(portal_layout())["FilePicker1"]["props"]
    big = {"files": [{**PICKED, "size": 150 * 1024 * 1024}]}
    assert apply_meta_changes("FilePicker", big, props=portal_props) == big


def test_bound_limits_are_not_applied() -> None:
    two = {"files": [PICKED, {**PICKED, "id": "f2"}]}
    assert apply_meta_changes("FilePicker", two, props={"maxNumFiles": "{{ n }}"}) == two


def test_every_meta_fault_is_collected() -> None:
    changes = {"files": [{**PICKED, "size": -1}, "x"], "text": "no"}
    assert meta_faults("FilePicker", changes, props={"maxNumFiles": 5}) == [
        ("meta.files[0].size", "invalid_type"),
        ("meta.files[1]", "invalid_type"),
        ("meta.text", "unknown_meta_property"),
    ]


def test_an_unknown_meta_property_names_what_can_be_set() -> None:
    with pytest.raises(MetaValidationError) as caught:
        apply_meta_changes("Input", {"isValid": True})
    assert "they can set: text" in caught.value.errors[0].message
    assert meta_faults("Button", {"text": "x"}) == [("meta.text", "unknown_meta_property")]


@pytest.mark.parametrize("changes", [None, [], "text", 3])
def test_meta_changes_must_be_an_object(changes: object) -> None:
    assert meta_faults("Input", changes) == [("meta", "invalid_type")]


def test_a_disabled_widget_takes_no_meta_changes() -> None:
    assert meta_faults("Input", {"text": "x"}, props={"isDisabled": True}) == [
        ("meta", "widget_disabled")
    ]
    assert apply_meta_changes("Input", {}, props={"isDisabled": True}) == {}
    bound = {"isDisabled": "{{ Toggle.isChecked }}"}  # evaluated props decide
    assert apply_meta_changes("Input", {"text": "x"}, props=bound) == {"text": "x"}


def test_the_meta_path_can_be_renamed() -> None:
    assert meta_faults("Input", {"text": 1}, path="body.meta") == [
        ("body.meta.text", "invalid_type")
    ]


def test_meta_changes_for_an_unknown_type() -> None:
    with pytest.raises(UnknownWidgetTypeError):
        apply_meta_changes("Table", {"selectedRow": 1})


# --- event_handler ----------------------------------------------------------


def test_event_handler_returns_the_stored_code_unevaluated() -> None:
    assert event_handler(portal_layout(), "FilePicker1", "onFilesSelected") == UPLOAD


@pytest.mark.parametrize("props", [{}, {"onClick": ""}, {"onClick": "   "}])
def test_an_unset_handler_is_none(props: dict[str, Any]) -> None:
    assert event_handler(page(widget("Go", "Button", props=props)), "Go", "onClick") is None


def test_event_handler_for_an_unknown_widget() -> None:
    with pytest.raises(WidgetNotFoundError):
        event_handler(portal_layout(), "Button9", "onClick")


def test_event_handler_for_an_event_the_widget_lacks() -> None:
    with pytest.raises(UnknownEventError) as caught:
        event_handler(portal_layout(), "FilePicker1", "onClick")
    assert caught.value.event == "onClick"
    assert "onFilesSelected" in caught.value.message
    with pytest.raises(UnknownEventError):
        event_handler(portal_layout(), "Title", "onClick")


def test_event_handler_on_a_widget_of_unknown_type() -> None:
    layout = page({**widget("Odd", "Table"), "props": {"onClick": "{{ a }}"}})
    with pytest.raises(UnknownWidgetTypeError):
        event_handler(layout, "Odd", "onClick")


def test_event_handler_tolerates_props_that_are_not_an_object() -> None:
    layout = page({**widget("Go", "Button"), "props": None})
    assert event_handler(layout, "Go", "onClick") is None


# --- evaluated_prop_errors --------------------------------------------------


def test_evaluated_values_of_the_right_type_pass() -> None:
    values = {"maxNumFiles": 3, "label": "{{ literally }}", "isRequired": False}
    assert evaluated_prop_errors("FilePicker", values) == {}


def test_evaluated_values_are_checked_in_full() -> None:
    values = {"maxNumFiles": "{{ still a string }}", "maxFileSize": -1, "label": "ok"}
    found = evaluated_prop_errors("FilePicker", values, path="FilePicker1")
    assert {name: [(f.path, f.code) for f in faults] for name, faults in found.items()} == {
        "maxNumFiles": [("FilePicker1.maxNumFiles", "invalid_type")],
        "maxFileSize": [("FilePicker1.maxFileSize", "out_of_range")],
    }
    assert found["maxNumFiles"][0].message == "'maxNumFiles' must be an integer, not string."


def test_evaluated_meta_derived_and_unknown_names_are_skipped() -> None:
    values = {"files": "x", "isValid": "x", "nope": 1}
    assert evaluated_prop_errors(get_widget_type("FilePicker"), values) == {}


def test_evaluated_paths_default_to_the_property_name() -> None:
    found = evaluated_prop_errors("Text", {"text": 5})
    assert [(f.path, f.code) for f in found["text"]] == [("text", "invalid_type")]


def test_evaluated_values_of_an_unknown_type() -> None:
    with pytest.raises(UnknownWidgetTypeError):
        evaluated_prop_errors("Table", {})
