"""Analysing a page's bindings in one parse gives what analysing each alone gives."""

from __future__ import annotations

import pytest

from runtime import clear_caches, compile_page, evaluate_template
from runtime.js_analysis import analyse_expression, analyse_expressions
from runtime.js_scope_analysis import analyse_alone

CODES = [
    "FilePicker1.files[0].name",
    "Api1.data.map(d => d.id)",
    "Api1?.data?.items",
    "Api1 . data ?. ['x'] [\"y\"]",
    "Table1['selectedRow'].id",
    "Api1.data[Input1.text].x",
    "Api1.data['it\\'s'].x",
    "`${Input1.text}!` + A.b().c",
    "{ a: Text1.text, [Key1.name]: 1, Short1 }",
    "typeof Zed === 'undefined'",
    "this.isRequired ? this.files.length > 0 : true",
    "((a, b) => a.x + b + C.y)(1, 2)",
    "x => y => x.p + y.q + z.r",
    "[(Api1 => Api1.x)(1), Api1.data]",
    "(() => { const Api1 = 1; return Api1.data })()",
    "(({ Api1 }) => Api1.data)({})",
    "Api1.data.map(function (d) { return d.score })",
    "Api1 /* c */ .data // d",
    "a\n--> b.c",
    "1 <!-- b.c",
    "Ünï.x + B.y",
    "1 +" * 80 + "1",
    "a.#x",
    "new.target",
    "",
]
BREAKERS = ["1); evil(); (1", "a ) + ` ", "` + (b", "1 +", "a }, { b", "1 /*"]


@pytest.mark.parametrize("neighbours", [[], BREAKERS])
def test_batch_matches_one_by_one(neighbours: list[str]) -> None:
    analyse_expression.cache_clear()
    analyse_expressions([*neighbours, *CODES, *neighbours])
    for code in CODES + neighbours:
        alone = analyse_alone(code, 200)
        batched = analyse_expression(code)
        assert (batched.reads, repr(batched.error)) == (alone.reads, repr(alone.error)), code


def test_batch_fills_the_shared_cache() -> None:
    analyse_expression.cache_clear()
    analyse_expressions(["Batch1.x"])
    first = analyse_expression("Batch1.x")
    assert first.reads == (("Batch1", "x"),)
    assert analyse_expression("Batch1.x") is first


def test_strict_mode_syntax_errors_fail_their_property_not_the_page() -> None:
    # tree-sitter and sloppy-mode QuickJS accept a legacy octal literal;
    # the program is strict, so the engine's verification must refuse it.
    page = compile_page({"A": {"properties": {"a": "{{ 010 }}", "b": "{{ 1 }}"}}})
    assert page.compile_errors["A.a"][0].code == "syntax_error"
    assert page.evaluate().values == {"A.b": 1}


@pytest.mark.parametrize("bad", ["/", "...", "}{"])
def test_a_broken_binding_among_others_is_a_syntax_error_on_its_property(bad: str) -> None:
    # The parser recovers from some of these with statements that have no children.
    clear_caches()
    page = compile_page(
        {
            "A": {"properties": {"b": 1}},
            "C": {"properties": {"d": 2}},
            "T1": {"properties": {"a": "{{ A.b }}", "b": "{{ " + bad + " }}", "c": "{{ C.d }}"}},
        }
    )
    result = page.evaluate()
    assert {path: [e.code for e in errors] for path, errors in result.errors.items()} == {
        "T1.b": ["syntax_error"]
    }
    assert (result.values["T1.a"], result.values["T1.c"]) == (1, 2)


@pytest.mark.parametrize("text", ["{{ ({ }}", "{{ ;{ }}"])
def test_a_binding_whose_braces_never_balance_is_text_as_in_a_template(text: str) -> None:
    # Appsmith's segment rules give such a string back whole, as text.
    clear_caches()
    page = compile_page(
        {"A": {"properties": {"b": 1}}, "T1": {"properties": {"a": "{{ A.b }}", "b": text}}}
    )
    result = page.evaluate()
    assert result.errors == {}
    assert (result.values["T1.a"], result.values.get("T1.b", page.static["T1"].get("b"))) == (
        1,
        evaluate_template(text).value,
    )
