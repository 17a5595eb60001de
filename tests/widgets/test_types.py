"""The built-in widget types and the checks they share (widgets.types)."""

from __future__ import annotations

import re

import pytest

from widgets import GRID_COLUMNS, validate_layout
from widgets.registry import default_registry, get_widget_type
from widgets.schema import DEFAULT_ICON, Control, Section, ValueType, WidgetType
from widgets.types.common import check_color, check_css_length
from widgets.types.input import MAX_TEXT_LENGTH, validate_text


def _defaults(type_name: str) -> dict[str, object]:
    return {spec.name: spec.default for spec in get_widget_type(type_name).properties}


def test_button_properties_and_event() -> None:
    button = get_widget_type("Button")
    assert _defaults("Button") == {
        "text": "Submit",
        "buttonColor": "#553DE9",
        "buttonVariant": "PRIMARY",
        "isDisabled": False,
        "isVisible": True,
    }
    variant = button.get_property("buttonVariant")
    assert variant is not None
    assert variant.choices == ("PRIMARY", "SECONDARY", "TERTIARY")
    assert button.event_names == ("onClick",)
    assert not button.is_container


def test_text_properties() -> None:
    text = get_widget_type("Text")
    assert _defaults("Text") == {
        "text": "",
        "fontSize": "0.875rem",
        "textAlign": "LEFT",
        "textColor": "#231F20",
        "isVisible": True,
    }
    align = text.get_property("textAlign")
    assert align is not None
    assert not align.bindable
    assert text.events == ()


def test_input_properties_meta_derived_and_events() -> None:
    field = get_widget_type("Input")
    assert _defaults("Input") == {
        "label": "",
        "inputType": "TEXT",
        "defaultText": "",
        "placeholderText": "",
        "isRequired": False,
        "regex": "",
        "errorMessage": "",
        "maxChars": None,
        "isDisabled": False,
        "isVisible": True,
    }
    input_type = field.get_property("inputType")
    assert input_type is not None
    assert input_type.choices == ("TEXT", "NUMBER", "EMAIL", "PASSWORD")
    text = field.get_meta("text")
    assert text is not None
    assert text.default_from == "defaultText"
    assert set(field.derived) == {"isValid", "value"}
    assert field.event_names == ("onTextChanged", "onSubmit")


def test_file_picker_properties_meta_derived_and_event() -> None:
    picker = get_widget_type("FilePicker")
    assert _defaults("FilePicker") == {
        "label": "Select Files",
        "maxNumFiles": 1,
        "maxFileSize": 5,
        "allowedFileTypes": ["*"],
        "dataFormat": "Base64",
        "isRequired": False,
        "isDisabled": False,
        "isVisible": True,
    }
    data_format = picker.get_property("dataFormat")
    assert data_format is not None
    assert data_format.choices == ("Base64", "Binary", "Text")
    assert [meta.name for meta in picker.meta] == ["files"]
    assert picker.derived == {"isValid": "this.isRequired ? this.files.length > 0 : true"}
    assert picker.event_names == ("onFilesSelected",)


def test_only_container_holds_children() -> None:
    container = get_widget_type("Container")
    assert container.is_container
    assert _defaults("Container") == {"backgroundColor": "#FFFFFF", "isVisible": True}
    others = ["Text", "Button", "Input", "FilePicker"]
    assert not any(get_widget_type(name).is_container for name in others)


@pytest.mark.parametrize("name", ["Container", "Text", "Button", "Input", "FilePicker"])
def test_every_default_passes_its_own_validation(name: str) -> None:
    for spec in get_widget_type(name).properties:
        assert spec.validate(spec.default, spec.name) == [], spec.name


@pytest.mark.parametrize("name", ["Text", "Button", "Input", "FilePicker", "Container"])
def test_every_widget_has_is_visible(name: str) -> None:
    spec = get_widget_type(name).get_property("isVisible")
    assert spec is not None
    assert spec.type is ValueType.BOOLEAN


