"""builder.layouts: the size and count limits and the default tree."""

from __future__ import annotations

import itertools
import json
import random
import re

import pytest

from builder import layouts
from builder.errors import Invalid, PayloadTooLarge
from builder.layouts import (
    check_layout,
    default_layout,
    layout_size,
    layout_size_bound,
    widget_count,
)
from tests.builder.helpers import layout, widget
from widgets import MAX_LAYOUT_BYTES, LayoutValidationError, validate_layout


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


JSON_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?\Z")


def test_every_short_number_grows_at_most_four_and_a_half_times():
    # Longer tokens cannot do worse: a float's repr has at most 24 characters
    # (-2.2250738585072014e-308), and 24 / 7 < 4.5.
    worst = 0.0
    for length in range(1, 7):
        for chars in itertools.product("0159-.eE+", repeat=length):
            text = "".join(chars)
            if JSON_NUMBER.match(text):
                grown = layout_size(json.loads(text))
                assert grown <= layout_size_bound(len(text)), text
                worst = max(worst, grown / len(text))
    assert worst == 4.5  # "1e15": 1000000000000000.0


# Pieces of JSON text as clients write them: raw and escaped characters,
# numbers that grow when written again, a key given twice, whitespace.
STRING_PIECES = ["é", "😀", r"\u00e9", r"\ud83d\ude00", r"\n", r"\/", r"\"", "x", "{{ a }}"]
NUMBERS = ["1e15", "-1e15", "1e9", "1e-7", "1e400", "-0", "12", "true", "null"]


def json_text(rng: random.Random, depth: int) -> str:
    kind = rng.randrange(4 if depth else 2)
    if kind == 0:
        return '"' + "".join(rng.choices(STRING_PIECES, k=rng.randrange(6))) + '"'
    if kind == 1:
        return rng.choice(NUMBERS)
    if kind == 2:
        items = [json_text(rng, depth - 1) for _ in range(rng.randrange(4))]
        return "[" + ", ".join(items) + "]"
    keys = [f'"k{n}"' for n in range(rng.randrange(4))] + ['"k0"']
    return "{ " + ",\n ".join(f"{key}: {json_text(rng, depth - 1)}" for key in keys) + " }"


@pytest.mark.parametrize("seed", range(50))
def test_the_bound_holds_for_texts_as_clients_write_them(seed):
    text = json_text(random.Random(seed), 5).encode()
    assert layout_size(json.loads(text)) <= layout_size_bound(len(text)), text


def test_the_bound_holds_for_a_text_of_the_worst_numbers():
    text = ("[" + ",".join(["1e15"] * 1000) + "]").encode()
    assert layout_size(json.loads(text)) == 19 * 1000 + 1
    assert layout_size(json.loads(text)) <= layout_size_bound(len(text))


def test_a_known_bound_within_the_limit_spares_the_weighing(monkeypatch):
    def weighed(layout):
        raise AssertionError("the layout was encoded to weigh it")

    monkeypatch.setattr(layouts, "layout_size", weighed)
    check_layout(default_layout(), size_at_most=MAX_LAYOUT_BYTES)
    with pytest.raises(AssertionError):
        check_layout(default_layout(), size_at_most=MAX_LAYOUT_BYTES + 1)


def test_a_bound_over_the_limit_weighs_the_layout_as_ever():
    layout = default_layout()
    layout["children"] = ["x" * MAX_LAYOUT_BYTES]
    with pytest.raises(PayloadTooLarge):
        check_layout(layout, size_at_most=layout_size_bound(MAX_LAYOUT_BYTES))
    check_layout(default_layout(), size_at_most=layout_size_bound(MAX_LAYOUT_BYTES))


def test_the_first_widget_named_as_an_action_is_named_by_its_json_path():
    box = widget("Box", "Container")
    box["children"] = [widget("Inner", "Text"), widget("Q2", "Text", y=5)]
    tree = layout(widget("A", "Text"), box, widget("Q1", "Text"))
    with pytest.raises(Invalid) as caught:
        check_layout(tree, action_names={"Q1", "Q2"})
    assert (caught.value.code, caught.value.field) == (
        "duplicate_name",
        "layout.children[1].children[1].widgetName",
    )
    assert "'Q2'" in caught.value.message
    check_layout(tree, action_names={"Other"})


def test_validation_gives_each_widgets_path_in_document_order():
    box = widget("Box", "Container")
    box["children"] = [widget("Inner", "Text")]
    assert validate_layout(layout(box, widget("B", "Text")), path="p") == {
        "MainContainer": "p",
        "Box": "p.children[0]",
        "Inner": "p.children[0].children[0]",
        "B": "p.children[1]",
    }
