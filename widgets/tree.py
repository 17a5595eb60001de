"""The one walk over a page's widget tree.

A widget holds its child widgets in ``children`` (see `widgets.layout`).
Everything that visits a layout's widgets (names, entities, the JSON paths of
names, the portal's copy of the layout) goes through `walk_widgets`, so they
all agree on the order and on what to do with a malformed node::

    for visit in walk_widgets(layout):
        visit.widget, visit.path, visit.parent   # path: "layout.children[0]"
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import NamedTuple

__all__ = ["WidgetVisit", "walk_widgets"]


class WidgetVisit(NamedTuple):
    """One widget met by `walk_widgets`: the widget, where it is, and its parent.

    A named tuple, not a dataclass: the editor walks its 1,000-widget drafts
    several times per change, and a frozen dataclass costs three times as
    much to make.
    """

    widget: Mapping[str, object]
    path: str  # JSON path from the root: "layout", "layout.children[1]"...
    parent: Mapping[str, object] | None  # None for the root


def walk_widgets(layout: object, *, path: str = "layout") -> Iterator[WidgetVisit]:
    """Each widget of ``layout``, the root first, depth first in document order.

    Iterative, so a hostile nesting depth cannot exhaust the Python stack.
    Tolerant of malformed trees, since stored layouts are read with it too:
    a node that is not a mapping is skipped with everything under it, and
    ``children`` that is not a list counts as none. `validate_layout` is what
    finds such faults. ``path`` names the root in the paths given.
    """
    stack: list[tuple[object, str, Mapping[str, object] | None]] = [(layout, path, None)]
    pop, push = stack.pop, stack.extend
    while stack:
        node, node_path, parent = pop()
        if not isinstance(node, Mapping):
            continue
        yield WidgetVisit(node, node_path, parent)
        children = node.get("children")
        if isinstance(children, list) and children:
            prefix = f"{node_path}.children["
            # Pushed last first, so that they are met in document order.
            push([(child, f"{prefix}{index}]", node) for index, child in enumerate(children)][::-1])
