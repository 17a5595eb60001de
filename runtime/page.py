"""Pages: compile once, evaluate many times, re-evaluate only what changed.

:func:`runtime.page_compiler.compile_page` turns entity specs into a
:class:`CompiledPage`, built at publish time and stored (``to_json`` /
``from_json``, or pickle) or cached.

``CompiledPage.evaluate(state)`` runs that program in one engine call;
``reevaluate(previous, changed_paths, state)`` runs only the properties that
read a changed path, directly or through other properties.

State is plain JSON data keyed by entity name: widget meta values
(``{"Input1": {"text": "typed"}}``), action results (``{"Api1": {"data": ...,
"isLoading": false, "responseMeta": {...}}}``) and ``appsmith`` (``store``,
``user``, ``URL``). It is laid over each entity's static properties; computed
properties are computed, except *meta* properties (``EntitySpec.meta``): an
end user's value in the state (an Input's typed ``text``) wins over the bound
default, and only while the state has no value is the binding computed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from runtime.dependency_graph import DependencyGraph, overlaps
from runtime.engines import Engine, get_engine
from runtime.errors import EvalError, InvalidRuntimeInput
from runtime.js_scope_analysis import Path
from runtime.limits import DEFAULT_LIMITS, EvaluationLimits
from runtime.page_format import page_fields, page_to_json
from runtime.program import Program, RunResult, Unit

DEFAULT_GLOBALS: dict[str, Any] = {"appsmith": {"store": {}, "user": {}, "URL": {}}}
_TRIGGER_NAME = re.compile(r"on[A-Z]")

# json.dumps(..., allow_nan=False) builds an encoder per call; a page has
# an entity per widget, so one is kept.
_strict_json = json.JSONEncoder(allow_nan=False).encode


@dataclass(frozen=True)
class EntitySpec:
    """One widget or action as the runtime sees it.

    ``bindable``: property names that may hold bindings; ``None`` means every
    string property may. ``triggers``: event handler properties, never
    evaluated as data (any ``on[A-Z]...`` name is one too). ``derived``:
    property name -> JavaScript expression over ``this`` (the entity's
    evaluated properties), e.g. ``this.files.length > 0``. ``meta``: property
    names whose value in the state, when present, overrides their binding
    (``EntitySpec(meta=frozenset({"text"}))`` for an Input whose ``text``
    defaults to ``{{...}}``).
    """

    properties: Mapping[str, Any] = field(default_factory=dict)
    bindable: frozenset[str] | None = None
    triggers: frozenset[str] = frozenset()
    derived: Mapping[str, str] = field(default_factory=dict)
    meta: frozenset[str] = frozenset()

    @classmethod
    def coerce(cls, name: str, spec: EntitySpec | Mapping[str, Any]) -> EntitySpec:
        if isinstance(spec, EntitySpec):
            return spec
        if not isinstance(spec, Mapping):
            raise InvalidRuntimeInput(f"entity {name!r}: expected a mapping, got {type(spec)!r}")
        unknown = set(spec) - {"properties", "bindable", "triggers", "derived", "meta"}
        if unknown:
            raise InvalidRuntimeInput(f"entity {name!r}: unknown keys {sorted(unknown)}")
        bindable = spec.get("bindable")
        return cls(
            properties=dict(spec.get("properties") or {}),
            bindable=None if bindable is None else frozenset(bindable),
            triggers=frozenset(spec.get("triggers") or ()),
            derived=dict(spec.get("derived") or {}),
            meta=frozenset(spec.get("meta") or ()),
        )

    def is_trigger(self, prop: str) -> bool:
        return prop in self.triggers or bool(_TRIGGER_NAME.match(prop))


@dataclass(frozen=True)
class PageEvaluation:
    """Computed property values and errors, keyed ``"Entity.property"``.

    A property whose value is ``undefined`` is absent from ``values``, so
    both dictionaries are JSON-serialisable as they are (``to_json``).
    """

    values: dict[str, Any]
    errors: dict[str, list[EvalError]]

    def to_json(self) -> dict[str, Any]:
        return {
            "values": self.values,
            "errors": {path: [e.to_dict() for e in errs] for path, errs in self.errors.items()},
        }


@dataclass
class CompiledPage:
    """Everything about a page that does not depend on state. See module docstring."""

    units: list[Unit]
    reads: list[tuple[Path, ...]]
    graph: DependencyGraph
    static: dict[str, dict[str, Any]]
    compile_errors: dict[str, list[EvalError]]
    program: Program
    program_index: dict[int, int]
    limits: EvaluationLimits = DEFAULT_LIMITS
    # "Entity.prop" of computed properties that a value in the state overrides.
    meta: frozenset[str] = frozenset()
    _meta_nodes: dict[str, list[tuple[int, str]]] = field(default_factory=dict, repr=False)
    _static_members: dict[str, str] = field(default_factory=dict, repr=False)
    _targets_by_root: dict[str, list[int]] = field(default_factory=dict, repr=False)
    _reads_by_root: dict[str, list[tuple[int, Path]]] = field(default_factory=dict, repr=False)
    _program_paths: list[str] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        try:
            self._static_members = {
                name: f"{json.dumps(name)}:{_strict_json(props)}"
                for name, props in self.static.items()
            }
        except (TypeError, ValueError) as exc:
            raise InvalidRuntimeInput(f"static properties must be JSON data: {exc}") from exc
        self._program_paths = [unit.path for unit in self.program.units]
        for node, unit in enumerate(self.units):
            if unit.target is not None:
                self._targets_by_root.setdefault(unit.target[0], []).append(node)
            for path in self.reads[node]:
                self._reads_by_root.setdefault(path[0], []).append((node, path))
            if unit.path in self.meta and unit.target is not None and len(unit.target) == 2:
                self._meta_nodes.setdefault(unit.target[0], []).append((node, unit.target[1]))

    # -- evaluation ---------------------------------------------------------

    def evaluate(
        self, state: Mapping[str, Any] | None = None, *, engine: Engine | None = None
    ) -> PageEvaluation:
        """Compute every property in dependency order."""
        state = check_state(state)
        engine = engine or get_engine("quickjs", self.limits)
        try:
            state_json = self._state_json(state)
        except (TypeError, ValueError) as exc:
            raise InvalidRuntimeInput(f"state must be JSON data: {exc}") from exc
        overridden = self._overridden(state)
        errors = {path: list(errs) for path, errs in self.compile_errors.items()}
        if not overridden:
            result = engine.run(self.program, state_json)
            # Built column-wise: this loop runs once per computed property of
            # the page, so it stays in C (dict/zip) except for the failures.
            values = dict(zip(self._program_paths, result.values, strict=True))
            for position, error in result.missing.items():
                unit = self.program.units[position]
                del values[unit.path]
                if error is not None:
                    _record_error(unit, error, errors)
            return PageEvaluation(values, errors)
        # Overridden meta properties keep the state's value (already in the
        # state the program reads), so their units are skipped.
        skip = {self.program_index[n] for n in overridden if n in self.program_index}
        order = [i for i in range(len(self.program.units)) if i not in skip]
        result = engine.run(self.program, state_json, order)
        values = {}
        put_results(self.program, order, result, values, errors)
        put_overrides(overridden, self._path, values, errors)
        return PageEvaluation(values, errors)

    def _overridden(self, state: Mapping[str, Any]) -> dict[int, Any]:
        return overridden_values(self._meta_nodes, state)

    def _path(self, node: int) -> str:
        return self.units[node].path

    def reevaluate(
        self,
        previous: PageEvaluation,
        changed_paths: Iterable[str],
        state: Mapping[str, Any] | None = None,
        *,
        engine: Engine | None = None,
    ) -> PageEvaluation:
        """Recompute only the properties affected by ``changed_paths`` (``"Input1.text"``).

        ``state`` is the whole current state, as for :meth:`evaluate`; values of
        properties that are not recomputed come from ``previous``.
        """
        state = check_state(state)
        engine = engine or get_engine("quickjs", self.limits)
        changed_paths = list(changed_paths)
        nodes = self.affected(changed_paths) | self._meta_changed(changed_paths)
        overridden = self._overridden(state)
        order = sorted(
            self.program_index[n] for n in nodes if n in self.program_index and n not in overridden
        )
        values = dict(previous.values)
        errors = {path: list(errs) for path, errs in previous.errors.items()}
        put_overrides(overridden, self._path, values, errors)
        if not order:
            return PageEvaluation(values, errors)
        state_json = partial_state_json(
            self.program,
            order,
            lambda root: entity_value(
                root,
                self.static,
                state,
                ((node, self.units[node]) for node in self._targets_by_root.get(root, ())),
                values,
                overridden,
            ),
        )
        result = engine.run(self.program, state_json, order)
        for index in order:
            path = self.program.units[index].path
            values.pop(path, None)
            errors.pop(path, None)
        put_results(self.program, order, result, values, errors)
        return PageEvaluation(values, errors)

    def affected(self, changed_paths: Iterable[str]) -> set[int]:
        """Nodes reading a changed path, plus everything downstream of them."""
        starts: set[int] = set()
        for dotted in changed_paths:
            if not isinstance(dotted, str) or not dotted:
                raise InvalidRuntimeInput(f"changed path must be 'Entity.path', got {dotted!r}")
            changed = tuple(dotted.split("."))
            for node, path in self._reads_by_root.get(changed[0], ()):
                if overlaps(path, changed):
                    starts.add(node)
            # A changed computed property (e.g. set by a trigger) re-runs its readers.
            for node in self._targets_by_root.get(changed[0], ()):
                target = self.units[node].target
                if target is not None and overlaps(target, changed):
                    starts.update(self.graph.dependents[node])
        return self.graph.downstream(starts)

    def _meta_changed(self, changed_paths: Iterable[str]) -> set[int]:
        """A meta node whose own path changed may have gained or lost its override."""
        starts: set[int] = set()
        for dotted in changed_paths:
            changed = tuple(dotted.split(".")) if isinstance(dotted, str) else ()
            for node, prop in self._meta_nodes.get(changed[0] if changed else "", ()):
                if overlaps((changed[0], prop), changed):
                    starts.add(node)
        return self.graph.downstream(starts)

    def _state_json(self, state: Mapping[str, Any]) -> str:
        # Each entity's static JSON is serialised once, at compile time; only
        # entities the state touches are serialised again.
        members = dict(self._static_members)
        for name, default in DEFAULT_GLOBALS.items():
            if name not in state:
                members[name] = f"{json.dumps(name)}:{json.dumps(default)}"
        for name, value in state.items():
            static = self.static.get(name)
            if static is not None and isinstance(value, dict):
                value = {**static, **value}
            members[name] = f"{json.dumps(name)}:{_strict_json(value)}"
        return "{" + ",".join(members.values()) + "}"

    # -- storage ------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict to store at publish time; see ``from_json``."""
        return page_to_json(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CompiledPage:
        return cls(**page_fields(data))


# -- shared with runtime.draft_page, which evaluates the same way -----------


def check_state(state: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """The state to evaluate for: ``None`` is the empty one."""
    if state is None:
        return {}
    if not isinstance(state, Mapping):
        raise InvalidRuntimeInput(f"state must be a mapping of entity name to data, got {state!r}")
    return state


def overridden_values(
    meta_nodes: Mapping[str, Iterable[tuple[int, str]]], state: Mapping[str, Any]
) -> dict[int, Any]:
    """Meta nodes (by entity: node, property) whose value the state supplies, with that value."""
    found: dict[int, Any] = {}
    for root, nodes in meta_nodes.items():
        entity = state.get(root)
        if isinstance(entity, Mapping):
            for node, prop in nodes:
                if prop in entity:
                    found[node] = entity[prop]
    return found


def put_overrides(
    overridden: Mapping[int, Any],
    path_of: Callable[[int], str],
    values: dict[str, Any],
    errors: dict[str, Any],
) -> None:
    """The state's values of overridden meta nodes, in place of their bindings'."""
    for node, value in overridden.items():
        path = path_of(node)
        values[path] = value
        errors.pop(path, None)  # the binding is not used, so neither are its errors


def entity_value(
    root: str,
    static: Mapping[str, Mapping[str, Any]],
    state: Mapping[str, Any],
    computed: Iterable[tuple[int, Unit]],
    values: Mapping[str, Any],
    overridden: Mapping[int, Any],
) -> Any:
    """Entity ``root`` as a partial run reads it: static properties, the state over
    them, and the ``computed`` properties' (node, unit) values already known."""
    if root not in static:
        return state.get(root, DEFAULT_GLOBALS.get(root))
    entity: dict[str, Any] = dict(static[root])
    override = state.get(root)
    if isinstance(override, Mapping):
        entity.update(override)
    for node, unit in computed:
        if node not in overridden and unit.path in values and unit.target is not None:
            _put(entity, unit.target[1:], values[unit.path])
    return entity


def partial_state_json(
    program: Program, order: Sequence[int], value_of: Callable[[str], Any]
) -> str:
    """The state JSON for running ``order`` of ``program``: only the entities it reads or sets."""
    roots: set[str] = set()
    for index in order:
        unit = program.units[index]
        if unit.target is not None:
            roots.add(unit.target[0])
        for part in unit.parts:
            if isinstance(part, int):
                roots.update(program.functions[part].names)
    partial = {root: value_of(root) for root in roots}
    try:
        return _strict_json(partial)
    except (TypeError, ValueError) as exc:
        raise InvalidRuntimeInput(f"state must be JSON data: {exc}") from exc


def put_results(
    program: Program,
    order: Sequence[int],
    result: RunResult,
    values: dict[str, Any],
    errors: dict[str, list[EvalError]],
) -> None:
    """What running ``order`` of ``program`` gave, into ``values`` and ``errors``."""
    for position, index in enumerate(order):
        unit = program.units[index]
        if position not in result.missing:
            values[unit.path] = result.values[position]
        elif (error := result.missing[position]) is not None:
            _record_error(unit, error, errors)


def _put(entity: dict[str, Any], rest: tuple[str, ...], value: Any) -> None:
    node = entity
    for key in rest[:-1]:
        nxt = node.get(key)
        if not isinstance(nxt, dict):
            nxt = {}
            node[key] = nxt
        node = nxt
    node[rest[-1]] = value


def _record_error(
    unit: Unit, error: tuple[str, str, str], errors: dict[str, list[EvalError]]
) -> None:
    code, name, message = error
    errors.setdefault(unit.path, []).append(
        EvalError(code=code, name=name, message=message, binding=unit.binding, path=unit.path)
    )
