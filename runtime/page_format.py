"""The stored form of a compiled page: plain JSON, versioned.

Storing the graph and the generated functions (rather than the page's
templates) means a published page is never parsed again; loading it costs
one ``json.loads`` and some tuple building.

    data = page_to_json(compiled_page)            # any object with StoredPage's fields
    CompiledPage(**page_fields(data))             # what CompiledPage.from_json does

This module reads and writes the fields only; it does not import
``runtime.page``, which imports it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any, Protocol

from runtime.dependency_graph import DependencyGraph
from runtime.errors import EvalError, InvalidRuntimeInput
from runtime.js_scope_analysis import Path
from runtime.limits import EvaluationLimits
from runtime.program import Program, Unit

__all__ = ["FORMAT_VERSION", "StoredPage", "page_fields", "page_to_json"]

FORMAT_VERSION = 3  # 3: meta paths


class StoredPage(Protocol):
    """The fields of a compiled page that are stored (``runtime.page.CompiledPage``'s)."""

    @property
    def units(self) -> list[Unit]: ...
    @property
    def reads(self) -> list[tuple[Path, ...]]: ...
    @property
    def graph(self) -> DependencyGraph: ...
    @property
    def static(self) -> dict[str, dict[str, Any]]: ...
    @property
    def compile_errors(self) -> dict[str, list[EvalError]]: ...
    @property
    def program(self) -> Program: ...
    @property
    def program_index(self) -> dict[int, int]: ...
    @property
    def limits(self) -> EvaluationLimits: ...
    @property
    def meta(self) -> frozenset[str]: ...


def _unit_to_json(unit: Unit) -> list[Any]:
    return [unit.path, unit.kind, list(unit.parts), list(unit.target or ()), unit.binding]


def _unit_from_json(data: list[Any]) -> Unit:
    path, kind, parts, target, binding = data
    return Unit(path, kind, tuple(parts), tuple(target) or None, binding)


def page_to_json(page: StoredPage) -> dict[str, Any]:
    graph = page.graph
    return {
        "version": FORMAT_VERSION,
        "limits": asdict(page.limits),
        "units": [_unit_to_json(u) for u in page.units],
        "reads": [[list(p) for p in r] for r in page.reads],
        "graph": {
            "depends_on": [list(d) for d in graph.depends_on],
            "dependents": [list(d) for d in graph.dependents],
            "order": list(graph.order),
            "cycles": {str(node): list(cycle) for node, cycle in graph.cycles.items()},
        },
        "static": page.static,
        "compile_errors": {
            path: [e.to_dict() for e in errs] for path, errs in page.compile_errors.items()
        },
        "program": {
            "functions": [
                [list(f.codes), list(f.names), f.as_list] for f in page.program.functions
            ],
            "units": [_unit_to_json(u) for u in page.program.units],
        },
        "program_index": [[node, index] for node, index in page.program_index.items()],
        "meta": sorted(page.meta),
    }


def page_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    """The stored page's fields, as keyword arguments of ``CompiledPage``."""
    if data.get("version") != FORMAT_VERSION:
        raise InvalidRuntimeInput(
            f"compiled page format {data.get('version')!r} is not {FORMAT_VERSION}; "
            "recompile the page (publish again)"
        )
    units = [_unit_from_json(u) for u in data["units"]]
    graph_data = data["graph"]
    graph = DependencyGraph(
        names=tuple(u.path for u in units),
        depends_on=tuple(tuple(d) for d in graph_data["depends_on"]),
        dependents=tuple(tuple(d) for d in graph_data["dependents"]),
        order=tuple(graph_data["order"]),
        cycles={int(node): tuple(cycle) for node, cycle in graph_data["cycles"].items()},
    )
    program = Program()
    for codes, names, as_list in data["program"]["functions"]:
        program.add_function(codes, names, as_list=as_list)
    for unit in data["program"]["units"]:
        program.add_unit(_unit_from_json(unit))
    return dict(
        units=units,
        reads=[tuple(tuple(p) for p in r) for r in data["reads"]],
        graph=graph,
        static={name: dict(props) for name, props in data["static"].items()},
        compile_errors={
            path: [EvalError.from_dict(e) for e in errs]
            for path, errs in data["compile_errors"].items()
        },
        program=program,
        program_index={node: index for node, index in data["program_index"]},
        limits=EvaluationLimits(**data["limits"]),
        meta=frozenset(data["meta"]),
    )
