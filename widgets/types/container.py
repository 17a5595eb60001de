"""Container: groups widgets; the root of every page is one, named MainContainer."""

from __future__ import annotations

from widgets.schema import PropertySpec, ValueType, WidgetType
from widgets.types.common import check_color, is_visible

CONTAINER = WidgetType(
    name="Container",
    help="Holds other widgets on its own 64-column grid.",
    is_container=True,
    properties=(
        PropertySpec("backgroundColor", ValueType.STRING, "#FFFFFF", check=check_color),
        is_visible(),
    ),
)
