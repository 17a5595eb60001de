"""Bindings in a query's URL and form body: each value encoded for where it sits."""

from __future__ import annotations

from typing import Any

import pytest

from runtime import UNDEFINED, evaluate_form_template, evaluate_url_template
from runtime.url_template import substitute_url

ATTACK = "../../admin?x=1#frag"


@pytest.mark.parametrize(
    ("value", "path"),
    [
        (ATTACK, "p/..%2F..%2Fadmin%3Fx%3D1%23frag"),
        ("a/b", "p/a%2Fb"),
        ("%2F", "p/%252F"),
        ("..", "p/%2E%2E"),
        (".", "p/%2E"),
        ("...", "p/..."),
        ("?x=1", "p/%3Fx%3D1"),
        ("#f", "p/%23f"),
        ("..;", "p/..%3B"),
        ("a\\b", "p/a%5Cb"),
        ("Résumé ☃", "p/R%C3%A9sum%C3%A9%20%E2%98%83"),
        ("", "p/"),
        ("-._~AZaz09", "p/-._~AZaz09"),
    ],
)
def test_a_value_in_a_path_segment_is_one_segment(value: str, path: str) -> None:
    result = evaluate_url_template("p/{{ x }}", {"x": value})
    assert result.errors == ()
    assert result.value == path


@pytest.mark.parametrize(
    ("value", "path"),
    [
        (ATTACK, "items?q=..%2F..%2Fadmin%3Fx%3D1%23frag&n=1"),
        ("a&admin=1", "items?q=a%26admin%3D1&n=1"),
        ("a+b c", "items?q=a%2Bb%20c&n=1"),
        ("100%", "items?q=100%25&n=1"),
        ("日本", "items?q=%E6%97%A5%E6%9C%AC&n=1"),
        ("", "items?q=&n=1"),
    ],
)
def test_a_value_in_the_query_string_is_one_query_value(value: str, path: str) -> None:
    assert evaluate_url_template("items?q={{ x }}&n=1", {"x": value}).value == path


def test_dot_segments_that_bindings_make_stay_segments() -> None:
    scope = {"dot": ".", "empty": ""}
    assert evaluate_url_template("a/{{dot}}{{dot}}/b", scope).value == "a/%2E%2E/b"
    assert evaluate_url_template("a/.{{empty}}/b", scope).value == "a/%2E/b"
    assert evaluate_url_template("a/.{{dot}}/b", scope).value == "a/%2E%2E/b"
    # The developer's own dot segments are left for the URL to resolve.
    assert evaluate_url_template("a/../{{dot}}x", scope).value == "a/../.x"


def test_typed_text_keeps_its_meaning() -> None:
    scope = {"id": "doc 1"}
    assert evaluate_url_template("v1/{{id}}:batchUpdate", scope).value == "v1/doc%201:batchUpdate"
    assert evaluate_url_template("a%2Fb/{{id}}?x=a b#top", scope).value == (
        "a%2Fb/doc%201?x=a b#top"
    )
    assert evaluate_url_template("?q={{id}}", scope).value == "?q=doc%201"
    assert evaluate_url_template("x#{{id}}", scope).value == "x#doc%201"


@pytest.mark.parametrize(
    ("value", "path"),
    [
        ("//evil.test/", "evil.test%2F/x"),
        ("@evil.test", "%40evil.test/x"),
        ("https://evil.test/", "https%3A%2F%2Fevil.test%2F/x"),
        ("/reports", "reports/x"),
        ("/", "/x"),
    ],
)
def test_a_binding_opening_a_relative_path_is_a_segment_without_leading_slashes(
    value: str, path: str
) -> None:
    # The executor drops a relative path's leading "/" when it joins it to the
    # datasource URL; a value there loses them the same way, then is encoded.
    assert evaluate_url_template("{{x}}/x", {"x": value}).value == path


def test_a_binding_after_the_host_of_a_full_url_is_a_segment() -> None:
    result = evaluate_url_template("https://api.example.com/{{x}}", {"x": "/a/../b"})
    assert result.value == "https://api.example.com/%2Fa%2F..%2Fb"


