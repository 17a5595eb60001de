"""evaluate_template and evaluate_json_template: values, types and errors."""

from __future__ import annotations

import json
from typing import Any

import pytest

from runtime import (
    UNDEFINED,
    InvalidRuntimeInput,
    evaluate_json_template,
    evaluate_template,
    get_engine,
    is_file_reference,
)
from runtime.values import js_string


def test_api_examples() -> None:
    assert evaluate_template("{{ [1, 2].map(x => x * 2) }}", scope={}).value == [2, 4]
    assert (
        evaluate_template("Hi {{ user.name }}", scope={"user": {"name": "Ann"}}).value == "Hi Ann"
    )
    errors = evaluate_template("{{ nope.x }}", scope={}).errors
    assert len(errors) == 1
    assert errors[0].name == "ReferenceError"
    assert "nope" in errors[0].message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{{ 1 + 1 }}", 2),
        ("{{ 1.5 }}", 1.5),
        ("{{ null }}", None),
        ("{{ true }}", True),
        ("{{ ({a: [1, 'x']}) }}", {"a": [1, "x"]}),
        ("{{ 'text' }}", "text"),
    ],
)
def test_single_binding_keeps_its_type(text: str, expected: object) -> None:
    result = evaluate_template(text)
    assert result.errors == ()
    assert result.value == expected
    assert type(result.value) is type(expected)


def test_undefined_is_its_own_value() -> None:
    assert evaluate_template("{{ undefined }}").value is UNDEFINED
    assert evaluate_template("{{}}").value is UNDEFINED
    assert not UNDEFINED


def test_mixed_text_concatenates_and_stringifies_objects() -> None:
    scope = {"o": {"a": 1}, "n": None, "b": False, "f": 2.0}
    result = evaluate_template("o={{ o }} n={{ n }} u={{ undefined }} b={{ b }} f={{ f }}", scope)
    assert result.value == 'o={\n  "a": 1\n} n= u= b=false f=2'


def test_modern_javascript_works() -> None:
    scope = {"rows": [{"id": 1, "tags": ["a"]}, {"id": 2}]}
    code = (
        "{{ (() => { const [first, ...rest] = rows; const { id } = first;"
        " return `${id}:${rest.length}:${rows[1]?.tags?.[0] ?? 'none'}`; })() }}"
    )
    assert evaluate_template(code, scope).value == "1:1:none"


def test_text_without_bindings_is_returned_as_is() -> None:
    assert evaluate_template("plain").value == "plain"
    assert evaluate_template("{{ {{").value == "{{ {{"


def test_thrown_error_names_the_error_and_binding() -> None:
    result = evaluate_template("A {{ (() => { throw new RangeError('bad') })() }}")
    assert result.value is UNDEFINED
    (error,) = result.errors
    assert (error.code, error.name, error.message) == ("js_exception", "RangeError", "bad")
    assert error.binding == "A {{ (() => { throw new RangeError('bad') })() }}"


def test_thrown_non_error_is_reported() -> None:
    (error,) = evaluate_template("{{ (() => { throw 42 })() }}").errors
    assert error.name == "Error"
    assert "42" in error.message


def test_syntax_error_has_line_and_column() -> None:
    (error,) = evaluate_template("{{ a +\n  * b }}").errors
    assert error.code == "syntax_error"
    assert error.name == "SyntaxError"
    assert (error.line, error.column) == (2, 3)


@pytest.mark.parametrize(
    ("text", "message", "where"),
    [
        # A ")" with no "(" closes the parser's wrapper: still placed where typed.
        ("{{FilePicker1.files.length + ' files')}}", "Unexpected token ')'", (1, 36)),
        ("{{\n  a +\n  b )\n}}", "Unexpected token ')'", (3, 5)),
        ("{{ a b }}", "Unexpected identifier 'b'", (1, 4)),
        ("{{\n  a\n  b\n}}", "Unexpected identifier 'b'", (3, 3)),
        # Ending early: just past the code's last character, not in the wrapper.
        ("{{ (a + b }}", "unexpected end of the binding", (1, 8)),
        ("{{\n  Text1.\n}}", "expecting field name", (2, 9)),
        # Columns count characters, not UTF-8 bytes.
        ("{{ 'éé' b }}", "Unexpected identifier 'b'", (1, 7)),
        ("Files: {{ (a + }} and {{ ok }}", "unexpected end of the binding", (1, 6)),
    ],
)
def test_syntax_error_positions_count_from_the_binding_as_typed(
    text: str, message: str, where: tuple[int, int]
) -> None:
    (error,) = evaluate_template(text, {"a": 1, "b": 2, "ok": 3, "Text1": {}}).errors
    assert (error.code, error.message) == ("syntax_error", message)
    assert (error.line, error.column) == where
    assert "line" not in error.message


