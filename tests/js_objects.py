"""Reading a browser module's object literal, for tests that hold it to a Python definition."""

from __future__ import annotations

from typing import Any

from runtime.js_scope_analysis import parser


def object_literal(source: str, name: str) -> dict[str, str | None]:
    """The top-level ``const name = {...}``: each key, with its value if that is a string.

    Shorthand entries (``{navigateTo, ...}``) and values that are not string
    literals map to None.
    """
    tree = parser().parse(source.encode())
    for statement in tree.root_node.named_children:
        if statement.type != "lexical_declaration":
            continue
        for declarator in statement.named_children:
            target = declarator.child_by_field_name("name")
            value = declarator.child_by_field_name("value")
            if target is None or value is None or target.text != name.encode():
                continue
            if value.type != "object":
                raise AssertionError(f"{name} is not an object literal")
            return dict(_entry(entry) for entry in value.named_children if entry.type != "comment")
    raise AssertionError(f"no top-level const {name}")


def _entry(entry: Any) -> tuple[str, str | None]:
    if entry.type != "pair":  # shorthand: `{ navigateTo }`
        return entry.text.decode(), None
    key = entry.child_by_field_name("key").text.decode().strip("\"'")
    value = entry.child_by_field_name("value")
    return key, value.text.decode()[1:-1] if value.type == "string" else None
