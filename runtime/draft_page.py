"""``DraftPage``: a page under edit, recompiled and re-evaluated only where it changed.

The editor evaluates the page after every change of the developer's draft.
:func:`runtime.page_compiler.compile_page` compiles the whole page each
time and its program is a new one for QuickJS to compile and verify whole;
a draft page keeps, per computed property, what compiling it gave, so that::

    page = DraftPage.compile(entities, limits=limits, engine=engine)
    run = page.run(state)                       # every property
    page2, edit = page.edited(new_entities)     # recompiles the properties whose text changed
    run2 = page2.run(new_state, since=run, edit=edit, changed_paths=["Input1.text"])

recompiles only properties whose text changed (and those whose binding
names an entity that came or went), updates only the dependency edges they
touch (the whole graph is rebuilt only when properties come or go), and
evaluates, in a program of their own, only the properties the edit and the
state change reach; the values of the others are the previous run's.

The answer is the one a full compile and evaluation would give: each
property is compiled by the same code as in ``compile_page`` (its
``_Compiler``), edges by the same index, cycles by the same search over the
same edges, a partial run's state and results by the same functions as
``CompiledPage.reevaluate`` (``runtime.page``), and a property is evaluated
again whenever its text, its inputs or its cycle changed. Pages are never
changed once built: runs and edits make new ones, which share what did not
change, so threads can share them freely.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from runtime.dependency_graph import (
    DependencyGraph,
    TargetIndex,
    cycle_through,
    ordered_components,
    overlaps,
    reachable,
)
from runtime.engines import Engine, get_engine
from runtime.errors import DependencyCycle, EvalError, InvalidRuntimeInput, JavaScriptSyntaxError
from runtime.js_analysis import analyse_expression
from runtime.js_scope_analysis import Path
from runtime.limits import DEFAULT_LIMITS, EvaluationLimits
from runtime.page import (
    EntitySpec,
    PageEvaluation,
    check_state,
    entity_value,
    overridden_values,
    partial_state_json,
    put_overrides,
    put_results,
)
from runtime.page_compiler import (
    GLOBAL_NAMES,
    _collector_paused,
    _Compiler,
    _has_binding,
    _Node,
    analyse_bindings,
    binding_codes,
    check_entity_names,
)
from runtime.program import MIXED, Function, Program, Unit

__all__ = ["DraftPage", "DraftRun", "PageEdit"]

_REJECTED = "the engine does not read this binding as one expression"


@dataclass(frozen=True)
class _Property:
    """One computed property as compiling it gave it. Never changed once made."""

    entity: str
    prop: str
    text: str
    derived: bool
    unit: Unit  # parts are filled in only in a run's program
    texts: tuple[str, ...]  # a MIXED property's static text around its bindings
    reads: tuple[Path, ...]
    function: Function | None  # None when it failed to compile
    errors: tuple[EvalError, ...]  # compile errors, cycle left out
    names: frozenset[str]  # every free name its code uses, known to the page or not
    verified: bool = False  # the engine read its function as one expression

    @property
    def path(self) -> str:
        return self.unit.path


@dataclass(frozen=True)
class PageEdit:
    """What :meth:`DraftPage.edited` changed: evaluate ``starts`` again, drop ``removed``."""

    base: DraftPage
    starts: frozenset[int]
    removed: frozenset[str]  # paths of computed properties that are gone or now static


@dataclass(frozen=True)
class DraftRun:
    """A draft page evaluated for one state (the state the program read)."""

    page: DraftPage
    state: Mapping[str, Any]
    evaluation: PageEvaluation


@dataclass(frozen=True)
class DraftPage:
    """A compiled page that recompiles property by property. See module docstring."""

    engine: Engine
    limits: EvaluationLimits
    global_names: tuple[str, ...]
    specs: dict[str, EntitySpec]
    known: frozenset[str]
    properties: tuple[_Property, ...]
    positions: dict[str, int]  # "Entity.prop" -> position in properties
    by_entity: dict[str, tuple[int, int]]  # entity -> its slice of properties
    static: dict[str, dict[str, Any]]
    targets: TargetIndex
    depends_on: tuple[tuple[int, ...], ...]
    dependents: tuple[tuple[int, ...], ...]
    cycles: dict[int, tuple[str, ...]]
    components: dict[int, tuple[int, ...]]  # a property in a cycle -> its cycle's members
    readers: dict[str, tuple[tuple[int, Path], ...]]  # root -> (node, path read)
    meta_nodes: dict[str, tuple[tuple[int, str], ...]] = field(default_factory=dict)

    # -- compiling -----------------------------------------------------------

    @classmethod
    def compile(
        cls,
        entities: Mapping[str, EntitySpec | Mapping[str, Any]],
        *,
        limits: EvaluationLimits | None = None,
        engine: Engine | None = None,
        global_names: Iterable[str] = GLOBAL_NAMES,
    ) -> DraftPage:
        """Compile every property of a page, as ``compile_page`` does."""
        limits = limits or DEFAULT_LIMITS
        engine = engine or get_engine("quickjs", limits)
        names = tuple(global_names)
        specs = {name: EntitySpec.coerce(name, spec) for name, spec in entities.items()}
        known = check_entity_names(specs, names)
        with _collector_paused():
            return _build(engine, limits, names, specs, known, None)[0]

    def edited(
        self, entities: Mapping[str, EntitySpec | Mapping[str, Any]]
    ) -> tuple[DraftPage, PageEdit]:
        """This page with new entities: only what changed is compiled again."""
        specs = {name: EntitySpec.coerce(name, spec) for name, spec in entities.items()}
        if specs.keys() == self.specs.keys():
            known = self.known  # the same names, checked before
        else:
            known = check_entity_names(specs, self.global_names)
        with _collector_paused():
            page, starts, removed = _build(
                self.engine, self.limits, self.global_names, specs, known, self
            )
        return page, PageEdit(self, frozenset(starts), frozenset(removed))

    # -- evaluating ----------------------------------------------------------

    def run(
        self,
        state: Mapping[str, Any] | None = None,
        *,
        since: DraftRun | None = None,
        edit: PageEdit | None = None,
        changed_paths: Iterable[str] = (),
    ) -> DraftRun:
        """Evaluate for ``state``; with ``since``, only what changed after it.

        ``since`` is a run of this page, or of ``edit.base``; ``changed_paths``
        are the paths (``"Input1.text"``) where ``state`` differs from
        ``since.state``. Any other ``since`` is ignored: everything is evaluated.
        """
        state = check_state(state)
        everything = range(len(self.properties))
        if since is not None and since.page is self:
            starts: set[int] = set()
            removed: Iterable[str] = ()
        elif since is not None and edit is not None and since.page is edit.base:
            starts, removed = set(edit.starts), edit.removed
        else:
            return self._evaluate(state, set(everything), {}, {})
        starts.update(self._reading(changed_paths))
        values = dict(since.evaluation.values)
        errors = {path: list(errs) for path, errs in since.evaluation.errors.items()}
        for path in removed:
            values.pop(path, None)
            errors.pop(path, None)
        return self._evaluate(state, self._upstream(self._downstream(starts)), values, errors)

    def _evaluate(
        self,
        state: Mapping[str, Any],
        affected: set[int],
        values: dict[str, Any],
        errors: dict[str, list[EvalError]],
    ) -> DraftRun:
        page = self
        runnable = [
            n
            for n in self._in_order(affected)
            if n not in self.cycles and self.properties[n].function is not None
        ]
        program = _program(self.properties, runnable)
        if any(not self.properties[n].verified for n in runnable):
            page = self._verified(program, runnable)
            runnable = [n for n in runnable if page.properties[n].function is not None]
            if len(runnable) < len(program.units):
                program = _program(page.properties, runnable)
        properties = page.properties
        overridden = page._overridden(state)
        for node in affected:
            prop = properties[node]
            values.pop(prop.path, None)
            errors.pop(prop.path, None)
            own = list(prop.errors)
            if node in page.cycles:
                own.append(
                    DependencyCycle(page.cycles[node]).to_record(prop.unit.binding, prop.path)
                )
            if own:
                errors[prop.path] = own
        run_order = [k for k, node in enumerate(runnable) if node not in overridden]
        if run_order:
            state_json = partial_state_json(
                program,
                run_order,
                lambda root: page._entity_value(root, state, values, overridden),
            )
            result = page.engine.run(program, state_json, run_order)
            put_results(program, run_order, result, values, errors)
        put_overrides(overridden, page._path, values, errors)
        return DraftRun(page, state, PageEvaluation(values, errors))

    def _verified(self, program: Program, runnable: Sequence[int]) -> DraftPage:
        """This page with the properties of ``program`` verified by the engine.

        A function the engine does not read as one expression fails its
        properties, as ``compile_page`` fails them (``_Compiler.reject``).
        """
        rejected = self.engine.verify(program)
        properties = list(self.properties)
        for position, node in enumerate(runnable):
            prop = properties[node]
            function_index = program.units[position].parts[0]
            if function_index in rejected:
                error = JavaScriptSyntaxError(_REJECTED).to_record(prop.unit.binding, prop.path)
                properties[node] = replace(
                    prop, function=None, errors=(*prop.errors, error), verified=True
                )
            elif not prop.verified:
                properties[node] = replace(prop, verified=True)
        return replace(self, properties=tuple(properties))

    def _in_order(self, nodes: set[int]) -> list[int]:
        """``nodes`` in dependency order (their edges among themselves)."""
        ordered = sorted(nodes)
        local = {node: k for k, node in enumerate(ordered)}
        edges = [[local[d] for d in self.depends_on[node] if d in local] for node in ordered]
        order, cyclic = ordered_components(edges)
        return [ordered[k] for k in order] + [ordered[k] for k in cyclic]

    def _downstream(self, starts: Iterable[int]) -> set[int]:
        return reachable(self.dependents, starts)

    def _upstream(self, nodes: set[int]) -> set[int]:
        """``nodes`` and every property they read, transitively.

        Those are evaluated again in the same run, although their values
        did not change: a value crosses from one run to the next as JSON,
        and JSON loses what a binding in the same run sees (``NaN`` is
        ``null``, ``undefined`` members vanish), which a whole evaluation
        never loses.
        """
        return reachable(self.depends_on, nodes)

    def _reading(self, changed_paths: Iterable[str]) -> set[int]:
        """Properties reading a changed path, computed properties at it, and meta overrides."""
        starts: set[int] = set()
        for dotted in changed_paths:
            changed = tuple(dotted.split("."))
            for node, path in self.readers.get(changed[0], ()):
                if overlaps(path, changed):
                    starts.add(node)
            for node, prop in self.meta_nodes.get(changed[0], ()):
                if overlaps((changed[0], prop), changed):
                    starts.add(node)
        return starts

    def _overridden(self, state: Mapping[str, Any]) -> dict[int, Any]:
        return overridden_values(self.meta_nodes, state)

    def _path(self, node: int) -> str:
        return self.properties[node].path

    def _entity_value(
        self,
        root: str,
        state: Mapping[str, Any],
        values: Mapping[str, Any],
        overridden: Mapping[int, Any],
    ) -> Any:
        start, end = self.by_entity.get(root, (0, 0))
        own = ((node, self.properties[node].unit) for node in range(start, end))
        return entity_value(root, self.static, state, own, values, overridden)


def _program(properties: Sequence[_Property], nodes: Iterable[int]) -> Program:
    """A program computing ``nodes`` in that order (each one unit)."""
    program = Program()
    for node in nodes:
        prop = properties[node]
        function = prop.function
        if function is None:
            raise InvalidRuntimeInput(f"{prop.path} has no function to run")
        index = program.add_function(function.codes, function.names, as_list=function.as_list)
        unit = prop.unit
        parts: tuple[str | int, ...] = (index, *prop.texts) if unit.kind == MIXED else (index,)
        program.add_unit(Unit(unit.path, unit.kind, parts, unit.target, unit.binding))
    return program


def _same_value(a: Any, b: Any) -> bool:
    """Whether two static values are the same JSON (``1`` is not ``true``)."""
    if a is b:
        return True
    if type(a) is not type(b) or a != b:
        return False
    if isinstance(a, dict | list | float):
        try:
            return bool(json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True))
        except (TypeError, ValueError):
            return False
    return True


def _same_spec_but_properties(a: EntitySpec, b: EntitySpec) -> bool:
    return (
        a.bindable == b.bindable
        and a.triggers == b.triggers
        and a.meta == b.meta
        and a.derived == b.derived
    )


def _roots(text: str, derived: bool, limits: EvaluationLimits) -> frozenset[str]:
    """Every free name the bindings of ``text`` use, whether the page knows it or not."""
    roots: set[str] = set()
    for code in binding_codes(text, derived):
        if len(code) <= limits.max_binding_chars:
            roots.update(analyse_expression(code, limits.max_nesting_depth).roots)
    return frozenset(roots)


def _compile(compiler: _Compiler, entity: str, prop: str, text: str, derived: bool) -> _Property:
    """One property compiled exactly as ``compile_page`` compiles it."""
    compiler.add(entity, prop, text, derived)
    node: _Node = compiler.nodes[-1]
    unit = node.unit
    function = None
    if not node.failed:
        codes = node.codes
        names = frozenset().union(*(c[1] for c in codes))
        function = Function(
            tuple(c[0] for c in codes), tuple(sorted(names)), as_list=unit.kind == MIXED
        )
    return _Property(
        entity=entity,
        prop=prop,
        text=text,
        derived=derived,
        unit=unit,
        texts=tuple(node.texts),
        reads=tuple(node.reads),
        function=function,
        errors=tuple(compiler.errors.get(unit.path, ())),
        names=_roots(text, derived, compiler.limits),
    )


def _build(
    engine: Engine,
    limits: EvaluationLimits,
    global_names: tuple[str, ...],
    specs: dict[str, EntitySpec],
    known: frozenset[str],
    before: DraftPage | None,
) -> tuple[DraftPage, set[int], set[str]]:
    """A page for ``specs``, reusing what ``before`` compiled; what to evaluate again."""
    came_or_went = known ^ before.known if before is not None else frozenset()
    static: dict[str, dict[str, Any]] = {}
    slots: list[_Property | None] = []
    wanted: list[tuple[int, str, str, str, bool]] = []  # to compile: (slot, entity, prop, ...)
    by_entity: dict[str, tuple[int, int]] = {}
    changed_static: list[str] = []

    def reuse_or_compile(
        old: _Property | None, name: str, prop: str, text: str, derived: bool
    ) -> None:
        if (
            old is not None
            and old.text == text
            and old.derived == derived
            and not (came_or_went and old.names & came_or_went)
        ):
            slots.append(old)
        else:
            wanted.append((len(slots), name, prop, text, derived))
            slots.append(None)

    for name, spec in specs.items():
        start = len(slots)
        old_spec = before.specs.get(name) if before is not None else None
        if (
            before is not None
            and old_spec is not None
            and (
                old_spec is spec
                or (
                    old_spec.properties is spec.properties
                    and _same_spec_but_properties(old_spec, spec)
                )
            )
        ):
            static[name] = before.static[name]
            first, last = before.by_entity[name]
            if came_or_went:
                for kept in before.properties[first:last]:
                    reuse_or_compile(kept, name, kept.prop, kept.text, kept.derived)
            else:
                slots.extend(before.properties[first:last])
            by_entity[name] = (start, len(slots))
            continue
        own_static: dict[str, Any] = {}
        for prop, value in spec.properties.items():
            bindable = spec.bindable is None or prop in spec.bindable
            if spec.is_trigger(prop) or not bindable or not _has_binding(value):
                own_static[prop] = value
            else:
                old = _old(before, f"{name}.{prop}")
                reuse_or_compile(
                    old if old is not None and not old.derived else None, name, prop, value, False
                )
        for prop, expression in spec.derived.items():
            old = _old(before, f"{name}.{prop}")
            reuse_or_compile(
                old if old is not None and old.derived else None, name, prop, expression, True
            )
        if before is not None and old_spec is not None:
            old_static = before.static[name]
            changed_static.extend(
                f"{name}.{prop}"
                for prop in own_static.keys() | old_static.keys()
                if prop not in own_static
                or prop not in old_static
                or not _same_value(own_static[prop], old_static[prop])
            )
        static[name] = own_static
        by_entity[name] = (start, len(slots))

    if wanted:
        analyse_bindings(((text, derived) for _, _, _, text, derived in wanted), limits)
        compiler = _Compiler(known, engine, limits)
        for slot, name, prop, text, derived in wanted:
            slots[slot] = _compile(compiler, name, prop, text, derived)
    properties = tuple(p for p in slots if p is not None)
    if len(properties) != len(slots):
        raise InvalidRuntimeInput("a property was left uncompiled")  # never: every slot is filled
    recompiled = {slot for slot, *_ in wanted}
    same_shape = (
        before is not None
        and not came_or_went
        and len(properties) == len(before.properties)
        and by_entity == before.by_entity
        and all(properties[k].path == before.properties[k].path for k in recompiled)
    )
    if before is not None and same_shape:
        positions = before.positions
        graph = _edited_graph(before, properties, recompiled)
    else:
        positions = {p.path: k for k, p in enumerate(properties)}
        graph = _whole_graph(properties)
    targets, depends_on, dependents, cycles, components, readers = graph
    page = DraftPage(
        engine=engine,
        limits=limits,
        global_names=global_names,
        specs=specs,
        known=known,
        properties=properties,
        positions=positions,
        by_entity=by_entity,
        static=static,
        targets=targets,
        depends_on=depends_on,
        dependents=dependents,
        cycles=cycles,
        components=components,
        readers=readers,
        meta_nodes=_meta_nodes(specs, positions, properties),
    )
    starts = set(recompiled)
    removed: set[str] = set()
    if before is not None:
        removed = before.positions.keys() - positions.keys()
        starts.update(page._reading([*changed_static, *removed]))
        old_cycles = {before.properties[n].path: c for n, c in before.cycles.items()}
        new_cycles = {properties[n].path: c for n, c in cycles.items()}
        for path in old_cycles.keys() | new_cycles.keys():
            if old_cycles.get(path) != new_cycles.get(path) and path in positions:
                starts.add(positions[path])
    return page, starts, removed


def _old(before: DraftPage | None, path: str) -> _Property | None:
    if before is None:
        return None
    position = before.positions.get(path)
    return None if position is None else before.properties[position]


_Graph = tuple[
    TargetIndex,
    tuple[tuple[int, ...], ...],
    tuple[tuple[int, ...], ...],
    dict[int, tuple[str, ...]],
    dict[int, tuple[int, ...]],
    dict[str, tuple[tuple[int, Path], ...]],
]


def _whole_graph(properties: Sequence[_Property]) -> _Graph:
    targets = [p.unit.target or () for p in properties]
    graph = DependencyGraph.build(targets, [p.reads for p in properties])
    readers: dict[str, list[tuple[int, Path]]] = {}
    for node, prop in enumerate(properties):
        for path in prop.reads:
            readers.setdefault(path[0], []).append((node, path))
    return (
        TargetIndex(targets),
        graph.depends_on,
        graph.dependents,
        graph.cycles,
        _components(graph.depends_on, graph.cycles),
        {root: tuple(entries) for root, entries in readers.items()},
    )


def _components(
    depends_on: Sequence[Sequence[int]], cyclic: Iterable[int]
) -> dict[int, tuple[int, ...]]:
    """The members of each cycle, by member (searched among the nodes in cycles alone)."""
    ordered = sorted(cyclic)
    local = {node: k for k, node in enumerate(ordered)}
    edges = [[local[d] for d in depends_on[node] if d in local] for node in ordered]
    return {
        ordered[k]: tuple(ordered[m] for m in members)
        for k, members in ordered_components(edges)[1].items()
    }


def _edited_graph(
    before: DraftPage, properties: Sequence[_Property], recompiled: set[int]
) -> _Graph:
    """``before``'s graph with the edges out of properties whose reads changed redone.

    Same properties at the same positions, so same targets: only those
    properties' edges change, and only cycles through them (now, or before)
    can change; the search for cycles is redone over those alone.
    """
    dirty = sorted(n for n in recompiled if properties[n].reads != before.properties[n].reads)
    if not dirty:
        return (
            before.targets,
            before.depends_on,
            before.dependents,
            before.cycles,
            before.components,
            before.readers,
        )
    targets = before.targets
    depends_on = list(before.depends_on)
    changed_dependents: dict[int, set[int]] = {}
    readers = dict(before.readers)
    touched_roots: set[str] = set()
    for node in dirty:
        old, new = set(before.depends_on[node]), targets.read_by(properties[node].reads)
        depends_on[node] = new
        for other in old.symmetric_difference(new):
            entry = changed_dependents.setdefault(other, set(before.dependents[other]))
            if other in old:
                entry.discard(node)
            else:
                entry.add(node)
        touched_roots.update(path[0] for path in before.properties[node].reads)
        touched_roots.update(path[0] for path in properties[node].reads)
    dependents = list(before.dependents)
    for other, entry in changed_dependents.items():
        dependents[other] = tuple(sorted(entry))
    dirty_set = set(dirty)
    for root in touched_roots:
        kept = [entry for entry in before.readers.get(root, ()) if entry[0] not in dirty_set]
        kept.extend((n, path) for n in dirty for path in properties[n].reads if path[0] == root)
        if kept:
            readers[root] = tuple(kept)
        else:
            readers.pop(root, None)
    # Cycles through a dirty property are among what it reads, transitively.
    region = reachable(depends_on, dirty)
    for node in dirty:
        region.update(before.components.get(node, ()))
    cycles = dict(before.cycles)
    components = dict(before.components)
    for node in region:
        cycles.pop(node, None)
        components.pop(node, None)
    ordered = sorted(region)
    local = {node: k for k, node in enumerate(ordered)}
    edges = [[local[d] for d in depends_on[node] if d in local] for node in ordered]
    cyclic = ordered_components(edges)[1]
    if cyclic:
        names = [p.path for p in properties]
        for k, members in cyclic.items():
            node, group = ordered[k], tuple(ordered[m] for m in members)
            cycles[node] = cycle_through(node, depends_on, group, names)
            components[node] = group
    return targets, tuple(depends_on), tuple(dependents), cycles, components, readers


def _meta_nodes(
    specs: Mapping[str, EntitySpec], positions: Mapping[str, int], properties: Sequence[_Property]
) -> dict[str, tuple[tuple[int, str], ...]]:
    """Computed meta properties (an Input's text bound to its default), by entity."""
    found: dict[str, tuple[tuple[int, str], ...]] = {}
    for name, spec in specs.items():
        nodes = []
        for prop in spec.meta:
            node = positions.get(f"{name}.{prop}")
            if node is not None:
                target = properties[node].unit.target
                if target is not None and len(target) == 2:
                    nodes.append((node, target[1]))
        if nodes:
            found[name] = tuple(sorted(nodes))
    return found