@pytest.mark.parametrize("text", ["{{ a.b.c }}", "{{\n  1 +\n  a.b.c\n}}"])
def test_runtime_errors_carry_no_position(text: str) -> None:
    (error,) = evaluate_template(text, {"a": {}}).errors
    assert (error.code, error.name) == ("js_exception", "TypeError")
    assert (error.line, error.column) == (None, None)
    assert "line" not in error.to_dict() and "input" not in error.message


def test_statement_injection_is_a_syntax_error() -> None:
    (error,) = evaluate_template("{{ 1); globalThis.x = 1; (1 }}").errors
    assert error.code == "syntax_error"
    assert "single expression" in error.message


def test_scope_must_be_json() -> None:
    with pytest.raises(InvalidRuntimeInput, match="JSON"):
        evaluate_template("{{ a }}", {"a": object()})


def test_errors_serialise() -> None:
    result = evaluate_template("{{ nope }}")
    data = json.loads(json.dumps(result.to_dict()))
    assert data["errors"][0]["name"] == "ReferenceError"
    assert "value" not in data
    assert evaluate_template("{{ 1 }}").to_dict() == {"errors": [], "value": 1}


# -- JSON bodies --------------------------------------------------------------

FILE = {"name": 'report "final".pdf', "size": 3, "type": "application/pdf", "data": "blob:abc"}


def test_json_body_quotes_string_bindings() -> None:
    result = evaluate_json_template('{"name": {{ name }}, "n": {{ n }}}', {"name": "Ann", "n": 2})
    assert json.loads(result.value) == {"name": "Ann", "n": 2}


def test_json_body_escapes_bindings_inside_strings() -> None:
    body = '{"path": "/{{ f.name }}", "mode": "add", "autorename": true}'
    result = evaluate_json_template(body, {"f": FILE})
    assert json.loads(result.value) == {
        "path": '/report "final".pdf',
        "mode": "add",
        "autorename": True,
    }


def test_json_body_keeps_escaped_quotes_in_static_text() -> None:
    body = '{"a": "say \\"{{ x }}\\"", "b": {{ x }}}'
    assert json.loads(evaluate_json_template(body, {"x": "hi"}).value) == {
        "a": 'say "hi"',
        "b": "hi",
    }


def test_json_body_single_binding_keeps_the_file_reference() -> None:
    assert evaluate_json_template("{{ f.data }}", {"f": FILE}).value == "blob:abc"
    assert evaluate_json_template("{{ f }}", {"f": FILE}).value == FILE
    assert is_file_reference(FILE)
    assert is_file_reference("blob:abc")
    assert not is_file_reference({"data": "text"})


def test_json_body_embeds_file_as_reference_not_content() -> None:
    result = evaluate_json_template('{"file": {{ f }}}', {"f": FILE})
    assert json.loads(result.value) == {"file": FILE}


def test_json_body_failed_binding_becomes_null_and_is_reported() -> None:
    result = evaluate_json_template('{"a": {{ missing }}, "b": "{{ a b }}"}', {})
    assert json.loads(result.value) == {"a": None, "b": ""}
    assert sorted(e.code for e in result.errors) == ["js_exception", "syntax_error"]


def test_json_body_without_bindings_is_unchanged() -> None:
    assert evaluate_json_template('{"a": 1}').value == '{"a": 1}'


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, ""), (UNDEFINED, ""), (True, "true"), (2.0, "2"), (2.5, "2.5"), ([1], "[\n  1\n]")],
)
def test_js_string(value: object, expected: str) -> None:
    assert js_string(value) == expected


def test_scope_keys_that_are_not_identifiers_are_not_visible() -> None:
    result = evaluate_template("{{ typeof this }}-{{ ok }}", {"my-key": 1, "class": 2, "ok": 3})
    assert result.value == "undefined-3"


def test_dropbox_api_arg_header_from_the_design() -> None:
    header = (
        '{"path": "/{{FilePicker1.files[0].name}}", "mode": "add", "autorename": true, '
        '"mute": false, "strict_conflict": false}'
    )
    scope = {"FilePicker1": {"files": [FILE]}}
    result = evaluate_json_template(header, scope)
    assert result.errors == ()
    assert json.loads(result.value)["path"] == '/report "final".pdf'
    body = evaluate_json_template("{{FilePicker1.files[0].data}}", scope)
    assert body.value == "blob:abc"


@pytest.mark.parametrize(
    "name",
    [
        'Ann "final" CV.txt',
        "C:\\temp\\a.txt",
        "two\nlines\r\tand tab.txt",
        '\\"',  # a backslash then a quote: neither may end the string
        "ctrl \x00\x1f\x7f.txt",
        "{{ x }} and }}{{",
    ],
    ids=["quotes", "backslashes", "newlines", "backslash-quote", "control", "braces"],
)
def test_a_binding_inside_a_json_string_with_text_around_it_is_escaped(name: str) -> None:
    result = evaluate_json_template('{"path": "/{{ f }}/", "n": 1}', {"f": name})
    assert result.errors == ()
    assert json.loads(result.value) == {"path": f"/{name}/", "n": 1}


