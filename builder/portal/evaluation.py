"""A published page evaluated for a session.

evaluator = SessionEvaluator(published, user=request.user, url=url)
run = evaluator.start(view)            # the page compiled at publish time, evaluated once
run = run.moved_to(evaluator.state(new_view))   # only what the session's changes reach
evaluator.evaluate(view)               # an EvaluatedPage, for GET pages/{id}/
evaluator.page_load_plan()             # the page-load queries (builder.page_load)
evaluator.start(view, loading=plan.order)   # those queries read as `isLoading: true`
SessionEvaluator(published, user=u, url=url, running={"Upload"})  # and so do background jobs'
layout_entities(published)             # the widgets by name; 409 if the layout is broken
public_layout(published.layout)        # the widget tree without event handler code
check_usable(run, "FilePicker1")       # 400 `widget_hidden` / `widget_disabled` naming `widget`
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Mapping
from typing import Any

from django.contrib.auth.models import User

from builder.errors import Conflict, Invalid
from builder.execution.evaluation import EvaluatedPage, PageRun, compile_source
from builder.execution.state import RuntimeState, parse_url, user_info
from builder.page_load import PageLoadPlan, page_load_plan
from builder.portal.sessions import SessionView
from builder.published_pages import PublishedPage
from runtime import CompiledPage
from widgets import (
    LayoutValidationError,
    WidgetEntity,
    collect_widget_names,
    get_widget_type,
    walk_widgets,
)

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
    """Evaluates one published page for one user and URL, loading the compiled page once.

    ``running``: the queries the session's background jobs on this page run
    (builder.portal.sessions.running_actions); they read as `isLoading: true`
    in every state this evaluator makes, until the jobs end.
    """

    def __init__(
        self,
        published: PublishedPage,
        *,
        user: User,
        url: str | None,
        running: Collection[str] = (),
    ) -> None:
        self.published = published
        self.user = user_info(user)
        self.url = parse_url(url)
        self.running = self._known(running)
        self._compiled: CompiledPage | None = published.compiled()

    def with_running(self, running: Collection[str]) -> SessionEvaluator:
        """This evaluator with other background queries running (a job that is ending)."""
        other = copy.copy(self)
        other.running = self._known(running)
        return other

    def _known(self, names: Collection[str]) -> frozenset[str]:
        # A job started under an older published version may run a query this one lacks.
        return frozenset(names).intersection(self.published.action_names)

    def state(self, view: SessionView, *, loading: Collection[str] = ()) -> RuntimeState:
        """The session's state; the queries in ``loading`` and ``running`` read as loading."""
        actions = dict(view.actions)
        for name in sorted({*loading, *self.running}):
            actions[name] = {**actions.get(name, {}), "isLoading": True}
        return RuntimeState(
            widgets=view.meta,
            actions=actions,
            store=view.store,
            user=self.user,
            url=self.url,
            mode="PUBLISHED",
        )

    def compiled(self) -> CompiledPage:
        """The page compiled at publish time, or compiled here once (409 `invalid_layout`)."""
        if self._compiled is None:
            try:
                self._compiled = compile_source(self.published.layout, self.published.action_names)
            except LayoutValidationError as error:
                raise _invalid_layout(error) from error
        return self._compiled

    def page_load_plan(self) -> PageLoadPlan:
        """The queries that run when the page opens, their order, the widgets that wait."""
        compiled = self.compiled()
        widgets = collect_widget_names(self.published.layout)
        return page_load_plan(self.published.actions, compiled, widgets)

    def start(self, view: SessionView, *, loading: Collection[str] = ()) -> PageRun:
        """The whole page evaluated for the session as `view` shows it (409 `invalid_layout`)."""
        try:
            return PageRun.start(
                self.published.layout,
                self.published.action_names,
                self.state(view, loading=loading),
                compiled=self._compiled,
            )
        except LayoutValidationError as error:
            raise _invalid_layout(error) from error

    def evaluate(self, view: SessionView, *, loading: Collection[str] = ()) -> EvaluatedPage:
        return self.start(view, loading=loading).page


def _invalid_layout(error: LayoutValidationError) -> Conflict:
    return Conflict(
        f"The published page's layout is not valid: {error.message}", code="invalid_layout"
    )
