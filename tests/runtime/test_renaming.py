"""Renaming an entity in bindings and handlers: free identifiers only."""

from __future__ import annotations

import pytest

from runtime.errors import InvalidRuntimeInput
from runtime.renaming import free_name_ranges, rename_free_identifier, rename_in_template


@pytest.mark.parametrize(
    ("text", "renamed"),
    [
        ("{{Text1.text}}", "{{Title.text}}"),
        ("{{ Text1 }}", "{{ Title }}"),
        (
            "Hi {{Text1.text}} and {{ Text1.isVisible }}!",
            "Hi {{Title.text}} and {{ Title.isVisible }}!",
        ),
        ("{{ Api1.data[Text1.text] }}", "{{ Api1.data[Title.text] }}"),
        ("{{ `${Text1.text}!` }}", "{{ `${Title.text}!` }}"),
        ("{{ Text1?.text ?? '' }}", "{{ Title?.text ?? '' }}"),
        ("{{ {[Text1.text]: 1} }}", "{{ {[Title.text]: 1} }}"),
        ("{{ items.map(i => i + Text1.text) }}", "{{ items.map(i => i + Title.text) }}"),
        ("{{ ((a = Text1) => a)() }}", "{{ ((a = Title) => a)() }}"),
        ("{{ typeof Text1 }}", "{{ typeof Title }}"),
        # A shorthand property keeps its key.
        ("{{ {Text1} }}", "{{ {Text1: Title} }}"),
        # Non-ASCII text before the name: offsets are bytes, not characters.
        ("é{{ 'ü' + Text1.text }}", "é{{ 'ü' + Title.text }}"),
    ],
)
def test_free_occurrences_are_renamed(text: str, renamed: str) -> None:
    assert rename_in_template(text, "Text1", "Title") == renamed


@pytest.mark.parametrize(
    "text",
    [
        "Text1 says hello",  # static text
        "Text1 {{ 1 }}",  # static text beside a binding
        "{{ x.Text1 }}",  # a property
        "{{ x?.Text1 }}",
        "{{ {Text1: 1} }}",  # an object key
        "{{ 'Text1' + \"Text1\" }}",  # strings
        "{{ `Text1` }}",
        "{{ 1 /* Text1 */ }}",  # a comment
        "{{ Text11 + MyText1 }}",  # other names
        "{{ (Text1) => Text1.text }}",  # a parameter that hides the entity
        "{{ [1].map(function (Text1) { return Text1 }) }}",
        "{{ (({Text1}) => Text1)(x) }}",  # a destructured parameter
        "{{ Text1.text + }}",  # a syntax error: left as it is
        "{{ 1 }}); Text1; ({{ 2 }}",
    ],
)
def test_what_is_not_a_free_reference_stays(text: str) -> None:
    assert rename_in_template(text, "Text1", "Title") == text


def test_handlers_read_as_a_function_body_are_renamed() -> None:
    handler = (
        "{{ const n = Text1.text.length;\n"
        "if (n) { showAlert(Text1.text) }\n"
        "Api1.run().then(() => { const Text1 = 2; return Text1 }); }}"
    )
    assert rename_in_template(handler, "Text1", "Title") == (
        "{{ const n = Title.text.length;\n"
        "if (n) { showAlert(Title.text) }\n"
        "Api1.run().then(() => { const Text1 = 2; return Text1 }); }}"
    )


def test_a_body_declaring_the_name_hides_the_entity_in_it() -> None:
    handler = "{{ let Text1 = 5; showAlert(Text1) }}"
    assert rename_in_template(handler, "Text1", "Title") == handler


def test_code_escaping_its_wrapper_is_left_alone() -> None:
    # Valid JavaScript around the wrapper, but neither one expression nor one body.
    escaping = "}); Text1.text; (async function () {"
    assert free_name_ranges(escaping, "Text1") == []


def test_an_action_is_renamed_in_its_run_and_its_data() -> None:
    handler = "{{Upload.run().then(() => showAlert('Stored ' + Upload.data.name))}}"
    assert rename_in_template(handler, "Upload", "Store") == (
        "{{Store.run().then(() => showAlert('Stored ' + Store.data.name))}}"
    )


def test_ranges_are_byte_offsets_with_the_shorthand_flag() -> None:
    assert free_name_ranges("{Text1, b: Text1}", "Text1") == [(1, 6, True), (11, 16, False)]
    assert free_name_ranges("'é' + Text1", "Text1") == [(7, 12, False)]


def test_code_nested_too_deep_is_left_alone() -> None:
    code = "(" * 300 + "Text1" + ")" * 300
    assert rename_free_identifier(code, "Text1", "Title") == code


@pytest.mark.parametrize("new_name", ["", "1abc", "a-b", "class"])
def test_the_new_name_must_be_an_identifier(new_name: str) -> None:
    with pytest.raises(InvalidRuntimeInput):
        rename_free_identifier("Text1", "Text1", new_name)