def test_non_ascii_inside_a_json_string_is_left_for_the_executor() -> None:
    # The HTTP executor writes it as \uXXXX where it must be ASCII (a header).
    result = evaluate_json_template('{"path": "/{{ f }}"}', {"f": "Résumé ☃ 日本"})
    assert result.value == '{"path": "/Résumé ☃ 日本"}'


def test_non_strings_inside_a_json_string_are_written_as_javascript_would() -> None:
    template = '{"a": "n={{ n }} t={{ t }} z={{ z }} u={{ o.nope }} o={{ o }}"}'
    scope = {"n": 2.0, "t": True, "z": None, "o": {"k": '"v"'}}
    text = json.loads(evaluate_json_template(template, scope).value)["a"]
    assert text.startswith("n=2 t=true z= u= o=")
    assert json.loads(text.split("o=", 1)[1]) == {"k": '"v"'}


class RefusingEngine:
    """The real engine, except that its verification refuses every function."""

    name = "refusing"

    def __init__(self) -> None:
        self.inner = get_engine()

    def run(self, program: Any, state_json: str, order: Any = None) -> Any:
        return self.inner.run(program, state_json, order)

    def syntax_error(self, code: str) -> Any:
        return self.inner.syntax_error(code)

    def verify(self, program: Any) -> set[int]:
        return set(range(len(program.functions)))


def test_refused_template_is_an_error_not_a_crash() -> None:
    engine = RefusingEngine()
    result = evaluate_template("a {{ 1 }}", engine=engine)
    assert result.value is UNDEFINED
    assert result.errors[0].code == "syntax_error"
    body = evaluate_json_template('{"a": {{ 1 }}}', engine=engine)
    assert json.loads(body.value) == {"a": None}
    assert body.errors[0].code == "syntax_error"


# -- this_value: `this` in bindings (a query's `this.params`) --------------------------

THIS = {"params": {"id": 3, "name": "Ann"}}


def test_this_value_is_this_in_a_binding() -> None:
    assert evaluate_template("{{ this.params.id }}", {}, this_value=THIS).value == 3


def test_this_value_in_text_with_several_bindings() -> None:
    result = evaluate_template(
        "/users/{{ this.params.id }}/{{ A.x }}", {"A": {"x": "y"}}, this_value=THIS
    )
    assert result.value == "/users/3/y"


def test_arrow_functions_keep_this() -> None:
    result = evaluate_template("{{ [1, 2].map(n => this.params.id * n) }}", {}, this_value=THIS)
    assert result.value == [3, 6]


def test_this_value_in_a_json_body() -> None:
    body = '{"id": {{ this.params.id }}, "who": "Dr {{ this.params.name }}", "a": {{ A }}}'
    result = evaluate_json_template(body, {"A": [1]}, this_value=THIS)
    assert json.loads(result.value) == {"id": 3, "who": "Dr Ann", "a": [1]}


def test_this_value_in_a_single_binding_json_body() -> None:
    assert evaluate_json_template("{{ this.params }}", {}, this_value=THIS).value == THIS["params"]


def test_this_is_undefined_without_this_value() -> None:
    assert evaluate_template("{{ typeof this }}", {}).value == "undefined"
    assert evaluate_template("{{ this.params }}", {}).errors[0].name == "TypeError"


def test_this_value_may_be_null() -> None:
    assert evaluate_template("{{ this === null }}", {}, this_value=None).value is True


def test_this_value_is_a_fresh_copy_each_time() -> None:
    code = "{{ (this.params.n = (this.params.n || 0) + 1) }}"
    assert evaluate_template(code, {}, this_value={"params": {}}).value == 1
    assert evaluate_template(code, {}, this_value={"params": {}}).value == 1


def test_this_value_must_be_json() -> None:
    with pytest.raises(InvalidRuntimeInput, match="this_value must be JSON data"):
        evaluate_template("{{ this }}", {}, this_value={"f": object()})


def test_the_this_key_is_reserved_in_the_scope() -> None:
    with pytest.raises(InvalidRuntimeInput, match="reserved"):
        evaluate_template("{{ 1 }}", {"__this": 1}, this_value={})


def test_this_value_does_not_change_the_cached_program_without_it() -> None:
    assert evaluate_template("{{ this?.x }}", {}, this_value={"x": 1}).value == 1
    assert evaluate_template("{{ this?.x }}", {}).value is UNDEFINED


def test_this_value_in_the_js2py_engine() -> None:
    pytest.importorskip("js2py")
    engine = get_engine("js2py")
    result = evaluate_template("a{{ this.params.id }}", {}, this_value=THIS, engine=engine)
    assert result.value == "a3"
