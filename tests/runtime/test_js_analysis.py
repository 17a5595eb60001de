"""Dependencies come from parsing: strings, comments and shadowed names are not reads."""

from __future__ import annotations

import pytest

from runtime.errors import JavaScriptSyntaxError, StackLimitExceeded
from runtime.js_analysis import analyse_expression


def reads(code: str) -> set[str]:
    analysis = analyse_expression(code)
    assert analysis.error is None, analysis.error
    return {".".join(path) for path in analysis.reads}


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("FilePicker1.files[0].name", {"FilePicker1.files"}),
        ("Api1.data", {"Api1.data"}),
        ("Api1.data.map(d => d.id)", {"Api1.data.map"}),
        ("Api1?.data?.items", {"Api1.data.items"}),
        ("Api1.data?.[0]", {"Api1.data"}),
        ("Table1['selectedRow'].id", {"Table1.selectedRow.id"}),
        ("Api1.data[Input1.text]", {"Api1.data", "Input1.text"}),
        ("`${Input1.text}!`", {"Input1.text"}),
        ("{ a: Text1.text, [Key1.name]: 1, Short1 }", {"Text1.text", "Key1.name", "Short1"}),
        ("typeof Zed === 'undefined'", {"Zed"}),
        ("new Date(Input1.value)", {"Date", "Input1.value"}),
        (
            "this.isRequired ? this.files.length > 0 : true",
            {"this.isRequired", "this.files.length"},
        ),
    ],
)
def test_reads_member_paths(code: str, expected: set[str]) -> None:
    assert reads(code) == expected


def test_names_in_strings_are_not_reads() -> None:
    assert reads("'Api1.data' + \"Text1.text\" + `Input1.text`") == set()


def test_names_in_comments_are_not_reads() -> None:
    assert reads("1 /* Api1.data */ + 2 // Text1.text") == set()


def test_property_names_are_not_reads() -> None:
    assert reads("obj.Api1 + ({Text1: 1}).Text1") == {"obj.Api1"}


@pytest.mark.parametrize(
    "code",
    [
        "((Api1) => Api1.data)(1)",
        "(Api1 => Api1.data)(1)",
        "(function (Api1) { return Api1.data })(1)",
        "(() => { let Api1 = 1; return Api1.data })()",
        "(() => { const Api1 = 1; return Api1.data })()",
        "(() => { var Api1 = 1; return Api1.data })()",
        "(({ Api1 }) => Api1.data)({})",
        "(({ x: Api1 }) => Api1.data)({})",
        "(([Api1]) => Api1.data)([])",
        "((...Api1) => Api1.data)()",
        "((Api1 = 1) => Api1.data)()",
        "(() => { const { a: [Api1] } = q; return Api1.data })()",
        "(() => { try { } catch (Api1) { return Api1.data } })()",
        "(() => { for (const Api1 of []) { Api1.data } })()",
        "(() => { for (let Api1 = 0; ;) { return Api1.data } })()",
        "(() => { function Api1() {} return Api1.data })()",
        "(() => { class Api1 {} return Api1.data })()",
    ],
)
def test_local_names_shadow_entities(code: str) -> None:
    assert not any(r.startswith("Api1") for r in reads(code))


def test_shadowing_ends_with_its_scope() -> None:
    assert reads("[(Api1 => Api1.x)(1), Api1.data]") == {"Api1.data"}


def test_default_parameter_values_are_reads() -> None:
    assert reads("((a = Input1.text) => a)()") == {"Input1.text"}


def test_loop_iterable_is_read_from_the_outer_scope() -> None:
    assert reads("(() => { for (const r of rows) { r.x } })()") == {"rows"}


def test_syntax_error_has_position() -> None:
    analysis = analyse_expression("a +\n * b")
    assert isinstance(analysis.error, JavaScriptSyntaxError)
    # tree-sitter's error position is approximate; the engine's own message
    # (see test_templates) is the one users see when both are available.
    assert analysis.error.line in (1, 2)
    assert analysis.error.column is not None


@pytest.mark.parametrize(
    ("code", "message", "where"),
    [
        ("\n  x.\n", "missing property_identifier", (2, 5)),
        ("'é' b", "unexpected token", (1, 5)),
        ("x.", "missing property_identifier", (1, 3)),
        # Past the code, in the parser's wrapper: placed at the code's end.
        ("a)\n", "unexpected end of the binding", (1, 3)),
    ],
)
def test_syntax_error_positions_are_in_the_code(
    code: str, message: str, where: tuple[int, int]
) -> None:
    error = analyse_expression(code).error
    assert isinstance(error, JavaScriptSyntaxError)
    assert (error.message, (error.line, error.column)) == (message, where)


@pytest.mark.parametrize("code", ["1); evil(); (1", "1; 2", "a }, { b"])
def test_more_than_one_expression_is_rejected(code: str) -> None:
    analysis = analyse_expression(code)
    assert isinstance(analysis.error, JavaScriptSyntaxError)


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    analysis = analyse_expression("[" * 10_000 + "]" * 10_000)
    assert isinstance(analysis.error, StackLimitExceeded)


def test_analysis_is_cached_per_text() -> None:
    assert analyse_expression("Cached1.x") is analyse_expression("Cached1.x")
