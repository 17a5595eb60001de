"""Which queries run when a portal page opens, in what order, and which widgets wait on them.

    plan = page_load_plan(published.actions, compiled, widget_names)
    plan.order      # ("Api1", "Api2"): run in this order (a query after those it binds)
    plan.errors     # {"A": "A -> B -> A"}: queries a dependency cycle keeps from running
    plan.widgets    # {"Text1": ("Api1",)}: widgets that read a page-load query, shown loading

A query's `run_on_page_load` (builder.action_config) decides: true runs it,
false never does, and null (the default) is Appsmith's rule: the query runs
if its method is GET (a query without side effects) and a widget binds its
data, directly or through other widgets, or another query that runs on page
load binds it (so that query has its input). A POST, PUT... only runs on
page load when set to true. Which widgets read a query is the page's own
dependency graph (`runtime.CompiledPage.affected`); which queries a query
reads comes from its config's bindings (`runtime.query_order`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from builder.action_config import query_settings
from runtime import CompiledPage
from runtime.query_order import names_read, run_order

__all__ = ["PageLoadPlan", "config_texts", "page_load_plan"]

# Methods without side effects, which the automatic rule may run.
SAFE_METHODS = frozenset({"GET"})


@dataclass(frozen=True)
class PageLoadPlan:
    order: tuple[str, ...] = ()
    errors: dict[str, str] = field(default_factory=dict)
    widgets: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The page answer's `page_load` (docs/runtime-api.md)."""
        return {
            "actions": list(self.order),
            "widgets": {name: list(queries) for name, queries in self.widgets.items()},
            "errors": [
                {"action": name, "code": "dependency_cycle", "message": message}
                for name, message in self.errors.items()
            ],
        }


def config_texts(config: Any) -> Iterable[Any]:
    """Every string of a config that may hold bindings: path, rows, body."""
    if not isinstance(config, Mapping):
        return
    yield config.get("path")
    for rows in ("headers", "query_params"):
        for row in config.get(rows) or ():
            if isinstance(row, Mapping):
                yield row.get("key")
                yield row.get("value")
    yield from _strings(config.get("body"))


def _strings(value: Any) -> Iterable[Any]:
    if isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    else:
        yield value


def _readers(compiled: CompiledPage, name: str, widgets: Collection[str]) -> set[str]:
    """The widgets whose properties read query ``name``, directly or through other widgets."""
    roots = {compiled.units[node].path.partition(".")[0] for node in compiled.affected([name])}
    return roots & set(widgets)


def _is_automatic(action: Mapping[str, Any]) -> bool:
    config = action.get("config")
    method = config.get("method") if isinstance(config, Mapping) else None
    return query_settings(config).run_on_page_load is None and (method or "GET") in SAFE_METHODS


def page_load_plan(
    actions: Iterable[Mapping[str, Any]], compiled: CompiledPage, widgets: Collection[str]
) -> PageLoadPlan:
    """The page-load queries of a page's ``actions`` (published snapshots) in run order."""
    by_name = {action["name"]: action for action in actions}
    names = set(by_name)
    reads = {name: names_read(config_texts(a.get("config")), names) for name, a in by_name.items()}
    readers = {name: _readers(compiled, name, widgets) for name in by_name}
    running = {
        name
        for name, action in by_name.items()
        if query_settings(action.get("config")).run_on_page_load is True
        or (_is_automatic(action) and readers[name])
    }
    # The automatic rule reaches what a running query binds, and what that binds...
    pending = list(running)
    while pending:
        for other in reads[pending.pop()]:
            if other not in running and _is_automatic(by_name[other]):
                running.add(other)
                pending.append(other)
    ordered = run_order({name: reads[name] for name in by_name if name in running})
    errors = {name: " -> ".join(path) for name, path in ordered.cycles.items()}
    shown: dict[str, list[str]] = {}
    for name in ordered.order:
        for widget in sorted(readers[name]):
            shown.setdefault(widget, []).append(name)
    return PageLoadPlan(
        order=ordered.order,
        errors=errors,
        widgets={widget: tuple(queries) for widget, queries in shown.items()},
    )
