"""References to an entity in a layout and in an action's config (pure functions)."""

from __future__ import annotations

from builder.layouts import default_layout
from builder.references import rename_in_action_config, rename_in_layout


def _widget(name: str, type_name: str, props: dict[str, object]) -> dict[str, object]:
    return {
        "widgetName": name,
        "type": type_name,
        "props": props,
        "position": {"x": 0, "y": 0, "w": 8, "h": 4},
    }


def test_only_props_that_may_hold_code_are_rewritten() -> None:
    picker = _widget(
        "Picker",
        "FilePicker",
        # dataFormat is not bindable: its text is never code.
        {
            "label": "{{Api1.data}}",
            "dataFormat": "{{Api1}}",
            "onFilesSelected": "{{Api1.run()}}",
            "allowedFileTypes": ["{{Api1.data.type}}", ".pdf"],
        },
    )
    layout = {**default_layout(), "children": [picker]}

    renamed = rename_in_layout(layout, "Api1", "Fetch")

    assert renamed["children"][0]["props"] == {
        "label": "{{Fetch.data}}",
        "dataFormat": "{{Api1}}",
        "onFilesSelected": "{{Fetch.run()}}",
        "allowedFileTypes": ["{{Fetch.data.type}}", ".pdf"],
    }
    assert layout["children"][0]["props"]["label"] == "{{Api1.data}}"  # a copy


def test_a_widget_of_an_unknown_type_has_every_prop_rewritten() -> None:
    layout = {**default_layout(), "children": [_widget("G", "Gauge", {"v": "{{Api1.data}}"})]}
    assert rename_in_layout(layout, "Api1", "Fetch")["children"][0]["props"] == {
        "v": "{{Fetch.data}}"
    }


def test_a_malformed_config_comes_back_as_it_is() -> None:
    assert rename_in_action_config(["{{Api1}}"], "Api1", "Fetch") == ["{{Api1}}"]
    odd = {"path": 3, "headers": ["x", {"key": 1, "value": "{{Api1}}"}], "timeout_s": 5}
    assert rename_in_action_config(odd, "Api1", "Fetch") == {
        "path": 3,
        "headers": ["x", {"key": 1, "value": "{{Fetch}}"}],
        "timeout_s": 5,
    }
