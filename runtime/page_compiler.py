"""``compile_page``: everything about a page that does not depend on state.

Splits templates, parses every binding, builds the dependency graph, orders
the computed properties, records syntax errors and cycles against their
properties, and generates one JavaScript program for the whole page.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from typing import Any

from runtime.dependency_graph import DependencyGraph
from runtime.engines import Engine, get_engine
from runtime.errors import (
    DependencyCycle,
    EvalError,
    InvalidRuntimeInput,
    JavaScriptSyntaxError,
)
from runtime.js_analysis import analyse_expression, analyse_expressions
from runtime.js_scope_analysis import Path
from runtime.limits import DEFAULT_LIMITS, EvaluationLimits
from runtime.page import CompiledPage, EntitySpec
from runtime.program import DERIVED, MIXED, SINGLE, Program, Unit, is_identifier
from runtime.segments import is_dynamic, parse_template
from runtime.templates import check_binding

GLOBAL_NAMES = ("appsmith",)

# A compiled binding: its code and the page names it may read.
_Code = tuple[str, frozenset[str]]


class _Node:
    """One computed property on its way to becoming a program unit.

    Plain slots rather than a dataclass: a big page makes 3,000 of these.
    ``texts`` is the static text around the bindings (one more than ``codes``).
    """

    __slots__ = ("codes", "failed", "reads", "texts", "unit")

    def __init__(self, unit: Unit) -> None:
        self.unit = unit
        self.texts: list[str] = [""]
        self.codes: list[_Code] = []
        self.reads: dict[Path, None] = {}
        self.failed = False


class _Compiler:
    def __init__(self, known: AbstractSet[str], engine: Engine, limits: EvaluationLimits) -> None:
        self.known = known
        self.engine = engine
        self.limits = limits
        self.nodes: list[_Node] = []
        self.errors: dict[str, list[EvalError]] = {}
        # Per code: (reads of page names, with `this` left as is; page names it uses).
        self._resolved: dict[str, tuple[tuple[Path, ...], frozenset[str]]] = {}

    def add(self, entity: str, prop: str, text: str, derived: bool) -> None:
        path = f"{entity}.{prop}"
        if derived:
            node = _Node(Unit(path, DERIVED, (), (entity, prop), text))
            self.add_code(node, entity, text, text)
        else:
            parts = parse_template(text).parts
            kind = SINGLE if len(parts) == 1 and not isinstance(parts[0], str) else MIXED
            node = _Node(Unit(path, kind, (), (entity, prop), text))
            for part in parts:
                if isinstance(part, str):
                    node.texts[-1] += part
                else:
                    self.add_code(node, entity, part.segment[2:-2], part.segment)
        self.nodes.append(node)

    def add_code(self, node: _Node, entity: str, code: str, shown: str) -> None:
        resolved = self._resolved.get(code)
        if resolved is None:
            resolved = self.resolve(code)
            if resolved is None:
                problem = check_binding(code, self.engine, self.limits)
                if problem is not None:
                    self.errors.setdefault(node.unit.path, []).append(
                        problem.to_record(shown, node.unit.path)
                    )
                node.failed = True
                return
            self._resolved[code] = resolved
        reads, names = resolved
        for read in reads:
            # `this` in a derived property is the entity itself.
            node.reads[(entity, *read[1:]) if read[0] == "this" else read] = None
        node.codes.append((code, names))
        node.texts.append("")

    def resolve(self, code: str) -> tuple[tuple[Path, ...], frozenset[str]] | None:
        """What ``code`` reads of this page, or None if ``check_binding`` must explain why not."""
        if len(code) > self.limits.max_binding_chars:
            return None
        analysis = analyse_expression(code, self.limits.max_nesting_depth)
        if analysis.error is not None:
            return None
        known = self.known
        reads = tuple(read for read in analysis.reads if read[0] in known or read[0] == "this")
        return reads, analysis.roots & known

    def reject(self, program: Program, index: dict[int, int], functions: set[int]) -> None:
        """Fail the properties whose functions the engine refused (see engine.verify)."""
        for position, unit_index in index.items():
            unit = program.units[unit_index]
            if any(isinstance(p, int) and p in functions for p in unit.parts):
                node = self.nodes[position]
                node.failed = True
                self.errors.setdefault(unit.path, []).append(
                    JavaScriptSyntaxError(
                        "the engine does not read this binding as one expression"
                    ).to_record(unit.binding, unit.path)
                )

    def program(self, graph: DependencyGraph) -> tuple[Program, dict[int, int]]:
        program = Program()
        index: dict[int, int] = {}
        nodes = self.nodes
        for position in graph.order:
            node = nodes[position]
            if node.failed:
                continue  # a syntax error: the property stays undefined
            unit = node.unit
            codes = node.codes
            names = frozenset().union(*(c[1] for c in codes)) if len(codes) > 1 else codes[0][1]
            if unit.kind == MIXED:
                function = program.add_function([c[0] for c in codes], names, as_list=True)
                parts: tuple[str | int, ...] = (function, *node.texts)
            else:
                parts = (program.add_function([codes[0][0]], names),)
            index[position] = program.add_unit(
                Unit(unit.path, unit.kind, parts, unit.target, unit.binding)
            )
        return program, index


def binding_codes(text: str, derived: bool) -> list[str]:
    """The JavaScript of a property's bindings: a derived property is one expression."""
    if derived:
        return [text]
    return [p.code for p in parse_template(text).parts if not isinstance(p, str)]


