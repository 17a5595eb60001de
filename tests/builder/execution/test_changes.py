"""builder.execution.changes: values compared as JSON writes them."""

from __future__ import annotations

import pytest

from builder.execution.changes import same_json


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("x", "x", True),
        (None, None, True),
        ({"a": [1, {"b": True}], "c": "d"}, {"c": "d", "a": [1, {"b": True}]}, True),
        (1, True, False),
        (0, False, False),
        (1, 1.0, False),
        ({"a": [1]}, {"a": [1.0]}, False),
        ({"a": {"b": 1}}, {"a": {"b": True}}, False),
        (-0.0, 0.0, False),
        (1.5, 1.5, True),
        ([1, 2], [2, 1], False),
        ({"a": 1}, {"a": 1, "b": None}, False),
    ],
)
def test_values_are_the_same_when_json_writes_them_alike(a, b, same):
    assert same_json(a, b) is same
    assert same_json(b, a) is same
