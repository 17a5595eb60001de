"""What changed between two evaluations of a page: what an event's answer carries.

changes_between(before, after)   # {"widgets": only changed properties, "actions", "errors"}
same_json(a, b)                  # equal as JavaScript sees them (1 is not true)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from widgets import same_json

__all__ = ["Evaluated", "changes_between", "same_json"]


class Evaluated(Protocol):
    """A page's evaluated values and errors (`builder.execution.evaluation.EvaluatedPage`)."""

    @property
    def widgets(self) -> Mapping[str, Mapping[str, Any]]: ...
    @property
    def actions(self) -> Mapping[str, Any]: ...
    @property
    def errors(self) -> Mapping[str, list[dict[str, Any]]]: ...


def _changed_props(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    changed = {
        key: value
        for key, value in after.items()
        if not same_json(before.get(key), value) or key not in before
    }
    changed.update({key: None for key in before if key not in after})
    return changed


def changes_between(before: Evaluated, after: Evaluated) -> dict[str, Any]:
    """What the portal must update: changed widget properties, action states and errors.

    ``widgets`` carries only changed properties; a property that lost its value
    (its binding now fails or gives undefined) comes as null, next to its
    error. ``errors`` holds the errors of every property that changed or whose
    errors changed, and ``[]`` for a property whose errors are gone: the portal
    reads it that way (static/portal/session.js).
    """
    widgets: dict[str, dict[str, Any]] = {}
    for name, props in after.widgets.items():
        previous = before.widgets.get(name, {})
        if previous is props:
            continue  # a widget nothing reached keeps its properties (PageRun.moved_to)
        changed = _changed_props(previous, props)
        if changed:
            widgets[name] = changed
    actions = {
        name: state
        for name, state in after.actions.items()
        if not same_json(before.actions.get(name), state)
    }
    errors: dict[str, list[dict[str, Any]]] = {}
    for path, errs in after.errors.items():
        name, _, prop = path.partition(".")
        if prop in widgets.get(name, {}) or not same_json(before.errors.get(path), errs):
            errors[path] = errs
    for path in before.errors:
        if path not in after.errors:
            errors[path] = []
    return {"widgets": widgets, "actions": actions, "errors": errors}
