"""Ordering, overlap rules and cycle reports."""

from __future__ import annotations

from runtime.dependency_graph import DependencyGraph, overlaps


def build(edges: dict[str, list[str]]) -> DependencyGraph:
    names = list(edges)
    targets = [tuple(n.split(".")) for n in names]
    reads = [[tuple(r.split(".")) for r in edges[n]] for n in names]
    return DependencyGraph.build(targets, reads)


def test_overlaps() -> None:
    assert overlaps(("A", "b"), ("A", "b", "c"))
    assert overlaps(("A",), ("A", "b"))
    assert not overlaps(("A", "b"), ("A", "c"))


def test_order_puts_dependencies_first() -> None:
    graph = build({"C.x": ["B.x"], "B.x": ["A.x"], "A.x": ["Input.text"]})
    names = [graph.names[n] for n in graph.order]
    assert names == ["A.x", "B.x", "C.x"]
    assert graph.cycles == {}


def test_long_chain_does_not_recurse() -> None:
    edges = {f"W{i}.v": [f"W{i - 1}.v"] if i else [] for i in range(5000)}
    graph = build(edges)
    assert [graph.names[n] for n in graph.order][:2] == ["W0.v", "W1.v"]


def test_reading_a_whole_entity_depends_on_all_its_properties() -> None:
    graph = build({"T.a": [], "T.b": [], "U.x": ["T"]})
    assert set(graph.depends_on[2]) == {0, 1}


def test_cycle_is_reported_on_every_member_naming_the_cycle() -> None:
    graph = build({"Text1.text": ["Text2.text"], "Text2.text": ["Text1.text"], "Ok.x": []})
    assert graph.cycles == {
        0: ("Text1.text", "Text2.text", "Text1.text"),
        1: ("Text2.text", "Text1.text", "Text2.text"),
    }
    assert [graph.names[n] for n in graph.order] == ["Ok.x"]


def test_self_reference_is_a_cycle() -> None:
    graph = build({"T.a": ["T.a"]})
    assert graph.cycles == {0: ("T.a", "T.a")}


def test_three_node_cycle() -> None:
    graph = build({"A.x": ["B.x"], "B.x": ["C.x"], "C.x": ["A.x"], "D.x": ["A.x"]})
    assert graph.cycles[0] == ("A.x", "B.x", "C.x", "A.x")
    assert [graph.names[n] for n in graph.order] == ["D.x"]


def test_downstream_is_transitive() -> None:
    graph = build({"A.x": [], "B.x": ["A.x"], "C.x": ["B.x"], "D.x": []})
    assert graph.downstream([0]) == {0, 1, 2}
