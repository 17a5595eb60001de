"""In what order queries run together, found from what their bindings read.

    reads = {"Api2": names_read(["items/{{Api1.data.id}}"], {"Api1", "Api2"}), "Api1": set()}
    order = run_order(reads)
    order.order      # ("Api1", "Api2"): a query after the queries whose data it binds
    order.cycles     # {"A": ("A", "B", "A"), ...}: members of a cycle, never run

A query's config (path, headers, body) holds bindings that may read other
queries' data; when several run at once (a portal page's page-load queries)
each must run after those it reads. The graph and its cycles are
:mod:`runtime.dependency_graph`'s, over one node per query. A query reading
its own data (``{{Api1.data.next}}`` for paging) reads its last result: that
is not an edge.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from runtime.dependency_graph import DependencyGraph
from runtime.js_analysis import analyse_expression
from runtime.limits import DEFAULT_LIMITS
from runtime.segments import parse_template

__all__ = ["RunOrder", "names_read", "run_order"]


def names_read(texts: Iterable[object], names: Collection[str]) -> set[str]:
    """Which of ``names`` the ``{{ }}`` bindings of ``texts`` read (non-strings are skipped).

    A binding that does not parse reads nothing: running it reports its error.
    """
    found: set[str] = set()
    for text in texts:
        if not isinstance(text, str):
            continue
        for binding in parse_template(text).bindings:
            analysis = analyse_expression(binding.code, DEFAULT_LIMITS.max_nesting_depth)
            found.update(name for name in analysis.roots if name in names)
    return found


@dataclass(frozen=True)
class RunOrder:
    """Queries in a runnable order, and the ones a cycle keeps from running."""

    order: tuple[str, ...]
    cycles: dict[str, tuple[str, ...]] = field(default_factory=dict)


def run_order(reads: Mapping[str, Collection[str]]) -> RunOrder:
    """Order the queries of ``reads`` (name -> the query names its bindings read).

    Dependencies come first; among independent queries the order of
    ``reads`` is kept. A cycle (``A`` reads ``B``, ``B`` reads ``A``) is
    reported on each member as ``A -> B -> A`` and its members are left out
    of the order; a query reading a cycle's member still runs, after it
    would have, and reads that member's last result.
    """
    names = list(reads)
    known = set(names)
    targets = [(name,) for name in names]
    edges = [
        [(other,) for other in reads[name] if other in known and other != name] for name in names
    ]
    graph = DependencyGraph.build(targets, edges)
    order = tuple(names[node] for node in graph.order)
    cycles = {names[node]: tuple(path) for node, path in graph.cycles.items()}
    return RunOrder(order=order, cycles=cycles)
