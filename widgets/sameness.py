"""Sameness as JSON sees it: `1` is not `true`, `1` is not `1.0`, `-0.0` is not `0.0`.

same_json(a, b)        # written as the same JSON (object keys in any order)
same_widget(a, b)      # the same widget but for its children (see validate_layout)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from widgets.tree import walk_widgets

__all__ = ["same_json", "same_widget", "unchanged_widgets", "widget_nodes"]


def same_json(a: Any, b: Any) -> bool:
    """Whether ``a`` and ``b`` are written as the same JSON (object keys in any order)."""
    if a is b:
        return True
    kind = type(a)
    # What json.loads gives, compared without a second pass (the editor compares
    # every widget of a page per change); anything else as below.
    if kind is type(b):
        if kind is str or kind is int or kind is bool:
            return bool(a == b)
        if kind is dict:
            return a.keys() == b.keys() and all(same_json(v, b[k]) for k, v in a.items())
        if kind is list:
            return len(a) == len(b) and all(map(same_json, a, b))
    # `1 == True` and `1 == 1.0` in Python, not in JSON: equal values are compared again.
    return bool(a == b) and _same_types(a, b)


def _same_types(a: Any, b: Any) -> bool:
    """For ``a == b``: whether JSON writes them alike, down to every nested value."""
    if a is b:
        return True
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return all(_same_types(value, b[key]) for key, value in a.items())
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return all(map(_same_types, a, b))
    if type(a) is not type(b):
        return False
    # -0.0 == 0.0, but JSON writes them apart.
    return not isinstance(a, float) or repr(a) == repr(b)


def same_widget(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Whether two widget nodes hold the same JSON, their ``children`` left out.

    May answer False for the same JSON with object keys in another order
    (callers then treat the widget as changed, which is only slower).
    """
    if a is b:
        return True
    if a.keys() != b.keys():
        return False
    for key, value in a.items():
        if key == "children":
            continue
        other = b[key]
        kind = type(value)
        if kind is not type(other):
            if not same_json(value, other):
                return False
        elif kind is str:  # widgetName, type: the common case inline
            if value != other:
                return False
        elif kind is dict:
            if not _same_flat_dict(value, other):
                return False
        elif not same_json(value, other):
            return False
    return True


def _same_flat_dict(a: dict[str, Any], b: dict[str, Any]) -> bool:
    # Props and positions: compared in C, then their value types in order;
    # only a nested or float value needs the full comparison.
    if a != b:
        return False
    types = [*map(type, a.values())]
    if types != [*map(type, b.values())]:
        return False
    return _FLAT.issuperset(types) or same_json(a, b)


_FLAT = frozenset({str, int, bool, type(None)})


def widget_nodes(layout: object) -> dict[str, Mapping[str, Any]]:
    """The widgets of ``layout`` by name (the first of a name taken twice)."""
    found: dict[str, Mapping[str, Any]] = {}
    for visit in walk_widgets(layout):
        name = visit.widget.get("widgetName")
        if isinstance(name, str) and name not in found:
            found[name] = visit.widget
    return found


def unchanged_widgets(
    nodes: Mapping[str, Mapping[str, Any]], before: Mapping[str, Mapping[str, Any]]
) -> dict[str, Mapping[str, Any]]:
    """The widgets of ``nodes`` (`widget_nodes`) that are `same_widget` as in ``before``.

    Given as ``valid_before`` (`validate_layout`) or as the nodes of
    `widgets.EntitiesBefore`, these widgets are then recognised by identity,
    so one comparison per widget serves every later pass over the layout.
    """
    return {
        name: node
        for name, node in nodes.items()
        if (old := before.get(name)) is not None and same_widget(node, old)
    }
