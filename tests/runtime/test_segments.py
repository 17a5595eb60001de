"""Appsmith's getDynamicStringSegments rules, case by case."""

from __future__ import annotations

import pytest

from runtime import is_dynamic, split_segments
from runtime.segments import parse_template


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{{A}}", ["{{A}}"]),
        ("A {{B}}", ["A ", "{{B}}"]),
        (
            "Hello {{Customer.Name}}, the status for your order id {{orderId}} is {{status}}",
            [
                "Hello ",
                "{{Customer.Name}}",
                ", the status for your order id ",
                "{{orderId}}",
                " is ",
                "{{status}}",
            ],
        ),
        (
            "{{ data.map(d => {return {id: d}}) }}",
            ["{{ data.map(d => {return {id: d}}) }}"],
        ),
        ("{{}}{{}}}", ["{{}}", "{{}}", "}"]),
        ("{{{}}", ["{{{}}"]),
        ("{{ {{", ["{{ {{"]),
        ("}} }}", ["}} }}"]),
        ("}} {{", ["}} {{"]),
        ("Hello {{ a }} and {{ {x: 1} }}", ["Hello ", "{{ a }}", " and ", "{{ {x: 1} }}"]),
        ("no bindings", ["no bindings"]),
        ("", [""]),
        # Only the remainder after a closed binding comes back whole.
        ("{{a}} {{", ["{{a}}", " {{"]),
    ],
)
def test_split_segments(text: str, expected: list[str]) -> None:
    assert split_segments(text) == expected


def test_long_text_does_not_recurse() -> None:
    text = "x {{a}}" * 5000
    assert len(split_segments(text)) == 10000


@pytest.mark.parametrize(
    ("value", "expected"),
    [("{{ a }}", True), ("a {{b}} c", True), ("plain", False), ("{{ a", False), (3, False)],
)
def test_is_dynamic(value: object, expected: bool) -> None:
    assert is_dynamic(value) is expected


def test_parse_template_separates_bindings_and_text() -> None:
    template = parse_template("Hi {{ user.name }}!")
    assert [p if isinstance(p, str) else p.code for p in template.parts] == [
        "Hi ",
        " user.name ",
        "!",
    ]
    assert not template.is_single_binding


def test_unbalanced_text_has_no_bindings() -> None:
    assert parse_template("{{ {{").bindings == ()
    assert parse_template("{{{}}").bindings == ()


def test_parse_results_are_cached_per_text() -> None:
    assert parse_template("{{ cached }}") is parse_template("{{ cached }}")
