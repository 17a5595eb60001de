"""Declaring widget types: PropertySpec validation, MetaSpec, EventSpec, WidgetType."""

from __future__ import annotations

import json
import math

import pytest

from widgets.errors import FieldError, RegistryError
from widgets.schema import (
    DEFAULT_ICON,
    Control,
    EventSpec,
    GridSize,
    MetaSpec,
    PropertySpec,
    Section,
    Shape,
    ValueType,
    WidgetType,
    is_binding,
    label_from_name,
    type_name,
)


def _no_faults(value: object, props: object, path: str) -> list[FieldError]:
    return []


def _codes(spec: PropertySpec, value: object) -> list[str]:
    faults = spec.validate(value, "p")
    assert all(fault.message for fault in faults)
    return [fault.code for fault in faults]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("{{ a }}", True), ("x {{a}} y", True), ("{{", True), ("{ a }", False), (3, False)],
)
def test_is_binding_looks_for_opening_braces(value: object, expected: bool) -> None:
    assert is_binding(value) is expected


@pytest.mark.parametrize(
    ("value", "name"),
    [(None, "null"), (True, "boolean"), (1, "number"), (1.5, "number"), ("s", "string"),
     ([], "array"), ((), "array"), ({}, "object"), (object(), "object")],
)  # fmt: skip
def test_type_name_uses_json_names(value: object, name: str) -> None:
    assert type_name(value) == name


@pytest.mark.parametrize(
    ("value_type", "good", "bad"),
    [
        (ValueType.STRING, "text", 3),
        (ValueType.NUMBER, 2.5, "2.5"),
        (ValueType.NUMBER, 2, True),
        (ValueType.NUMBER, 0, math.nan),
        (ValueType.NUMBER, -1, math.inf),
        (ValueType.INTEGER, 3, 3.0),
        (ValueType.INTEGER, -3, False),
        (ValueType.BOOLEAN, False, 0),
        (ValueType.BOOLEAN, True, "true"),
        (ValueType.STRING_LIST, ["a"], "a"),
        (ValueType.ENUM, "A", 1),
    ],
)
def test_each_type_accepts_its_values_and_rejects_others(
    value_type: ValueType, good: object, bad: object
) -> None:
    spec = PropertySpec("p", value_type, None, bindable=False, choices=("A",))
    assert _codes(spec, good) == []
    assert _codes(spec, bad) == ["invalid_type"]


def test_a_type_error_names_the_property_and_the_shapes() -> None:
    [fault] = PropertySpec("maxNumFiles", ValueType.INTEGER, 1).validate("x", "layout.props.m")
    assert fault == FieldError(
        "layout.props.m",
        "invalid_type",
        "'maxNumFiles' must be an integer or a {{ }} binding, not string.",
    )


def test_the_message_leaves_out_binding_when_not_bindable() -> None:
    spec = PropertySpec("flag", ValueType.BOOLEAN, False, bindable=False, nullable=True)
    [fault] = spec.validate(1, "p")
    assert fault.message == "'flag' must be a boolean or null, not number."


def test_a_binding_passes_a_bindable_property_of_any_type() -> None:
    spec = PropertySpec("n", ValueType.INTEGER, 1, minimum=1)
    assert _codes(spec, "{{ Input1.value }}") == []


def test_a_binding_is_a_plain_string_on_a_non_bindable_property() -> None:
    spec = PropertySpec("mode", ValueType.ENUM, "A", bindable=False, choices=("A", "B"))
    assert _codes(spec, "{{ x }}") == ["invalid_choice"]


def test_null_needs_nullable() -> None:
    assert _codes(PropertySpec("n", ValueType.INTEGER, None, nullable=True), None) == []
    assert _codes(PropertySpec("n", ValueType.INTEGER, 1), None) == ["invalid_type"]


def test_enum_rejects_a_string_outside_its_choices() -> None:
    spec = PropertySpec("align", ValueType.ENUM, "LEFT", choices=("LEFT", "RIGHT"))
    [fault] = spec.validate("left", "p")
    assert fault.code == "invalid_choice"
    assert "LEFT, RIGHT" in fault.message


def test_minimum_and_maximum_are_inclusive() -> None:
    spec = PropertySpec("n", ValueType.INTEGER, 1, minimum=1, maximum=10)
    assert _codes(spec, 1) == []
    assert _codes(spec, 10) == []
    assert _codes(spec, 0) == ["out_of_range"]
    assert _codes(spec, 11) == ["out_of_range"]
    assert spec.validate(0, "p")[0].message == "'n' must be >= 1 and <= 10."


