"""Running a page: a stored layout and its actions as runtime input, evaluated.

`widgets` turns a layout into widget entities and `runtime` evaluates
entities; this module is where they meet, with what only the builder knows:
the page's action names and its state (`builder.execution.state`).

    state = RuntimeState(widgets={"FilePicker1": {"files": [...]}}, mode="PUBLISHED")
    evaluated = evaluate_page(layout, action_names, state, compiled=stored_or_none)
    evaluated.widgets["Result"]["text"]        # every widget property, evaluated
    evaluated.errors["Result.text"]            # [{"code", "name", "message", "binding"}]
    evaluated.scope                            # what query bindings read

An event changes the state several times (meta values, each query's result,
store writes); `PageRun` evaluates the whole page once, then only what each
change reaches:

    run = PageRun.start(layout, action_names, state, compiled=stored_or_none)
    run = run.moved_to(next_state)             # re-evaluates what next_state changed
    run.page                                   # an EvaluatedPage, as evaluate_page gives
    changes_between(before.page, run.page)     # what the portal must update (`changes`)

`compile_page_json` compiles a page once (at publish time); `load_compiled`
reads it back, so a portal never parses a published page's bindings again
(`builder.published_pages` does both for a published page).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from builder.execution.changes import same_json
from builder.execution.sandbox import js_engine, js_limits
from builder.execution.state import ACTION_DEFAULTS, RuntimeState
from runtime import CompiledPage, EntitySpec, PageEvaluation, compile_page
from widgets import WidgetEntity, evaluated_prop_errors, get_widget_type, widget_entities

__all__ = [
    "EvaluatedPage",
    "PageRun",
    "action_entity",
    "compile_page_json",
    "compile_source",
    "evaluate_page",
    "load_compiled",
    "page_entities",
]


def action_entity() -> EntitySpec:
    """An action as the page sees it: data only, nothing bindable, no trigger."""
    return EntitySpec(properties=dict(ACTION_DEFAULTS), bindable=frozenset())


def _widget_spec(entity: WidgetEntity) -> EntitySpec:
    # Triggers are already kept out of `props` by widgets; they never become data.
    # Meta properties take the end user's value from the state when it has one,
    # even where the developer bound a default (an Input's text).
    return EntitySpec(
        properties=entity["props"],
        bindable=frozenset(entity["binding_paths"]),
        derived=entity["derived"],
        meta=frozenset(entity["meta_props"]),
    )


def page_entities(
    widgets: Mapping[str, WidgetEntity], action_names: Iterable[str]
) -> dict[str, EntitySpec]:
    """Runtime input for a page: one spec per widget and per action."""
    specs = {name: _widget_spec(entity) for name, entity in widgets.items()}
    for name in action_names:
        specs[name] = action_entity()
    return specs


def compile_source(layout: object, action_names: Iterable[str]) -> CompiledPage:
    """Compile a page; raises `widgets.LayoutValidationError` for a layout that is not valid.

    Compiled without any end user's meta state, so that one compiled page
    serves every state.
    """
    entities = page_entities(widget_entities(layout), action_names)
    return compile_page(entities, limits=js_limits(), engine=js_engine())


def compile_page_json(layout: object, action_names: Iterable[str]) -> dict[str, Any]:
    """The compiled page as JSON, to store in `PublishedVersion.compiled[str(page_id)]`."""
    return compile_source(layout, action_names).to_json()


def load_compiled(data: Mapping[str, Any]) -> CompiledPage:
    """A page stored by `compile_page_json` (raises runtime.InvalidRuntimeInput if stale)."""
    return CompiledPage.from_json(data)


@dataclass(frozen=True)
class EvaluatedPage:
    """Every widget's and action's evaluated properties, and every error by property.

    ``widgets`` maps a widget name to its properties (``type`` first, then
    each declared, meta and derived property); a property whose binding
    failed or gave ``undefined`` is absent. ``errors`` maps ``"Widget.prop"``
    to a list of ``{"code", "name", "message", "binding", "line"?, "column"?}``.
    """

    widgets: dict[str, dict[str, Any]]
    actions: dict[str, dict[str, Any]]
    errors: dict[str, list[dict[str, Any]]]
    appsmith: dict[str, Any]

    @property
    def scope(self) -> dict[str, Any]:
        """What a query's bindings see: every entity by name, and `appsmith`."""
        scope: dict[str, Any] = {name: dict(props) for name, props in self.widgets.items()}
        for props in scope.values():
            props.pop("type", None)
        scope.update({name: dict(values) for name, values in self.actions.items()})
        scope["appsmith"] = self.appsmith
        return scope

    def to_json(self) -> dict[str, Any]:
        return {"values": self.widgets, "errors": self.errors}


