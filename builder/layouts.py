"""Page layouts as the builder stores them: the default tree and the save-time checks.

`widgets` owns the layout DSL and its validation; this module adds what only
the builder knows: the size of the stored JSON, and the page's action names
that widget names must not collide with. A layout `widgets` refuses leaves as
its `LayoutValidationError` (every fault in `errors`, `path` the first one's
JSON path); the builder's own checks raise `builder.errors` naming the field.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from typing import Any

from builder.errors import Invalid, PayloadTooLarge
from widgets import (
    GRID_COLUMNS,
    MAX_LAYOUT_BYTES,
    MAX_WIDGETS,
    ROOT_WIDGET_NAME,
    LayoutValidationError,
    collect_widget_names,
    validate_layout,
)

__all__ = [
    "check_layout",
    "default_layout",
    "layout_size",
    "layout_size_bound",
    "widget_count",
]


def default_layout() -> dict[str, Any]:
    """The layout of a new page: an empty root Container spanning the grid."""
    return {
        "widgetName": ROOT_WIDGET_NAME,
        "type": "Container",
        "props": {},
        "position": {"x": 0, "y": 0, "w": GRID_COLUMNS, "h": 60},
        "children": [],
    }


def layout_size(layout: object) -> int:
    """Bytes of the layout as stored (compact UTF-8 JSON)."""
    return len(json.dumps(layout, separators=(",", ":"), ensure_ascii=False).encode())


def layout_size_bound(utf8_json_bytes: int) -> int:
    """At most `layout_size` of a value parsed from this many bytes of UTF-8 JSON text.

    Written again compact, each part of the text takes at most as many bytes
    as it did, but numbers: whitespace goes, a character or escape in a
    string takes as many bytes or fewer (``\\u00e9`` becomes ``é``; strict
    JSON has no raw control characters to escape), punctuation and literals
    are the same and an integer is written as it was (``-0`` shorter). A
    float is written as Python's ``repr``: at most 24 characters, and from a
    token of n characters at most 4.5 n (``1e15`` becomes
    ``1000000000000000.0``; tests/builder/test_layouts.py tries every short
    token). So 4.5 times the text, which lets the editor's drafts (a few
    hundred KB against the 2 MB limit) skip encoding the layout to weigh it.
    """
    return -(-utf8_json_bytes * 9 // 2)


def widget_count(layout: object) -> int:
    """How many named widgets the layout holds (for the admin's list)."""
    return len(collect_widget_names(layout))


def check_layout(
    layout: object,
    *,
    action_names: Collection[str] = (),
    valid_before: Mapping[str, Mapping[str, object]] | None = None,
    size_at_most: int | None = None,
) -> None:
    """Raise unless `layout` may be saved on a page with these actions.

    ``valid_before``: the widgets by name of a layout that passed (see
    `widgets.validate_layout`); the faults found are the same, sooner.
    ``size_at_most``: a bound known on `layout_size` (`layout_size_bound`
    of the request body it came in); within the limit, the layout is not
    encoded to weigh it. The rule is the same: at most ``MAX_LAYOUT_BYTES``.
    """
    if size_at_most is None or size_at_most > MAX_LAYOUT_BYTES:
        size = layout_size(layout)
        if size > MAX_LAYOUT_BYTES:
            raise PayloadTooLarge(
                f"The layout is {size} bytes of JSON; a page holds at most {MAX_LAYOUT_BYTES}.",
                code="layout_too_large",
                field="layout",
            )
    try:
        paths = validate_layout(layout, path="layout", valid_before=valid_before)
    except LayoutValidationError as error:
        if any(fault.code == "too_many_widgets" for fault in error.errors):
            # The limit is about the page as a whole, not the widget it stopped at.
            raise PayloadTooLarge(
                f"A page can hold at most {MAX_WIDGETS} widgets.",
                code="too_many_widgets",
                field="layout",
            ) from error
        raise
    for name, path in paths.items():
        if name in action_names:
            raise Invalid(
                f"{name!r} is already the name of an action on this page; "
                "names of widgets and actions must be unique.",
                code="duplicate_name",
                field=f"{path}.widgetName",
            )
