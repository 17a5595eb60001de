"""runtime.values: how deep JSON nests, from the value and from its text, agreeing."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from runtime.values import json_text_nests_deeper_than, nests_deeper_than

# Strings that could pass for structure if read carelessly.
TRICKY = ['"', "\\", '\\"', '"]', "[", "]]]", "{{ a }}", '\\\\"[', "é[", "\u2028{", "😀]", ""]


def random_json(rng: random.Random, depth: int) -> Any:
    kind = rng.randrange(8 if depth > 0 else 4)
    if kind == 0:
        return rng.choice(TRICKY) + rng.choice(TRICKY)
    if kind == 1:
        return rng.choice([0, -1.5, 1e15, True, False, None])
    if kind == 2:
        return rng.choice(TRICKY)
    if kind == 3:
        return []
    if kind in (4, 5):
        return [random_json(rng, depth - 1) for _ in range(rng.randrange(4))]
    return {
        rng.choice(TRICKY) + str(n): random_json(rng, depth - 1) for n in range(rng.randrange(4))
    }


def texts(value: Any) -> list[bytes]:
    """The ways a client may write ``value``: compact, spaced, indented, ASCII-escaped."""
    return [
        json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode(),
        json.dumps(value, ensure_ascii=False).encode(),
        json.dumps(value, indent=1).encode(),
    ]


@pytest.mark.parametrize("seed", range(300))
def test_the_text_and_the_value_agree_at_every_depth(seed: int) -> None:
    rng = random.Random(seed)
    value = random_json(rng, rng.randrange(1, 9))
    for text in texts(value):
        for depth in range(11):
            assert json_text_nests_deeper_than(text, depth) == nests_deeper_than(value, depth), (
                text,
                depth,
            )


@pytest.mark.parametrize(
    ("text", "levels"),
    [
        (b"1", 0),
        (b'"[[[{{{"', 0),
        (b"[]", 1),
        (b'{"a": [1]}', 2),
        (b'["\\\\", [["\\"]"]]]', 3),  # an escaped backslash ends its string; the quote does not
        (b'[{"k\\"[": "\\\\\\"{{"}]', 2),
        (b'[["", ""], "", [[""]]]', 3),
        ('["é", ["😀]"]]'.encode(), 2),
    ],
)
def test_depths_of_texts(text: bytes, levels: int) -> None:
    value = json.loads(text)
    assert not nests_deeper_than(value, levels)
    assert not json_text_nests_deeper_than(text, levels)
    if levels:
        assert nests_deeper_than(value, levels - 1)
        assert json_text_nests_deeper_than(text, levels - 1)


def test_a_text_far_deeper_than_the_stack() -> None:
    text = b"[" * 100_000 + b"]" * 100_000
    assert json_text_nests_deeper_than(text, 99_999)
    assert not json_text_nests_deeper_than(text, 100_000)