def _error_dicts(errors: Iterable[Any]) -> list[dict[str, Any]]:
    rendered = []
    for error in errors:
        data = error.to_dict()
        data.pop("path", None)  # the key of the errors mapping says it already
        rendered.append(data)
    return rendered


def evaluate_page(
    layout: object,
    action_names: Iterable[str],
    state: RuntimeState | None = None,
    *,
    compiled: CompiledPage | None = None,
) -> EvaluatedPage:
    """Evaluate a page for one state; never raises for a failing binding.

    ``compiled`` is the page as stored at publish time (`load_compiled`);
    without it, the page is compiled here. Raises `widgets.LayoutValidationError` for an
    invalid layout and `runtime.InvalidRuntimeInput` for state that is not JSON.
    """
    return PageRun.start(layout, action_names, state, compiled=compiled).page


def _runtime_state(
    entities: Mapping[str, WidgetEntity], action_names: Iterable[str], state: RuntimeState
) -> dict[str, Any]:
    """What the compiled page reads: meta values, action values and `appsmith`."""
    # Stored meta values as widgets validated them (invalid ones fell back to
    # defaults); they win over a bound default. A meta value the end user has
    # not set yet, and whose default is bound, is the page's to compute.
    runtime_state: dict[str, Any] = {}
    for name, entity in entities.items():
        meta = {
            prop: entity["props"][prop]
            for prop in entity["meta_props"]
            if prop not in entity["binding_paths"]
        }
        if meta:
            runtime_state[name] = meta
    runtime_state.update((name, state.action_values(name)) for name in action_names)
    runtime_state["appsmith"] = state.appsmith()
    return runtime_state


def _widget_props(
    name: str,
    entity: WidgetEntity,
    values: Mapping[str, Any],
    errors: dict[str, list[dict[str, Any]]],
) -> dict[str, Any]:
    """One widget's evaluated properties; type faults are added to ``errors``."""
    computed = set(entity["binding_paths"]) | set(entity["derived"])
    props: dict[str, Any] = {"type": entity["type"]}
    props.update((prop, value) for prop, value in entity["props"].items() if prop not in computed)
    bound = {}
    for prop in computed:
        path = f"{name}.{prop}"
        if path in values:
            bound[prop] = values[path]
    props.update(bound)
    _check_types(name, entity, bound, props, errors)
    return props


@dataclass(frozen=True)
class PageRun:
    """A page evaluated for one state, ready to move to the next one.

    `start` evaluates every property; `moved_to` re-evaluates only the
    properties that read what changed between the two states (directly or
    through other properties), with `runtime.CompiledPage.reevaluate`, and
    rebuilds only the widgets whose values or errors changed. Its
    `page` is what `evaluate_page` would give for the new state.
    """

    layout: object
    action_names: tuple[str, ...]
    compiled: CompiledPage
    state: RuntimeState
    entities: dict[str, WidgetEntity]
    # What the compiled page read, and what it gave (values and errors by path).
    inputs: dict[str, Any]
    evaluation: PageEvaluation
    page: EvaluatedPage

    @classmethod
    def start(
        cls,
        layout: object,
        action_names: Iterable[str],
        state: RuntimeState | None = None,
        *,
        compiled: CompiledPage | None = None,
    ) -> PageRun:
        """The whole page evaluated for ``state`` (see `evaluate_page` for what it raises)."""
        state = state or RuntimeState()
        names = tuple(action_names)
        entities = widget_entities(layout, state.widgets)
        page = compiled if compiled is not None else compile_source(layout, names)
        inputs = _runtime_state(entities, names, state)
        result = page.evaluate(inputs, engine=js_engine())
        errors = {path: _error_dicts(errs) for path, errs in result.errors.items()}
        widgets = {
            name: _widget_props(name, entity, result.values, errors)
            for name, entity in entities.items()
        }
        evaluated = EvaluatedPage(
            widgets=widgets,
            actions={name: inputs[name] for name in names},
            errors=errors,
            appsmith=inputs["appsmith"],
        )
        return cls(layout, names, page, state, entities, inputs, result, evaluated)

    def moved_to(self, state: RuntimeState) -> PageRun:
        """This page for ``state``, re-evaluating only what differs from this run's state."""
        entities = self.entities
        if state.widgets != self.state.widgets:
            entities = widget_entities(self.layout, state.widgets)
        inputs = _runtime_state(entities, self.action_names, state)
        changed = _changed_paths(self.inputs, inputs)
        if not changed:
            return replace(self, state=state, entities=entities)
        result = self.compiled.reevaluate(self.evaluation, changed, inputs, engine=js_engine())
        rebuilt = _touched_roots(self.evaluation, result)
        rebuilt.update(path.partition(".")[0] for path in changed)
        errors = {
            path: errs
            for path, errs in self.page.errors.items()
            if path.partition(".")[0] not in rebuilt
        }
        errors.update(
            (path, _error_dicts(errs))
            for path, errs in result.errors.items()
            if path.partition(".")[0] in rebuilt
        )
        widgets = dict(self.page.widgets)
        for name in rebuilt.intersection(entities):
            widgets[name] = _widget_props(name, entities[name], result.values, errors)
        evaluated = EvaluatedPage(
            widgets=widgets,
            actions={name: inputs[name] for name in self.action_names},
            errors=errors,
            appsmith=inputs["appsmith"],
        )
        return replace(
            self, state=state, entities=entities, inputs=inputs, evaluation=result, page=evaluated
        )