@pytest.mark.parametrize(
    "text",
    [
        "https://{{x}}/p",
        "https://api.{{x}}/p",
        "https://api.example.com:{{x}}/p",
        "https://api.example.com{{x}}",
        "http{{x}}://api.example.com/p",
        "{{x}}://api.example.com/p",
    ],
)
def test_a_binding_in_the_scheme_host_or_port_is_refused(text: str) -> None:
    result = evaluate_url_template(text, {"x": "evil.test"})
    assert result.value is UNDEFINED
    [error] = result.errors
    assert error.code == "binding_in_url_origin"
    assert "scheme, host or port" in error.message
    assert error.binding == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (3, "p/3"),
        (1.5, "p/1.5"),
        (True, "p/true"),
        (None, "p/"),
        ({"a": 1}, "p/%7B%0A%20%20%22a%22%3A%201%0A%7D"),
    ],
)
def test_values_are_written_as_javascript_would_then_encoded(value: Any, text: str) -> None:
    assert evaluate_url_template("p/{{x}}", {"x": value}).value == text


def test_a_single_binding_is_text_too() -> None:
    assert evaluate_url_template("{{x}}", {"x": 7}).value == "7"
    assert evaluate_url_template("{{x}}", {"x": "a/b"}).value == "a%2Fb"


def test_a_failed_binding_fails_the_url() -> None:
    result = evaluate_url_template("p/{{ok}}/{{nope.x}}", {"ok": 1})
    assert result.value is UNDEFINED
    [error] = result.errors
    assert error.name == "ReferenceError"
    assert error.binding == "{{nope.x}}"


def test_text_without_bindings_is_returned_as_is() -> None:
    assert evaluate_url_template("../a b?x=%zz").value == "../a b?x=%zz"


def test_this_value_is_this() -> None:
    result = evaluate_url_template("p/{{this.params.id}}", this_value={"params": {"id": "a/b"}})
    assert result.value == "p/a%2Fb"


def test_substitute_url_takes_parts_and_values() -> None:
    assert substitute_url(["p/", None, "?q=", None], ["a/b", "c&d"]) == "p/a%2Fb?q=c%26d"


def test_a_form_body_encodes_each_value_as_a_form_value() -> None:
    result = evaluate_form_template("a={{x}}&b={{y}}", {"x": "1&admin=1", "y": "é +"})
    assert result.value == "a=1%26admin%3D1&b=%C3%A9%20%2B"


def test_a_form_body_that_is_one_binding_keeps_its_value() -> None:
    assert evaluate_form_template("{{x}}", {"x": "a=1&b=2"}).value == "a=1&b=2"
    assert evaluate_form_template("{{x}}", {"x": {"a": 1}}).value == {"a": 1}


class TestWithoutABaseUrl:
    """A query without a datasource URL: an opening binding is the URL's start."""

    def url(self, text: str, scope: dict[str, Any]) -> Any:
        return evaluate_url_template(text, scope, has_base_url=False)

    def test_a_path_that_is_one_binding_is_the_url(self) -> None:
        result = self.url("{{u}}", {"u": "http://169.254.169.254/latest/?a=1#f"})
        assert result.value == "http://169.254.169.254/latest/?a=1#f"

    def test_later_bindings_are_encoded_for_where_they_sit(self) -> None:
        scope = {"base": "https://api.example.com/v1?k=1", "id": "a/b&c"}
        result = self.url("{{base}}&q={{id}}", scope)
        assert result.value == "https://api.example.com/v1?k=1&q=a%2Fb%26c"
        result = self.url("{{base}}/items/{{id}}", {**scope, "base": "https://api.example.com"})
        assert result.value == "https://api.example.com/items/a%2Fb%26c"

    def test_a_binding_in_a_typed_host_is_still_refused(self) -> None:
        result = self.url("https://{{h}}/p", {"h": "evil.test"})
        assert [error.code for error in result.errors] == ["binding_in_url_origin"]
        result = self.url("{{s}}://{{h}}/p", {"s": "https", "h": "evil.test"})
        assert [error.code for error in result.errors] == ["binding_in_url_origin"]
        assert self.url("{{s}}://api.example.com/{{p}}", {"s": "https", "p": "a/b"}).value == (
            "https://api.example.com/a%2Fb"
        )
