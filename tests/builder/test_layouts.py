"""builder.layouts: the size and count limits and the default tree."""

from __future__ import annotations

import pytest

from builder.errors import PayloadTooLarge
from builder.layouts import check_layout, default_layout, layout_size, widget_count
from widgets import MAX_LAYOUT_BYTES, LayoutValidationError


def test_the_default_layout_is_valid_and_fresh_each_time():
    first = default_layout()
    check_layout(first)
    first["children"].append("mutated")
    assert default_layout()["children"] == []


def test_size_is_measured_on_compact_utf8_json():
    assert layout_size({"a": "é"}) == len('{"a":"é"}'.encode())


def test_a_layout_at_the_limit_passes_the_size_check_and_one_byte_more_does_not():
    layout = default_layout()
    layout["props"] = {}
    base = layout_size(layout)
    # Grow a prop the validator will complain about, so only the size check decides 413.
    layout["children"] = ["x" * (MAX_LAYOUT_BYTES - base - 2)]
    assert layout_size(layout) == MAX_LAYOUT_BYTES
    with pytest.raises(LayoutValidationError) as caught:
        check_layout(layout)
    assert not isinstance(caught.value, PayloadTooLarge)
    layout["children"] = ["x" * (MAX_LAYOUT_BYTES - base - 1)]
    with pytest.raises(PayloadTooLarge) as too_big:
        check_layout(layout)
    assert (too_big.value.code, too_big.value.field) == ("layout_too_large", "layout")


def test_widget_count_tolerates_malformed_trees():
    assert widget_count(default_layout()) == 1
    assert widget_count({"children": [1, {"widgetName": "A"}]}) == 1
    assert widget_count(None) == 0