def _is_path_key(key: object) -> bool:
    # reevaluate() takes dotted paths: a key with a dot (or none at all) cannot be one step.
    return isinstance(key, str) and key != "" and "." not in key


# Below an entity, changes are looked for key by key only in these mappings.
_KEYED_PATHS = frozenset({"appsmith.store"})


def _changed_paths(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """Dotted paths (``FilePicker1.files``, ``appsmith.store.k``) whose values differ.

    Entities are compared property by property, and `appsmith.store` key by
    key, so a change reaches only the bindings that read it.
    """
    changed: list[str] = []
    for root in before.keys() | after.keys():
        _diff(before.get(root, {}), after.get(root, {}), root, changed)
    return changed


def _diff(before: Any, after: Any, path: str, changed: list[str]) -> None:
    """Add ``path`` to ``changed``, or the paths below it, if the values differ."""
    if before is after:
        return
    if (
        ("." not in path or path in _KEYED_PATHS)
        and isinstance(before, Mapping)
        and isinstance(after, Mapping)
        and all(_is_path_key(key) for key in before.keys() | after.keys())
    ):
        missing = object()
        for key in before.keys() | after.keys():
            old, new = before.get(key, missing), after.get(key, missing)
            if old is missing or new is missing:
                changed.append(f"{path}.{key}")
            else:
                _diff(old, new, f"{path}.{key}", changed)
    elif not same_json(before, after):
        changed.append(path)


def _touched_roots(before: PageEvaluation, after: PageEvaluation) -> set[str]:
    """Entities with a property that was re-evaluated to a new value or new errors."""
    roots = set()
    missing = object()
    for path, value in after.values.items():
        if before.values.get(path, missing) is not value:
            roots.add(path.partition(".")[0])
    for path in before.values.keys() - after.values.keys():
        roots.add(path.partition(".")[0])
    for path in before.errors.keys() | after.errors.keys():
        if before.errors.get(path) != after.errors.get(path):
            roots.add(path.partition(".")[0])
    return roots


def _check_types(
    name: str,
    entity: WidgetEntity,
    bound: Mapping[str, Any],
    props: dict[str, Any],
    errors: dict[str, list[dict[str, Any]]],
) -> None:
    """Apply the property types deferred at save time to what bindings gave.

    A bad value is reported and replaced by the property's default, as
    Appsmith does, so the portal and the widget limits (maxFileSize...)
    never work with a value of the wrong type.
    """
    if not bound:
        return
    widget_type = get_widget_type(entity["type"])
    for prop, faults in evaluated_prop_errors(widget_type, bound).items():
        spec = widget_type.get_property(prop)
        binding = entity["props"].get(prop)
        errors.setdefault(f"{name}.{prop}", []).extend(
            {
                "code": fault.code,
                "name": "ValidationError",
                "message": fault.message,
                "binding": binding if isinstance(binding, str) else "",
            }
            for fault in faults
        )
        if spec is not None:
            props[prop] = copy.deepcopy(spec.default)
