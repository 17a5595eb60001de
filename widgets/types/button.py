"""Button: runs its onClick handler."""

from __future__ import annotations

from widgets.schema import EventSpec, PropertySpec, ValueType, WidgetType
from widgets.types.common import check_color, is_disabled, is_visible

BUTTON = WidgetType(
    name="Button",
    help="A clickable button.",
    properties=(
        PropertySpec("text", ValueType.STRING, "Submit", help="The button's label."),
        PropertySpec("buttonColor", ValueType.STRING, "#553DE9", check=check_color),
        PropertySpec(
            "buttonVariant",
            ValueType.ENUM,
            "PRIMARY",
            choices=("PRIMARY", "SECONDARY", "TERTIARY"),
        ),
        is_disabled(),
        is_visible(),
    ),
    events=(EventSpec("onClick", "Runs when an end user clicks the button."),),
)
