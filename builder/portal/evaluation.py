"""A published page evaluated for a session, and what changed between two evaluations.

    evaluator = SessionEvaluator(published, user=request.user, url=url)
    before = evaluator.evaluate(view)              # the page compiled at publish time
    after = evaluator.evaluate(new_view)
    changes_between(before, after)   # {"widgets": only changed properties, "actions", "errors"}
    public_layout(published.layout)  # the widget tree without event handler code

An answer's `widgets` carries only changed properties; a property that lost
its value (its binding now fails or gives undefined) comes as null, next to its
error. `errors` holds the errors of every property that changed or whose
errors changed, and `[]` for a property whose errors are gone: the portal
reads it that way (static/portal/session.js).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any

from builder.api.errors import Conflict
from builder.execution.evaluation import (
    EvaluatedPage,
    RuntimeState,
    evaluate_page,
    parse_url,
    user_info,
)
from builder.portal.sessions import SessionView
from builder.published_pages import PublishedPage
from runtime import CompiledPage
from widgets import LayoutValidationError, WidgetEntity, get_widget_type, widget_entities

__all__ = [
    "SessionEvaluator",
    "changes_between",
    "layout_entities",
    "public_layout",
]


def layout_entities(published: PublishedPage) -> dict[str, WidgetEntity]:
    """The page's widgets by name; 409 `invalid_layout` if the published layout is broken."""
    try:
        return widget_entities(published.layout)
    except LayoutValidationError as error:
        raise Conflict(
            f"The published page's layout is not valid: {error.message}", code="invalid_layout"
        ) from error


def public_layout(layout: Any) -> Any:
    """The widget tree with every trigger property (event handler code) removed."""
    tree = copy.deepcopy(layout)
    stack = [tree]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        props = node.get("props")
        if isinstance(props, dict):
            events = get_widget_type(node.get("type")).event_names
            node["props"] = {key: value for key, value in props.items() if key not in events}
        children = node.get("children")
        if isinstance(children, list):
            stack.extend(children)
    return tree


class SessionEvaluator:
    """Evaluates one published page for one user and URL, loading the compiled page once."""

    def __init__(self, published: PublishedPage, *, user: Any, url: str | None) -> None:
        self.published = published
        self.user = user_info(user)
        self.url = parse_url(url)
        self._compiled: CompiledPage | None = published.compiled()

    def state(self, view: SessionView) -> RuntimeState:
        return RuntimeState(
            widgets=view.meta,
            actions=view.actions,
            store=view.store,
            user=self.user,
            url=self.url,
            mode="PUBLISHED",
        )

    def evaluate(self, view: SessionView) -> EvaluatedPage:
        try:
            return evaluate_page(
                self.published.layout,
                self.published.action_names,
                self.state(view),
                compiled=self._compiled,
            )
        except LayoutValidationError as error:
            raise Conflict(
                f"The published page's layout is not valid: {error.message}",
                code="invalid_layout",
            ) from error


def _same(a: Any, b: Any) -> bool:
    # `1 == True` and `1 == 1.0` in Python, not in JavaScript: compare as JSON too.
    if a != b:
        return False
    if isinstance(a, str | type(None)):
        return True
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def _changed_props(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    changed = {
        key: value
        for key, value in after.items()
        if not _same(before.get(key), value) or key not in before
    }
    changed.update({key: None for key in before if key not in after})
    return changed


def changes_between(before: EvaluatedPage, after: EvaluatedPage) -> dict[str, Any]:
    """What the portal must update: changed widget properties, action states and errors."""
    widgets: dict[str, dict[str, Any]] = {}
    for name, props in after.widgets.items():
        changed = _changed_props(before.widgets.get(name, {}), props)
        if changed:
            widgets[name] = changed
    actions = {
        name: state
        for name, state in after.actions.items()
        if not _same(before.actions.get(name), state)
    }
    errors: dict[str, list[dict[str, Any]]] = {}
    for path, errs in after.errors.items():
        name, _, prop = path.partition(".")
        if prop in widgets.get(name, {}) or not _same(before.errors.get(path), errs):
            errors[path] = errs
    for path in before.errors:
        if path not in after.errors:
            errors[path] = []
    return {"widgets": widgets, "actions": actions, "errors": errors}
