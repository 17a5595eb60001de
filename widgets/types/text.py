"""Text: shows a string, usually a binding over other widgets and queries."""

from __future__ import annotations

from widgets.schema import PropertySpec, ValueType, WidgetType
from widgets.types.common import check_color, check_css_length, is_visible

TEXT = WidgetType(
    name="Text",
    help="Displays text.",
    properties=(
        PropertySpec("text", ValueType.STRING, "", help="The text shown; may hold {{ }} bindings."),
        PropertySpec("fontSize", ValueType.STRING, "0.875rem", check=check_css_length),
        # A dropdown in the editor, as in Appsmith: not bindable.
        PropertySpec(
            "textAlign",
            ValueType.ENUM,
            "LEFT",
            bindable=False,
            choices=("LEFT", "CENTER", "RIGHT"),
        ),
        PropertySpec("textColor", ValueType.STRING, "#231F20", check=check_color),
        is_visible(),
    ),
)
