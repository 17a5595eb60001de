"""JSON paths of faults."""

from __future__ import annotations

import pytest

from widgets.paths import member_path


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("maxNumFiles", "p.maxNumFiles"),
        ("$x_1", "p.$x_1"),
        ("a b", 'p["a b"]'),
        ("1", 'p["1"]'),
        ('say "hi"', 'p["say \\"hi\\""]'),
        ("", 'p[""]'),
    ],
)
def test_member_path(key: str, expected: str) -> None:
    assert member_path("p", key) == expected


@pytest.mark.parametrize("key", ["widgetName", "type", "props", "position", "children", "x", "h"])
def test_the_layouts_own_keys_are_plain(key: str) -> None:
    assert member_path("p", key) == f"p.{key}"
    assert member_path("p", key + " ") == f'p["{key} "]'
