"""The exception tree of widgets.errors."""

from __future__ import annotations

import json

import pytest

from widgets import errors
from widgets.errors import (
    EntityNameError,
    FieldError,
    InvalidDocumentError,
    LayoutValidationError,
    MetaValidationError,
    RegistryError,
    UnknownEventError,
    UnknownWidgetTypeError,
    WidgetNotFoundError,
    WidgetsError,
    preview,
)


@pytest.mark.parametrize(
    "cls",
    [
        EntityNameError,
        UnknownWidgetTypeError,
        WidgetNotFoundError,
        UnknownEventError,
        RegistryError,
        InvalidDocumentError,
        LayoutValidationError,
        MetaValidationError,
    ],
)
def test_every_error_is_a_widgets_error(cls: type[Exception]) -> None:
    assert issubclass(cls, WidgetsError)


def test_the_docstring_draws_every_exported_error() -> None:
    doc = errors.__doc__ or ""
    for name in errors.__all__:
        if name.endswith("Error") and name != "FieldError":
            assert name in doc


def test_field_error_renders_with_field() -> None:
    error = FieldError("layout.props.x", "invalid_type", "bad")
    assert error.to_dict() == {"code": "invalid_type", "message": "bad", "field": "layout.props.x"}


def test_root_error_defaults_its_code_and_omits_an_empty_path() -> None:
    error = WidgetsError("Something failed.")
    assert error.code == "widgets_error"
    assert error.to_dict() == {"code": "widgets_error", "message": "Something failed."}
    assert str(error) == "Something failed."


def test_root_error_renders_path_as_field() -> None:
    error = WidgetsError("Bad.", code="bad", path="layout.type")
    assert error.to_dict() == {"code": "bad", "message": "Bad.", "field": "layout.type"}


def test_unknown_widget_type_lists_known_types() -> None:
    error = UnknownWidgetTypeError("Nope", known=["Text", "Button"], path="layout.type")
    assert error.code == "unknown_widget_type"
    assert error.widget_type == "Nope"
    assert error.path == "layout.type"
    assert "known types: Button, Text" in error.message


def test_unknown_widget_type_without_known_types() -> None:
    assert UnknownWidgetTypeError("Nope").message == "Unknown widget type 'Nope'."


def test_widget_not_found_names_the_widget() -> None:
    error = WidgetNotFoundError("Input9")
    assert error.code == "widget_not_found"
    assert error.widget_name == "Input9"
    assert "Input9" in error.message


def test_unknown_event_lists_the_events() -> None:
    error = UnknownEventError("Button", "onHover", known=["onClick"])
    assert error.code == "unknown_event"
    assert (error.widget_type, error.event) == ("Button", "onHover")
    assert "its events: onClick" in error.message


def test_unknown_event_on_a_type_without_events() -> None:
    assert "its events: none" in UnknownEventError("Text", "onClick").message


def test_entity_name_error_keeps_the_name() -> None:
    error = EntityNameError("Bad name.", name=3, code="invalid_type")
    assert (error.name, error.code) == (3, "invalid_type")


def test_document_error_summarises_and_keeps_every_fault() -> None:
    faults = [
        FieldError("layout.a", "x", "first"),
        FieldError("layout.b", "y", "second"),
        FieldError("layout.c", "z", "third"),
    ]
    error = LayoutValidationError(faults)
    assert error.errors == tuple(faults)
    assert error.code == "invalid_layout"
    assert error.path == "layout.a"
    assert str(error) == "Invalid layout: layout.a: first (and 2 more errors)"
    rendered = error.to_dict()
    assert rendered["errors"] == [fault.to_dict() for fault in faults]
    json.dumps(rendered)  # must be serialisable as is


def test_document_error_with_one_fault_has_no_suffix() -> None:
    error = MetaValidationError([FieldError("meta.text", "invalid_type", "bad")])
    assert error.code == "invalid_meta"
    assert str(error) == "Invalid meta changes: meta.text: bad"


def test_document_error_with_two_faults_says_one_more() -> None:
    error = LayoutValidationError([FieldError("a", "c", "m"), FieldError("b", "c", "n")])
    assert str(error).endswith("(and 1 more error)")


def test_document_error_needs_a_fault() -> None:
    with pytest.raises(ValueError, match="at least one FieldError"):
        LayoutValidationError([])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("short", "'short'"),
        ("x" * 50, "'" + "x" * 40 + "...'"),
        (3, "3"),
        (None, "None"),
        (list(range(100)), repr(list(range(100)))[:40] + "..."),
    ],
)
def test_preview_cuts_long_values(value: object, expected: str) -> None:
    assert preview(value) == expected


def test_preview_survives_an_unprintable_int() -> None:
    assert preview(10**5000) == "a very large number"


def test_error_messages_cut_user_values() -> None:
    assert len(UnknownWidgetTypeError("T" * 10_000).message) < 100
    assert len(WidgetNotFoundError("W" * 10_000).message) < 100
    assert len(UnknownEventError("Button", "e" * 10_000).message) < 150
