"""The registry of widget types."""

from __future__ import annotations

import json
from typing import Any

import pytest

from widgets.errors import RegistryError, UnknownWidgetTypeError
from widgets.registry import Registry, default_registry, get_widget_type, registry_or_default
from widgets.schema import PropertySpec, ValueType, WidgetType
from widgets.types import BUILTIN_WIDGET_TYPES

THING = WidgetType("Thing", (PropertySpec("label", ValueType.STRING, ""),))


def test_the_default_registry_holds_the_builtin_types() -> None:
    assert default_registry.names() == ["Container", "Text", "Button", "Input", "FilePicker"]
    assert len(default_registry) == len(BUILTIN_WIDGET_TYPES)
    assert list(default_registry) == list(BUILTIN_WIDGET_TYPES)


def test_get_widget_type_finds_a_builtin() -> None:
    assert get_widget_type("FilePicker").name == "FilePicker"
    assert "FilePicker" in default_registry
    assert "filepicker" not in default_registry


@pytest.mark.parametrize("name", ["Nope", "", None, 3, ["Text"]])
def test_an_unknown_type_raises_with_the_known_ones(name: object) -> None:
    with pytest.raises(UnknownWidgetTypeError) as caught:
        default_registry.get(name, path="layout.type")
    assert caught.value.path == "layout.type"
    assert "known types: Button, Container, FilePicker, Input, Text" in caught.value.message
    with pytest.raises(UnknownWidgetTypeError):
        get_widget_type(name)


def test_register_adds_a_type_to_its_own_registry_only() -> None:
    registry = Registry()
    assert registry.register(THING) is THING
    assert registry.get("Thing") is THING
    assert "Thing" not in default_registry


def test_registering_a_name_twice_is_an_error() -> None:
    registry = Registry([THING])
    with pytest.raises(RegistryError, match="already registered"):
        registry.register(WidgetType("Thing", ()))


def test_to_dict_describes_every_type_as_json() -> None:
    described: dict[str, Any] = default_registry.to_dict()
    assert list(described) == default_registry.names()
    (files,) = described["FilePicker"]["meta"]
    assert (files["name"], files["default"], files["help"]) == ("files", [], "The picked files.")
    assert files["shape"]["type"] == "array"
    assert list(files["shape"]["items"]["keys"]) == ["id", "name", "size", "type", "data"]
    assert all("shape" not in meta for meta in described["Input"]["meta"])
    json.dumps(described)


def test_registry_or_default_keeps_an_empty_registry() -> None:
    empty = Registry()
    assert registry_or_default(empty) is empty
    assert registry_or_default(None) is default_registry
