"""Which computed property reads which, in what order to compute them, and cycles.

Nodes are computed properties (``Text1.text``). A node depends on another
when one of the paths it reads overlaps the other's path: reading
``Table1.selectedRow.id`` depends on ``Table1.selectedRow``, and reading the
whole ``Table1`` depends on every computed property of ``Table1``.

Strongly connected components (Tarjan, iterative so a 3,000-long chain does
not hit Python's recursion limit) give both the evaluation order and the
cycles: a component of more than one node, or a node reading itself, is a
cycle, reported on each of its members as ``A -> B -> A``. Nodes outside a
cycle are still ordered and evaluated, reading ``undefined`` from it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Path = tuple[str, ...]


def overlaps(a: Path, b: Path) -> bool:
    """True if one path is a prefix of the other (segment-wise)."""
    n = min(len(a), len(b))
    return a[:n] == b[:n]


@dataclass(frozen=True)
class DependencyGraph:
    """Edges, order and cycles over nodes ``0..n-1``."""

    names: tuple[str, ...]
    depends_on: tuple[tuple[int, ...], ...]
    dependents: tuple[tuple[int, ...], ...]
    order: tuple[int, ...]
    cycles: dict[int, tuple[str, ...]]

    @classmethod
    def build(cls, targets: Sequence[Path], reads: Sequence[Iterable[Path]]) -> DependencyGraph:
        index = TargetIndex(targets)
        depends_on: list[tuple[int, ...]] = []
        dependents: list[list[int]] = [[] for _ in targets]
        for node, node_reads in enumerate(reads):
            found = index.read_by(node_reads)
            depends_on.append(found)
            for other in found:
                dependents[other].append(node)
        order, cyclic = ordered_components(depends_on)
        names = tuple(".".join(t) for t in targets)
        cycles = {
            node: _cycle_through(node, depends_on, set(members), names)
            for node, members in cyclic.items()
        }
        return cls(
            names=names,
            depends_on=tuple(depends_on),
            dependents=tuple(tuple(d) for d in dependents),
            order=tuple(order),
            cycles=cycles,
        )

    def downstream(self, starts: Iterable[int]) -> set[int]:
        """``starts`` and every node that transitively reads one of them."""
        return reachable(self.dependents, starts)


def reachable(edges: Sequence[Sequence[int]], starts: Iterable[int]) -> set[int]:
    """``starts`` and every node reached from them along ``edges`` (``edges[n]``: n's neighbours).

    Over ``dependents``, what reads the starts, transitively; over
    ``depends_on``, what they read.
    """
    seen = set(starts)
    queue = deque(seen)
    while queue:
        for other in edges[queue.popleft()]:
            if other not in seen:
                seen.add(other)
                queue.append(other)
    return seen


class TargetIndex:
    """Computed properties by what they compute, to find which ones a read reaches."""

    def __init__(self, targets: Sequence[Path]) -> None:
        self.targets = targets
        self.by_root: dict[str, list[int]] = {}
        # Targets by their first two segments, and the one-segment ones by root:
        # a read of two or more segments can only overlap those.
        self.by_key: dict[Path, list[int]] = {}
        self.whole: dict[str, list[int]] = {}
        for node, target in enumerate(targets):
            self.by_root.setdefault(target[0], []).append(node)
            if len(target) == 1:
                self.whole.setdefault(target[0], []).append(node)
            else:
                self.by_key.setdefault(target[:2], []).append(node)

    def read_by(self, reads: Iterable[Path]) -> tuple[int, ...]:
        """The nodes these reads depend on, in the order of the reads (then of the nodes)."""
        targets = self.targets
        found: dict[int, None] = {}
        for path in reads:
            if len(path) == 1:
                candidates: Sequence[int] = self.by_root.get(path[0], ())
            else:
                candidates = self.by_key.get(path[:2], ())
                if path[0] in self.whole:
                    # Kept in node order, as a scan of by_root would give them.
                    candidates = sorted((*self.whole[path[0]], *candidates))
            for other in candidates:
                target = targets[other]
                if len(target) <= 2 or overlaps(path, target):
                    found[other] = None
        return tuple(found)


def ordered_components(edges: Sequence[Sequence[int]]) -> tuple[list[int], dict[int, list[int]]]:
    """Nodes outside cycles in dependency order, and each cycle's members by member.

    ``edges[n]`` are the nodes ``n`` depends on; a node in a cycle maps to
    the sorted members of its component (itself alone if it reads itself).
    """
    order: list[int] = []
    cyclic: dict[int, list[int]] = {}
    for component in _strongly_connected(edges):
        if len(component) == 1 and component[0] not in edges[component[0]]:
            order.append(component[0])
            continue
        members = sorted(component)
        for node in members:
            cyclic[node] = members
    return order, cyclic


def cycle_through(
    start: int, edges: Sequence[Sequence[int]], members: Iterable[int], names: Sequence[str]
) -> tuple[str, ...]:
    """The shortest cycle from ``start`` back to itself, as property names (see module doc)."""
    return _cycle_through(start, edges, set(members), names)


def _strongly_connected(edges: Sequence[Sequence[int]]) -> list[list[int]]:
    """Tarjan's algorithm; components come out dependencies-first."""
    index_of: dict[int, int] = {}
    low: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[int] = []
    components: list[list[int]] = []
    counter = 0
    for root in range(len(edges)):
        if root in index_of:
            continue
        work: list[tuple[int, int]] = [(root, 0)]
        while work:
            node, edge = work.pop()
            if edge == 0:
                index_of[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            recurse = False
            for i in range(edge, len(edges[node])):
                nxt = edges[node][i]
                if nxt not in index_of:
                    work.append((node, i + 1))
                    work.append((nxt, 0))
                    recurse = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index_of[nxt])
            if recurse:
                continue
            if low[node] == index_of[node]:
                component: list[int] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return components


def _cycle_through(
    start: int,
    edges: Sequence[Sequence[int]],
    members: set[int],
    names: Sequence[str],
) -> tuple[str, ...]:
    """The shortest cycle from ``start`` back to itself, as property names."""
    previous: dict[int, int] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in edges[node]:
            if nxt not in members:
                continue
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                path.reverse()
                return (*tuple(names[n] for n in path), names[start])
            if nxt not in previous:
                previous[nxt] = node
                queue.append(nxt)
    return (names[start], names[start])
