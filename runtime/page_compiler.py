"""``compile_page``: everything about a page that does not depend on state.

Splits templates, parses every binding, builds the dependency graph, orders
the computed properties, records syntax errors and cycles against their
properties, and generates one JavaScript program for the whole page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from runtime.dependency_graph import DependencyGraph
from runtime.engine import Engine
from runtime.engines import get_engine
from runtime.errors import (
    ConfigurationError,
    DependencyCycle,
    EvalError,
    JavaScriptSyntaxError,
)
from runtime.js_analysis import Path, analyse_expression
from runtime.limits import DEFAULT_LIMITS, EvaluationLimits
from runtime.page import CompiledPage, EntitySpec
from runtime.program import DERIVED, MIXED, SINGLE, Program, Unit, is_identifier, split_template
from runtime.segments import is_dynamic, parse_template
from runtime.templates import check_binding

GLOBAL_NAMES = ("appsmith",)

# A compiled binding: its code and the page names it may read.
_Code = tuple[str, frozenset[str]]


@dataclass
class _Node:
    """One computed property on its way to becoming a program unit."""

    unit: Unit
    parts: list[str | _Code] = field(default_factory=list)
    reads: dict[Path, None] = field(default_factory=dict)
    failed: bool = False


class _Compiler:
    def __init__(self, known: set[str], engine: Engine, limits: EvaluationLimits) -> None:
        self.known = known
        self.engine = engine
        self.limits = limits
        self.nodes: list[_Node] = []
        self.errors: dict[str, list[EvalError]] = {}

    def add(self, entity: str, prop: str, text: str, derived: bool) -> None:
        path = f"{entity}.{prop}"
        if derived:
            kind = DERIVED
            pieces: list[str | tuple[str, str]] = [(text, text)]
        else:
            template = parse_template(text)
            kind = SINGLE if template.is_single_binding else MIXED
            pieces = [p if isinstance(p, str) else (p.code, p.segment) for p in template.parts]
        node = _Node(Unit(path, kind, (), (entity, prop), text))
        for piece in pieces:
            if isinstance(piece, str):
                node.parts.append(piece)
            else:
                self.add_code(node, entity, *piece)
        self.nodes.append(node)

    def add_code(self, node: _Node, entity: str, code: str, shown: str) -> None:
        problem = check_binding(code, self.engine, self.limits)
        if problem is not None:
            self.errors.setdefault(node.unit.path, []).append(
                problem.to_record(shown, node.unit.path)
            )
            node.failed = True
            return
        analysis = analyse_expression(code, self.limits.max_nesting_depth)
        for read in analysis.reads:
            # `this` in a derived property is the entity itself.
            resolved = (entity, *read[1:]) if read[0] == "this" else read
            if resolved[0] in self.known:
                node.reads[resolved] = None
        node.parts.append((code, analysis.roots & self.known))

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
        for position in graph.order:
            node = self.nodes[position]
            if node.failed:
                continue  # a syntax error: the property stays undefined
            unit = node.unit
            texts, codes = split_template(node.parts)
            names = frozenset().union(*(c[1] for c in codes))
            if unit.kind == MIXED:
                function = program.add_function([c[0] for c in codes], names, as_list=True)
                parts: tuple[str | int, ...] = (function, *texts)
            else:
                parts = (program.add_function([codes[0][0]], names),)
            index[position] = program.add_unit(
                Unit(unit.path, unit.kind, parts, unit.target, unit.binding)
            )
        return program, index


def compile_page(
    entities: Mapping[str, EntitySpec | Mapping[str, Any]],
    *,
    limits: EvaluationLimits | None = None,
    engine: Engine | None = None,
    global_names: Iterable[str] = GLOBAL_NAMES,
) -> CompiledPage:
    """Compile a page's entities (widgets and actions) into a :class:`CompiledPage`."""
    limits = limits or DEFAULT_LIMITS
    engine = engine or get_engine("quickjs", limits)
    specs = {name: EntitySpec.coerce(name, spec) for name, spec in entities.items()}
    known = set(global_names)
    for name in specs:
        if not isinstance(name, str) or not is_identifier(name):
            raise ConfigurationError(f"entity name {name!r} is not a JavaScript identifier")
        if name in known:
            raise ConfigurationError(f"entity name {name!r} is reserved")
    known.update(specs)

    compiler = _Compiler(known, engine, limits)
    static: dict[str, dict[str, Any]] = {}
    for name, spec in specs.items():
        static[name] = {}
        for prop, value in spec.properties.items():
            bindable = spec.bindable is None or prop in spec.bindable
            if spec.is_trigger(prop) or not bindable or not is_dynamic(value):
                static[name][prop] = value
            else:
                compiler.add(name, prop, value, derived=False)
        for prop, expression in spec.derived.items():
            compiler.add(name, prop, expression, derived=True)

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
    return CompiledPage(
        units=[n.unit for n in nodes],
        reads=[tuple(n.reads) for n in nodes],
        graph=graph,
        static=static,
        compile_errors=errors,
        program=program,
        program_index=program_index,
        limits=limits,
    )
