"""Container: groups widgets; the root of every page is one, named MainContainer."""

from __future__ import annotations

from widgets.schema import GridSize, WidgetType
from widgets.types.common import color_property, is_visible

CONTAINER = WidgetType(
    name="Container",
    label="Container",
    help="Holds other widgets on its own 64-column grid.",
    is_container=True,
    # A frame with a header bar.
    icon="M3 3h18v18H3zM5 5v14h14V5zM7 7h10v3H7z",
    default_size=GridSize(24, 30),
    properties=(
        color_property("backgroundColor", "#FFFFFF", "Background color"),
        is_visible(),
    ),
)
