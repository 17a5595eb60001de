"""Button: runs its onClick handler."""

from __future__ import annotations

from widgets.schema import EventSpec, GridSize, PropertySpec, Section, ValueType, WidgetType
from widgets.types.common import color_property, is_disabled, is_visible

BUTTON = WidgetType(
    name="Button",
    label="Button",
    help="A clickable button.",
    # A rounded bar with a label line in it.
    icon="M2 7h20v10H2zM4 9v6h16V9zM8 11h8v2H8z",
    default_size=GridSize(16, 4),
    default_props={"text": "Submit"},
    properties=(
        PropertySpec("text", ValueType.STRING, "Submit", help="The button's label.", label="Label"),
        color_property("buttonColor", "#553DE9", "Button color"),
        PropertySpec(
            "buttonVariant",
            ValueType.ENUM,
            "PRIMARY",
            choices=("PRIMARY", "SECONDARY", "TERTIARY"),
            label="Variant",
            section=Section.STYLE,
        ),
        is_disabled(),
        is_visible(),
    ),
    events=(EventSpec("onClick", "Runs when an end user clicks the button."),),
)
