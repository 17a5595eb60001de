"""Property specs and checks shared by several widget types."""

from __future__ import annotations

import re

from widgets.errors import preview
from widgets.schema import Control, PropertySpec, Section, ValueType

__all__ = [
    "check_color",
    "check_css_length",
    "color_property",
    "is_disabled",
    "is_required",
    "is_visible",
]

# A literal color ends up in a CSS declaration in the portal, so only plain
# color syntax is accepted; anything else (a ";" or a "url(") could smuggle
# extra CSS. Bindings are checked by the runtime instead.
_COLOR = re.compile(
    r"#(?:[0-9A-Fa-f]{3,4}|[0-9A-Fa-f]{6}|[0-9A-Fa-f]{8})"
    r"|[A-Za-z]{3,30}"
    r"|(?:rgba?|hsla?)\(\s*[0-9.,%\s/]+\)"
    r"|var\(--[A-Za-z0-9_-]+\)"
)
_CSS_LENGTH = re.compile(r"\d{1,4}(?:\.\d{1,3})?(?:px|rem|em)")


def check_color(value: object) -> str | None:
    if isinstance(value, str) and _COLOR.fullmatch(value):
        return None
    return f"{preview(value)} is not a color: use #RRGGBB, rgb(...), hsl(...) or a color name."


def check_css_length(value: object) -> str | None:
    if isinstance(value, str) and _CSS_LENGTH.fullmatch(value):
        return None
    return f"{preview(value)} is not a size: use a number with px, rem or em, e.g. '0.875rem'."


def color_property(name: str, default: str, label: str) -> PropertySpec:
    """A colour in the Style section, edited with a colour picker."""
    return PropertySpec(
        name,
        ValueType.STRING,
        default,
        check=check_color,
        label=label,
        section=Section.STYLE,
        control=Control.COLOR,
    )


def is_visible() -> PropertySpec:
    return PropertySpec(
        "isVisible",
        ValueType.BOOLEAN,
        True,
        help="Whether end users see the widget.",
        label="Visible",
    )


def is_disabled() -> PropertySpec:
    return PropertySpec(
        "isDisabled",
        ValueType.BOOLEAN,
        False,
        help="Whether end users can interact with it.",
        label="Disabled",
    )


def is_required() -> PropertySpec:
    return PropertySpec(
        "isRequired",
        ValueType.BOOLEAN,
        False,
        help="Whether a value is needed for isValid.",
        label="Required",
        section=Section.VALIDATION,
    )
