"""walk_widgets: the one walk over a widget tree (order, paths, parents, bad nodes)."""

from __future__ import annotations

from tests.widgets.layouts import page, widget
from widgets.tree import walk_widgets


def _names(layout: object, **kwargs: str) -> list[tuple[object, str, object]]:
    return [
        (
            visit.widget.get("widgetName"),
            visit.path,
            None if visit.parent is None else visit.parent.get("widgetName"),
        )
        for visit in walk_widgets(layout, **kwargs)
    ]


def test_depth_first_in_document_order_with_paths_and_parents() -> None:
    layout = page(
        widget("Form", "Container", children=[widget("Name", "Input"), widget("Go", "Button")]),
        widget("Result", "Text"),
    )
    assert _names(layout) == [
        ("MainContainer", "layout", None),
        ("Form", "layout.children[0]", "MainContainer"),
        ("Name", "layout.children[0].children[0]", "Form"),
        ("Go", "layout.children[0].children[1]", "Form"),
        ("Result", "layout.children[1]", "MainContainer"),
    ]


def test_the_root_path_can_be_named() -> None:
    layout = page(widget("Result", "Text"))
    assert [path for _, path, _ in _names(layout, path="page.layout")] == [
        "page.layout",
        "page.layout.children[0]",
    ]


def test_malformed_nodes_are_skipped_with_their_subtrees() -> None:
    layout = {
        "widgetName": "Root",
        "children": [
            "not a widget",
            {"widgetName": "Kept", "children": "not a list"},
            None,
            {"children": [{"widgetName": "Nested"}]},
        ],
    }
    assert _names(layout) == [
        ("Root", "layout", None),
        ("Kept", "layout.children[1]", "Root"),
        (None, "layout.children[3]", "Root"),
        ("Nested", "layout.children[3].children[0]", None),
    ]
    assert list(walk_widgets(None)) == []
    assert list(walk_widgets([layout])) == []


def test_survives_very_deep_trees() -> None:
    # Iterative on purpose: a hostile depth must not raise RecursionError.
    node: dict[str, object] = {"widgetName": "Leaf"}
    for index in range(5000):
        node = {"widgetName": f"W{index}", "children": [node]}
    visits = list(walk_widgets(node))
    assert len(visits) == 5001
    assert visits[-1].widget == {"widgetName": "Leaf"}
    assert visits[-1].parent is not None and visits[-1].parent["widgetName"] == "W0"