@pytest.mark.parametrize(
    "color",
    ["#FFF", "#ffffff", "#11223344", "red", "transparent", "rgb(1, 2, 3)",
     "rgba(1,2,3,0.5)", "hsl(120 50% 50%)", "var(--brand-1)"],
)  # fmt: skip
def test_check_color_accepts_css_colors(color: str) -> None:
    assert check_color(color) is None


@pytest.mark.parametrize(
    "color",
    ["", "#12", "#GGGGGG", "red; background: url(x)", "url(evil)", "rgb(1,2,3);x", 5],
)
def test_check_color_rejects_anything_else(color: object) -> None:
    message = check_color(color)
    assert message is not None
    assert "is not a color" in message


@pytest.mark.parametrize("size", ["14px", "0.875rem", "1.5em", "2rem"])
def test_check_css_length_accepts_sizes(size: str) -> None:
    assert check_css_length(size) is None


@pytest.mark.parametrize("size", ["14", "big", "1.5 em", "-1px", "1vh", 14])
def test_check_css_length_rejects_anything_else(size: object) -> None:
    message = check_css_length(size)
    assert message is not None
    assert "is not a size" in message


def test_validate_text_accepts_a_string() -> None:
    assert validate_text("hello {{ not code }}", {}, "meta.text") == []


@pytest.mark.parametrize("value", [3, None, ["a"], {"a": 1}, True])
def test_validate_text_rejects_non_strings(value: object) -> None:
    [fault] = validate_text(value, {}, "meta.text")
    assert (fault.path, fault.code) == ("meta.text", "invalid_type")


def test_validate_text_rejects_huge_text() -> None:
    assert validate_text("a" * MAX_TEXT_LENGTH, {}, "t") == []
    [fault] = validate_text("a" * (MAX_TEXT_LENGTH + 1), {}, "t")
    assert fault.code == "too_long"


# What the editor shows of every built-in type (its palette and property pane).

_ICON = re.compile(r"[MmLlHhVvCcSsQqTtAaZz0-9 ,.\-]+")


@pytest.mark.parametrize("widget_type", list(default_registry), ids=default_registry.names())
def test_every_built_in_type_says_how_the_editor_shows_it(widget_type: WidgetType) -> None:
    assert widget_type.label and widget_type.icon != DEFAULT_ICON
    assert _ICON.fullmatch(widget_type.icon) and widget_type.icon.startswith("M")
    assert 1 <= widget_type.default_size.w <= GRID_COLUMNS and widget_type.default_size.h >= 1
    for spec in widget_type.properties:
        assert spec.label, f"{widget_type.name}.{spec.name} has no label"
    colors = {spec.name for spec in widget_type.properties if spec.check is check_color}
    assert colors == {
        spec.name for spec in widget_type.properties if spec.shown_control is Control.COLOR
    }
    for colour in colors:
        assert widget_type.get_property(colour).section is Section.STYLE  # type: ignore[union-attr]


def test_sections_and_controls_of_the_file_picker() -> None:
    picker = {
        spec.name: {"section": str(spec.section), "control": str(spec.shown_control)}
        for spec in get_widget_type("FilePicker").properties
    }
    assert (picker["maxFileSize"]["section"], picker["maxFileSize"]["control"]) == (
        "Validation",
        "number",
    )
    assert picker["allowedFileTypes"]["control"] == "list"
    assert picker["dataFormat"]["control"] == "select"
    assert (picker["isRequired"]["section"], picker["isRequired"]["control"]) == (
        "Validation",
        "switch",
    )


def test_a_new_widget_of_each_type_is_valid_on_a_page() -> None:
    children = [
        {
            "widgetName": f"{widget_type.name}1",
            "type": widget_type.name,
            "props": dict(widget_type.default_props),
            "position": {"x": 0, "y": index * 40, **widget_type.default_size.to_dict()},
        }
        for index, widget_type in enumerate(default_registry)
    ]
    validate_layout(
        {
            "widgetName": "MainContainer",
            "type": "Container",
            "props": {},
            "position": {"x": 0, "y": 0, "w": GRID_COLUMNS, "h": 400},
            "children": children,
        }
    )