def test_exclusive_minimum_rejects_the_bound() -> None:
    spec = PropertySpec("mb", ValueType.NUMBER, 5, minimum=0, exclusive_minimum=True)
    assert _codes(spec, 0.001) == []
    assert _codes(spec, 0) == ["out_of_range"]
    assert spec.validate(0, "p")[0].message == "'mb' must be > 0."


def test_check_runs_on_well_typed_values_only() -> None:
    spec = PropertySpec("s", ValueType.STRING, "", check=lambda v: None if v == "ok" else "no")
    assert _codes(spec, "ok") == []
    assert spec.validate("bad", "p") == [FieldError("p", "invalid_value", "no")]
    assert _codes(spec, 3) == ["invalid_type"]


def test_string_list_checks_each_item_with_its_index() -> None:
    spec = PropertySpec(
        "types", ValueType.STRING_LIST, [], check=lambda v: None if v != "bad" else "bad item"
    )
    faults = spec.validate(["ok", 3, "bad"], "p")
    assert [(fault.path, fault.code) for fault in faults] == [
        ("p[1]", "invalid_type"),
        ("p[2]", "invalid_value"),
    ]


def test_property_spec_to_dict_is_json_and_copies_the_default() -> None:
    default = ["*"]
    spec = PropertySpec(
        "n", ValueType.NUMBER, default, minimum=0, maximum=9, choices=("a",), help="h"
    )
    described = spec.to_dict()
    assert described == {
        "name": "n",
        "label": "N",
        "section": "General",
        "control": "number",
        "type": "number",
        "default": ["*"],
        "bindable": True,
        "nullable": False,
        "choices": ["a"],
        "minimum": 0,
        "exclusive_minimum": False,
        "maximum": 9,
        "help": "h",
    }
    assert described["default"] is not default
    json.dumps(described)


def test_minimal_property_spec_to_dict_leaves_out_unset_constraints() -> None:
    assert set(PropertySpec("s", ValueType.STRING, "").to_dict()) == {
        "name",
        "label",
        "section",
        "control",
        "type",
        "default",
        "bindable",
        "nullable",
    }


def test_meta_and_event_specs_describe_themselves() -> None:
    meta = MetaSpec("text", "", _no_faults, default_from="defaultText", help="typed")
    assert meta.to_dict() == {
        "name": "text",
        "default": "",
        "default_from": "defaultText",
        "help": "typed",
    }
    assert MetaSpec("files", [], _no_faults).to_dict() == {"name": "files", "default": []}
    assert EventSpec("onClick", "click").to_dict() == {
        "name": "onClick",
        "label": "onClick",
        "help": "click",
    }
    assert EventSpec("onClick", label="On click").to_dict()["label"] == "On click"


def _type(**kwargs: object) -> WidgetType:
    defaults: dict[str, object] = {
        "name": "Thing",
        "properties": (PropertySpec("label", ValueType.STRING, ""),),
    }
    return WidgetType(**{**defaults, **kwargs})  # type: ignore[arg-type]


def test_widget_type_lookups() -> None:
    thing = _type(
        meta=(MetaSpec("value", "", _no_faults, default_from="label"),),
        derived={"isValid": "true"},
        events=(EventSpec("onChange"),),
    )
    assert thing.get_property("label") is thing.properties[0]
    assert thing.get_property("nope") is None
    assert thing.get_meta("value") is thing.meta[0]
    assert thing.get_meta("label") is None
    assert thing.event_names == ("onChange",)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"properties": (PropertySpec("a", ValueType.STRING, ""),) * 2},
        {"meta": (MetaSpec("label", "", _no_faults),)},
        {"derived": {"label": "1"}},
        {"events": (EventSpec("label"),)},
    ],
)
def test_a_name_declared_twice_is_a_registry_error(kwargs: dict[str, object]) -> None:
    with pytest.raises(RegistryError, match="more than once"):
        _type(**kwargs)


