"""The editor's evaluation of a page: its last draft kept compiled, changes recompiled.

The editor sends its draft layout to `POST pages/{id}/evaluate/` after every
change. Compiling a 3,000-binding page whole takes ~80 ms, and validating it
and rebuilding its widgets ~50 ms more; a change is usually one property.
So each process keeps, for the last few pages evaluated
(``BRACE_EDITOR_CACHE_PAGES``, least recently used dropped first), the last
draft: its widgets (`widgets.EntitiesBefore`), its compiled properties and
their last evaluation (`runtime.draft_page`), and the answer. The next
draft is validated, rebuilt, recompiled and evaluated only where it differs
from that one, and the answer is the one `evaluate_page` gives.

    evaluated = evaluate_in_editor(page_id, layout, action_names, checked, draft=True)

Entries are never changed once stored, and the table of entries is behind
a lock: concurrent requests (threaded workers) each start from the entry
they read, and the last to finish is kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings

from builder.execution.evaluation import (
    EvaluatedPage,
    _changed_paths,
    _error_dicts,
    _runtime_state,
    _touched_roots,
    _widget_props,
    evaluate_page,
    page_entities,
)
from builder.execution.sandbox import js_engine, js_limits
from builder.execution.state import RuntimeState, saved_layout_conflict
from builder.layouts import check_layout
from runtime import EntitySpec
from runtime.draft_page import DraftPage, DraftRun
from widgets import (
    EntitiesBefore,
    LayoutValidationError,
    WidgetEntity,
    entities_before,
    unchanged_widgets,
    widget_entities,
    widget_nodes,
    with_meta_state,
)

__all__ = ["DraftCache", "drafts", "evaluate_in_editor"]


@dataclass(frozen=True)
class _Draft:
    """One page's last evaluated draft. Never changed once made."""

    before: EntitiesBefore  # its widgets without end-user state
    entities: dict[str, WidgetEntity]  # with the state's meta values
    specs: dict[str, EntitySpec]  # runtime input, from before.entities
    run: DraftRun
    page: EvaluatedPage


class DraftCache:
    """The last draft of a few pages, least recently used dropped first (thread-safe)."""

    def __init__(self, size: Callable[[], int]) -> None:
        self._size = size
        self._drafts: OrderedDict[Hashable, _Draft] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def size(self) -> int:
        return max(0, self._size())

    def get(self, key: Hashable) -> _Draft | None:
        with self._lock:
            draft = self._drafts.get(key)
            if draft is not None:
                self._drafts.move_to_end(key)
            return draft

    def put(self, key: Hashable, draft: _Draft) -> None:
        with self._lock:
            self._drafts[key] = draft
            self._drafts.move_to_end(key)
            while len(self._drafts) > self.size:
                self._drafts.popitem(last=False)

    def __len__(self) -> int:
        with self._lock:
            return len(self._drafts)

    def clear(self) -> None:
        with self._lock:
            self._drafts.clear()


drafts = DraftCache(lambda: int(settings.BRACE_EDITOR_CACHE_PAGES))


def evaluate_in_editor(
    page_id: int,
    layout: object,
    action_names: Iterable[str],
    checked: Callable[[Mapping[str, WidgetEntity]], RuntimeState],
    *,
    draft: bool,
    size_at_most: int | None = None,
) -> EvaluatedPage:
    """``layout`` (a draft if ``draft``, else the saved one) evaluated as `evaluate_page` would.

    A draft is validated as a save validates it (`check_layout`: 400 naming
    ``layout....``, 413); a saved layout that no longer validates is a 409.
    ``checked(entities)`` gives the state to evaluate for, checked against
    the layout's widgets (`checked_state`). ``size_at_most``: a bound on
    the draft's size as JSON, if known (see `check_layout`).
    """
    names = tuple(action_names)
    limits = js_limits()
    key = (page_id, names, settings.BRACE_JS_ENGINE, limits)
    last = drafts.get(key) if drafts.size else None
    nodes = widget_nodes(layout)
    before = None
    if last is not None:
        # One comparison per widget with the last draft; the passes below
        # then know the unchanged widgets by identity.
        before = replace(last.before, nodes=unchanged_widgets(nodes, last.before.nodes))
    if draft:
        check_layout(
            layout,
            action_names=names,
            valid_before=before.nodes if before else None,
            size_at_most=size_at_most,
        )
    try:
        plain = widget_entities(layout, before=before, validated=draft)
    except LayoutValidationError as error:
        raise saved_layout_conflict(error) from error
    state = checked(plain)
    if not drafts.size:
        return evaluate_page(layout, names, state)
    plain_before = entities_before(layout, plain, nodes=nodes)
    entities = with_meta_state(plain_before, state.widgets) if state.widgets else plain
    inputs = _runtime_state(entities, names, state)
    specs = _specs(plain, names, last)
    if last is None:
        page = DraftPage.compile(specs, limits=limits, engine=js_engine())
        run = page.run(inputs)
        evaluated = _evaluated(run, entities, names, inputs, None)
    else:
        page, edit = last.run.page.edited(specs)
        changed = _changed_paths(last.run.state, inputs)
        run = page.run(inputs, since=last.run, edit=edit, changed_paths=changed)
        evaluated = _evaluated(run, entities, names, inputs, last, changed)
    drafts.put(key, _Draft(plain_before, entities, specs, run, evaluated))
    return evaluated


def _specs(
    plain: Mapping[str, WidgetEntity], names: tuple[str, ...], last: _Draft | None
) -> dict[str, EntitySpec]:
    """`page_entities`, keeping the spec of every widget whose entity was kept."""
    if last is None:
        return page_entities(plain, names)
    kept, specs = last.before.entities, last.specs
    fresh = page_entities(
        {name: entity for name, entity in plain.items() if kept.get(name) is not entity}, names
    )
    return {
        **{name: fresh.get(name) or specs[name] for name in plain},
        **{name: fresh[name] for name in names},
    }


def _evaluated(
    run: DraftRun,
    entities: dict[str, WidgetEntity],
    names: tuple[str, ...],
    inputs: dict[str, Any],
    last: _Draft | None,
    changed: Iterable[str] = (),
) -> EvaluatedPage:
    """The answer for ``run``; widgets whose values, errors and entity are unchanged are kept."""
    result = run.evaluation
    if last is None:
        rebuilt = set(entities)
    else:
        rebuilt = _touched_roots(last.run.evaluation, result)
        rebuilt.update(path.partition(".")[0] for path in changed)
        rebuilt.update(
            name for name, entity in entities.items() if last.entities.get(name) is not entity
        )
    errors = {}
    if last is not None:
        errors = {
            path: errs
            for path, errs in last.page.errors.items()
            if (root := path.partition(".")[0]) not in rebuilt and root in entities
        }
    errors.update(
        (path, _error_dicts(errs))
        for path, errs in result.errors.items()
        if path.partition(".")[0] in rebuilt
    )
    widgets = {}
    for name, entity in entities.items():
        if last is not None and name not in rebuilt and name in last.page.widgets:
            widgets[name] = last.page.widgets[name]
        else:
            widgets[name] = _widget_props(name, entity, result.values, errors)
    return EvaluatedPage(
        widgets=widgets,
        actions={name: inputs[name] for name in names},
        errors=errors,
        appsmith=inputs["appsmith"],
    )
