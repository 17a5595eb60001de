"""The widget types the editor's palette and property pane are built from."""

from __future__ import annotations

import pytest

from builder.api import widget_type_views
from tests.builder.helpers import assert_error
from widgets import (
    EventSpec,
    PropertySpec,
    Registry,
    ValueType,
    WidgetType,
    default_registry,
)

URL = "/api/v1/widget-types/"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["viewer", "developer", "outsider"])
def test_any_signed_in_user_reads_every_type_in_registry_order(client_as, role):
    response = client_as(role).get(URL)

    assert response.status_code == 200
    assert [item["name"] for item in response.json()] == default_registry.names()


@pytest.mark.django_db
def test_an_anonymous_request_is_refused(client_as):
    assert_error(client_as("anonymous").get(URL), 401, "not_authenticated")


@pytest.mark.django_db
def test_a_type_reads_as_the_editor_needs_it(client_as):
    types = {item["name"]: item for item in client_as("developer").get(URL).json()}
    picker = types["FilePicker"]

    assert picker["label"] == "File picker"
    assert picker["icon"].startswith("M")
    assert picker["default_size"] == {"w": 16, "h": 4}
    assert picker["is_container"] is False
    assert picker["derived"] == ["isValid"]
    (files,) = picker["meta"]
    assert (files["name"], files["default"], files["help"]) == ("files", [], "The picked files.")
    # What each picked file holds, for completing files[0]. before any pick.
    item = files["shape"]["items"]
    assert files["shape"]["type"] == "array" and item["type"] == "object"
    assert {key: shape["type"] for key, shape in item["keys"].items()} == {
        "id": "string",
        "name": "string",
        "size": "number",
        "type": "string",
        "data": "string",
    }
    assert all(shape["help"] for shape in item["keys"].values())
    assert picker["events"] == [
        {
            "name": "onFilesSelected",
            "label": "onFilesSelected",
            "help": "Runs when an end user picks files.",
        }
    ]
    max_size = next(spec for spec in picker["properties"] if spec["name"] == "maxFileSize")
    assert max_size == {
        "name": "maxFileSize",
        "label": "Max file size (MB)",
        "section": "Validation",
        "control": "number",
        "type": "number",
        "default": 5,
        "bindable": True,
        "nullable": False,
        "minimum": 0.0,
        "exclusive_minimum": True,
        "help": "In MB.",
    }
    assert types["Text"]["default_props"] == {"text": "Label"}
    assert types["Container"]["is_container"] is True
    colours = [spec for spec in types["Button"]["properties"] if spec["control"] == "color"]
    assert [(spec["name"], spec["section"]) for spec in colours] == [("buttonColor", "Style")]
    text_input = next(s for s in types["Input"]["properties"] if s["name"] == "inputType")
    assert text_input["choices"] == ["TEXT", "NUMBER", "EMAIL", "PASSWORD"]


@pytest.mark.django_db
def test_a_type_added_to_the_registry_appears_with_no_other_change(client_as, monkeypatch):
    gauge = WidgetType(
        "Gauge",
        (PropertySpec("value", ValueType.NUMBER, 0),),
        events=(EventSpec("onFull"),),
    )
    monkeypatch.setattr(widget_type_views, "default_registry", Registry([*default_registry, gauge]))

    (added,) = [item for item in client_as("developer").get(URL).json() if item["name"] == "Gauge"]

    assert added["label"] == "Gauge"
    assert added["properties"][0]["label"] == "Value"
    assert added["properties"][0]["control"] == "number"
    assert added["properties"][0]["section"] == "General"
    assert added["events"][0]["label"] == "onFull"
