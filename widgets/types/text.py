"""Text: shows a string, usually a binding over other widgets and queries."""

from __future__ import annotations

from widgets.schema import GridSize, PropertySpec, Section, ValueType, WidgetType
from widgets.types.common import check_css_length, color_property, is_visible

TEXT = WidgetType(
    name="Text",
    label="Text",
    help="Displays text.",
    # A capital T.
    icon="M4 4h16v3h-6.5v13h-3V7H4z",
    default_size=GridSize(16, 4),
    default_props={"text": "Label"},
    properties=(
        PropertySpec(
            "text",
            ValueType.STRING,
            "",
            help="The text shown; may hold {{ }} bindings.",
            label="Text",
        ),
        PropertySpec(
            "fontSize",
            ValueType.STRING,
            "0.875rem",
            check=check_css_length,
            label="Font size",
            section=Section.STYLE,
        ),
        # A dropdown in the editor, as in Appsmith: not bindable.
        PropertySpec(
            "textAlign",
            ValueType.ENUM,
            "LEFT",
            bindable=False,
            choices=("LEFT", "CENTER", "RIGHT"),
            label="Alignment",
            section=Section.STYLE,
        ),
        color_property("textColor", "#231F20", "Text color"),
        is_visible(),
    ),
)
