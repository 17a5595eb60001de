"""A published page evaluated for a session.

evaluator = SessionEvaluator(published, user=request.user, url=url)
run = evaluator.start(view)            # the page compiled at publish time, evaluated once
run = run.moved_to(evaluator.state(new_view))   # only what the session's changes reach
evaluator.evaluate(view)               # an EvaluatedPage, for GET pages/{id}/
layout_entities(published)             # the widgets by name; 409 if the layout is broken
public_layout(published.layout)        # the widget tree without event handler code
check_usable(run, "FilePicker1")       # 400 `widget_hidden` / `widget_disabled` naming `widget`
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User

from builder.errors import Conflict, Invalid
from builder.execution.evaluation import EvaluatedPage, PageRun
from builder.execution.state import RuntimeState, parse_url, user_info
from builder.portal.sessions import SessionView
from builder.published_pages import PublishedPage
from runtime import CompiledPage
from widgets import LayoutValidationError, WidgetEntity, get_widget_type, walk_widgets

__all__ = ["SessionEvaluator", "ancestry", "check_usable", "public_layout"]


def public_layout(layout: Any) -> Any:
    """The widget tree with every trigger property (event handler code) removed."""
    tree = copy.deepcopy(layout)
    for visit in walk_widgets(tree):
        node = visit.widget
        props = node.get("props")
        if isinstance(node, dict) and isinstance(props, dict):
            events = get_widget_type(node.get("type")).event_names
            node["props"] = {key: value for key, value in props.items() if key not in events}
    return tree


def ancestry(entities: Mapping[str, WidgetEntity], name: str) -> list[str]:
    """The widget and its parents, nearest first."""
    names = []
    current: str | None = name
    while current is not None and current not in names:
        names.append(current)
        current = entities[current]["parent"] if current in entities else None
    return names


def check_usable(run: PageRun, name: str) -> None:
    """Hidden widgets are not shown and disabled ones do not act: crafted requests neither.

    One rule for events and for files picked in a FilePicker (400 naming `widget`).
    """
    widgets = run.page.widgets
    for item in ancestry(run.entities, name):
        if widgets.get(item, {}).get("isVisible") is False:
            raise Invalid(f"{name!r} is not visible.", code="widget_hidden", field="widget")
    if widgets.get(name, {}).get("isDisabled") is True:
        raise Invalid(f"{name!r} is disabled.", code="widget_disabled", field="widget")


class SessionEvaluator:
    """Evaluates one published page for one user and URL, loading the compiled page once."""

    def __init__(self, published: PublishedPage, *, user: User, url: str | None) -> None:
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

    def start(self, view: SessionView) -> PageRun:
        """The whole page evaluated for the session as `view` shows it (409 `invalid_layout`)."""
        try:
            return PageRun.start(
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

    def evaluate(self, view: SessionView) -> EvaluatedPage:
        return self.start(view).page
