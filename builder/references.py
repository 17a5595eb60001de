"""Where a page refers to its entities by name: its layout's props and its actions' configs.

Renaming a widget or an action rewrites every reference to it with
`runtime.rename_in_template`, which changes only free occurrences of the name
inside ``{{ }}`` (not a property ``x.Text1``, an object key, a string, or a
local that hides the entity). These functions are pure: they return copies.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from runtime import rename_in_template
from widgets import UnknownWidgetTypeError, default_registry, walk_widgets

__all__ = ["rename_in_action_config", "rename_in_layout"]

# The parts of an action's config that may hold bindings (builder.action_config).
_KEY_VALUE_ROWS = ("headers", "query_params")


def rename_in_layout(layout: Any, old_name: str, new_name: str) -> Any:
    """A copy of ``layout`` with the widget ``old_name`` (if any) and every reference renamed."""
    renamed = copy.deepcopy(layout)
    for visit in walk_widgets(renamed):
        widget: Any = visit.widget
        if widget.get("widgetName") == old_name:
            widget["widgetName"] = new_name
        props = widget.get("props")
        if not isinstance(props, dict):
            continue
        code_props = _code_props(widget.get("type"))
        for prop, value in props.items():
            if code_props is None or prop in code_props:
                props[prop] = _rename_strings(value, old_name, new_name)
    return renamed


def rename_in_action_config(config: Any, old_name: str, new_name: str) -> Any:
    """A copy of an action's ``config`` with every reference to ``old_name`` renamed."""
    if not isinstance(config, Mapping):
        return copy.deepcopy(config)
    renamed = copy.deepcopy(dict(config))
    if isinstance(renamed.get("path"), str):
        renamed["path"] = rename_in_template(renamed["path"], old_name, new_name)
    for rows in _KEY_VALUE_ROWS:
        for row in renamed.get(rows) or ():
            if isinstance(row, dict):
                for part in ("key", "value"):
                    if isinstance(row.get(part), str):
                        row[part] = rename_in_template(row[part], old_name, new_name)
    if "body" in renamed:
        renamed["body"] = _rename_strings(renamed["body"], old_name, new_name)
    return renamed


def _code_props(type_name: object) -> frozenset[str] | None:
    """The props of a type that may hold code (bindable ones and events); None: unknown type."""
    try:
        widget_type = default_registry.get(type_name)
    except UnknownWidgetTypeError:
        return None
    bindable = (spec.name for spec in widget_type.properties if spec.bindable)
    return frozenset((*bindable, *widget_type.event_names))


def _rename_strings(value: Any, old_name: str, new_name: str) -> Any:
    """Every string inside a JSON value, renamed (a query's JSON body holds bindings anywhere)."""
    if isinstance(value, str):
        return rename_in_template(value, old_name, new_name)
    if isinstance(value, list):
        return [_rename_strings(item, old_name, new_name) for item in value]
    if isinstance(value, dict):
        return {key: _rename_strings(item, old_name, new_name) for key, item in value.items()}
    return value