def analyse_bindings(properties: Iterable[tuple[str, bool]], limits: EvaluationLimits) -> None:
    """Parse every binding of these ``(text, derived)`` properties in one go.

    The parses are cached (see js_analysis.analyse_expressions), so the
    compiler then finds each one parsed; codes over the limit are left to it.
    """
    codes = [code for text, derived in properties for code in binding_codes(text, derived)]
    analyse_expressions(
        (code for code in codes if len(code) <= limits.max_binding_chars),
        limits.max_nesting_depth,
    )


def compile_page(
    entities: Mapping[str, EntitySpec | Mapping[str, Any]],
    *,
    limits: EvaluationLimits | None = None,
    engine: Engine | None = None,
    global_names: Iterable[str] = GLOBAL_NAMES,
) -> CompiledPage:
    """Compile a page's entities (widgets and actions) into a :class:`CompiledPage`."""
    with _collector_paused():
        return _compile_page(entities, limits, engine, global_names)


def check_entity_names(specs: Iterable[str], global_names: Iterable[str]) -> frozenset[str]:
    """Every name bindings may read: the globals and the entities (which must be identifiers)."""
    known = set(global_names)
    for name in specs:
        if not isinstance(name, str) or not is_identifier(name):
            raise InvalidRuntimeInput(f"entity name {name!r} is not a JavaScript identifier")
        if name in known:
            raise InvalidRuntimeInput(f"entity name {name!r} is reserved")
    known.update(specs)
    return frozenset(known)


def _has_binding(value: Any) -> bool:
    # "{{ ({ }}" looks dynamic but its braces never balance, so Appsmith's
    # segment rules read it as text: it stays static, as evaluate_template has it.
    return is_dynamic(value) and any(
        not isinstance(part, str) for part in parse_template(value).parts
    )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Hold off Python's cyclic garbage collector while a page compiles.

    A 3,000-binding page allocates ~100,000 short-lived, acyclic objects
    (parse nodes, tuples, units), which triggers several collections of the
    whole heap: ~20 ms of a ~160 ms cold compile, measured. Reference
    counting still frees them; anything cyclic waits until the collector
    resumes. Left as found if someone else (another thread, the app) has
    already turned it off.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _compile_page(
    entities: Mapping[str, EntitySpec | Mapping[str, Any]],
    limits: EvaluationLimits | None,
    engine: Engine | None,
    global_names: Iterable[str],
) -> CompiledPage:
    limits = limits or DEFAULT_LIMITS
    engine = engine or get_engine("quickjs", limits)
    specs = {name: EntitySpec.coerce(name, spec) for name, spec in entities.items()}
    known = set(check_entity_names(specs, global_names))

    static: dict[str, dict[str, Any]] = {}
    computed: list[tuple[str, str, str, bool]] = []
    for name, spec in specs.items():
        static[name] = {}
        for prop, value in spec.properties.items():
            bindable = spec.bindable is None or prop in spec.bindable
            if spec.is_trigger(prop) or not bindable or not _has_binding(value):
                static[name][prop] = value
            else:
                computed.append((name, prop, value, False))
        for prop, expression in spec.derived.items():
            computed.append((name, prop, expression, True))

    analyse_bindings(((text, derived) for _, _, text, derived in computed), limits)
    compiler = _Compiler(known, engine, limits)
    for name, prop, text, derived in computed:
        compiler.add(name, prop, text, derived)

    nodes = compiler.nodes
    graph = DependencyGraph.build(
        [n.unit.target or () for n in nodes], [tuple(n.reads) for n in nodes]
    )
    program, program_index = compiler.program(graph)
    rejected = engine.verify(program)
    if rejected:
        compiler.reject(program, program_index, rejected)
        program, program_index = compiler.program(graph)
    errors = compiler.errors
    for position, cycle in graph.cycles.items():
        unit = nodes[position].unit
        errors.setdefault(unit.path, []).append(
            DependencyCycle(cycle).to_record(unit.binding, unit.path)
        )
    # Computed meta properties (an Input's text bound to its defaultText) let
    # a value in the state win over their binding.
    declared_meta = {f"{name}.{prop}" for name, spec in specs.items() for prop in spec.meta}
    return CompiledPage(
        units=[n.unit for n in nodes],
        reads=[tuple(n.reads) for n in nodes],
        graph=graph,
        static=static,
        compile_errors=errors,
        program=program,
        program_index=program_index,
        limits=limits,
        meta=frozenset(n.unit.path for n in nodes if n.unit.path in declared_meta),
    )