def test_a_meta_shape_is_described_as_json_only_where_declared() -> None:
    point = Shape("object", "A point.", keys=(("x", Shape("number")), ("y", Shape("number"))))
    shaped = MetaSpec("points", [], _no_faults, shape=Shape("array", items=point))
    assert shaped.to_dict()["shape"] == {
        "type": "array",
        "items": {
            "type": "object",
            "help": "A point.",
            "keys": {"x": {"type": "number"}, "y": {"type": "number"}},
        },
    }
    assert "shape" not in MetaSpec("text", "", _no_faults).to_dict()


def test_meta_default_from_must_name_a_property() -> None:
    with pytest.raises(RegistryError, match="unknown property 'nope'"):
        _type(meta=(MetaSpec("value", "", _no_faults, default_from="nope"),))


def test_derived_expressions_cannot_be_changed_after_declaration() -> None:
    source = {"isValid": "true"}
    thing = _type(derived=source)
    source["isValid"] = "false"
    assert thing.derived["isValid"] == "true"
    with pytest.raises(TypeError):
        thing.derived["isValid"] = "false"  # type: ignore[index]


def test_widget_type_to_dict_is_json() -> None:
    thing = _type(derived={"isValid": "true"}, events=(EventSpec("onChange"),), is_container=True)
    described = thing.to_dict()
    assert described["name"] == "Thing"
    assert described["label"] == "Thing"
    assert described["icon"] == DEFAULT_ICON
    assert described["is_container"] is True
    assert described["default_size"] == {"w": 16, "h": 4}
    assert described["default_props"] == {}
    assert described["derived"] == ["isValid"]
    assert described["events"] == [{"name": "onChange", "label": "onChange", "help": ""}]
    json.dumps(described)


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("maxNumFiles", "Max num files"),
        ("isVisible", "Is visible"),
        ("dataURL", "Data URL"),
        ("HTMLText", "HTML text"),
        ("maxChars2", "Max chars 2"),
        ("x", "X"),
        ("_", "_"),
    ],
)
def test_labels_left_out_are_made_from_the_name(name: str, label: str) -> None:
    assert label_from_name(name) == label
    assert PropertySpec(name, ValueType.STRING, "").shown_label == label


@pytest.mark.parametrize(
    ("value_type", "control"),
    [
        (ValueType.STRING, Control.TEXT),
        (ValueType.NUMBER, Control.NUMBER),
        (ValueType.INTEGER, Control.NUMBER),
        (ValueType.BOOLEAN, Control.SWITCH),
        (ValueType.ENUM, Control.SELECT),
        (ValueType.STRING_LIST, Control.LIST),
    ],
)
def test_the_control_defaults_to_the_one_that_fits_the_type(
    value_type: ValueType, control: Control
) -> None:
    assert PropertySpec("p", value_type, None).shown_control is control
    chosen = PropertySpec("p", value_type, None, control=Control.COLOR)
    assert chosen.to_dict()["control"] == "color"


def test_a_property_names_its_section() -> None:
    spec = PropertySpec("regex", ValueType.STRING, "", section=Section.VALIDATION, label="Rx")
    assert (spec.to_dict()["section"], spec.to_dict()["label"]) == ("Validation", "Rx")


def test_editor_defaults_are_described_and_frozen() -> None:
    defaults = {"label": "Hello"}
    thing = _type(label="A thing", icon="M0 0h1v1H0z", default_size=GridSize(64, 2),
                  default_props=defaults)  # fmt: skip
    defaults["label"] = "changed"
    described = thing.to_dict()
    assert (described["label"], described["icon"]) == ("A thing", "M0 0h1v1H0z")
    assert described["default_size"] == {"w": 64, "h": 2}
    assert described["default_props"] == {"label": "Hello"}
    with pytest.raises(TypeError):
        thing.default_props["label"] = "x"  # type: ignore[index]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"default_size": GridSize(0, 4)}, "w must be 1..64"),
        ({"default_size": GridSize(65, 4)}, "w must be 1..64"),
        ({"default_size": GridSize(4, 0)}, "h at least 1"),
        ({"default_props": {"nope": 1}}, "neither a property nor an event"),
        ({"default_props": {"label": 3}}, "must be a string"),
    ],
)
def test_editor_defaults_must_make_a_valid_widget(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(RegistryError, match=message):
        _type(**kwargs)


def test_an_event_may_have_a_default_handler() -> None:
    thing = _type(events=(EventSpec("onChange"),), default_props={"onChange": "{{x()}}"})
    assert thing.default_props == {"onChange": "{{x()}}"}
