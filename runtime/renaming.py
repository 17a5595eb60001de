"""Renaming an entity in the code that refers to it: ``Text1`` -> ``Title``.

When a widget or an action is renamed, every binding and event handler that
reads it must follow. Only *free* occurrences of the name change, as the
runtime's own dependency analysis sees them (:class:`ScopeWalker`, the
tree-sitter walk with a scope chain): ``Text1.text`` and ``Text1`` in ``[Text1]``
change; ``x.Text1`` (a property), ``{Text1: 1}`` (a key), ``'Text1'`` (a
string), a comment, and a ``Text1`` declared inside the code (a parameter, a
``const``) that hides the entity do not. A shorthand property keeps its key:
``{Text1}`` becomes ``{Text1: Title}``.

Code is read as the runtime reads it: a binding is one expression, a handler
segment is an expression or else a function body (`runtime.triggers`). Code
that reads as neither (a syntax error) is left as it is: nothing in it can be
told apart safely. ``var`` counts as block-scoped, as in the analysis, so a
``var`` of the entity's name declared in an inner block hides the entity only
there.
"""

from __future__ import annotations

from tree_sitter import Node

from runtime.errors import InvalidRuntimeInput, StackLimitExceeded
from runtime.js_scope_analysis import ScopeWalker, first_error, parser
from runtime.program import is_identifier
from runtime.segments import Binding, parse_template

__all__ = ["free_name_ranges", "rename_free_identifier", "rename_in_template"]

MAX_DEPTH = 200

_EXPRESSION = ("(\n", "\n)")
_BODY = ("(async function () {\n", "\n})")


class _Occurrences(ScopeWalker):
    """The walk of the analysis, keeping where one name occurs free."""

    def __init__(self, source: bytes, name: str) -> None:
        super().__init__(source, MAX_DEPTH)
        self.name = name
        self.found: list[Node] = []

    def free_name(self, node: Node, name: str) -> None:
        if name == self.name:
            self.found.append(node)


def _parsed(code: str) -> tuple[bytes, Node, int] | None:
    """(source, the node to walk, where the code starts in source), or None if it won't parse."""
    for prefix, suffix in (_EXPRESSION, _BODY):
        source = (prefix + code + suffix).encode()
        root = parser().parse(source).root_node
        if first_error(root) is not None or root.named_child_count != 1:
            continue
        statement = root.named_children[0]
        wrapper = statement.named_children[0] if statement.named_child_count == 1 else None
        if (
            statement.type != "expression_statement"
            or wrapper is None
            or wrapper.type != "parenthesized_expression"
            or (wrapper.start_byte, wrapper.end_byte) != (0, len(source))
        ):
            continue  # the code escapes its wrapper: not one expression or one body
        if prefix == _EXPRESSION[0]:
            return source, wrapper, len(prefix.encode())
        function = wrapper.named_children[0] if wrapper.named_child_count == 1 else None
        body = function.child_by_field_name("body") if function is not None else None
        if function is not None and function.type == "function_expression" and body is not None:
            return source, body, len(prefix.encode())
    return None


def free_name_ranges(code: str, name: str) -> list[tuple[int, int, bool]]:
    """Where ``name`` occurs free in ``code``: (start, end, is shorthand) in UTF-8 bytes.

    Empty when it does not, or when the code cannot run (not valid JavaScript,
    nested deeper than the analysis goes).
    """
    parsed = _parsed(code)
    if parsed is None:
        return []
    source, node, offset = parsed
    walker = _Occurrences(source, name)
    try:
        walker.visit(node, frozenset(), 0)
    except StackLimitExceeded:  # too deep to run, as the analysis reports it
        return []
    return [
        (
            found.start_byte - offset,
            found.end_byte - offset,
            found.type == "shorthand_property_identifier",
        )
        for found in walker.found
    ]


def rename_free_identifier(code: str, old_name: str, new_name: str) -> str:
    """``code`` (one binding's or handler segment's JavaScript) with ``old_name`` renamed."""
    if not is_identifier(new_name):
        raise InvalidRuntimeInput(f"{new_name!r} is not an identifier")
    ranges = free_name_ranges(code, old_name)
    if not ranges:
        return code
    renamed = code.encode()
    replacement = new_name.encode()
    for start, end, shorthand in sorted(ranges, reverse=True):
        # A shorthand property is also its key: `{Text1}` means `{Text1: Text1}`.
        text = old_name.encode() + b": " + replacement if shorthand else replacement
        renamed = renamed[:start] + text + renamed[end:]
    return renamed.decode()


def rename_in_template(text: str, old_name: str, new_name: str) -> str:
    """A property value with ``old_name`` renamed in each of its ``{{ }}`` bindings.

    Static text outside the braces never changes: ``Text1 says {{Text1.text}}``
    becomes ``Text1 says {{Title.text}}``.
    """
    if old_name not in text:
        return text
    parts = parse_template(text).parts
    if not any(isinstance(part, Binding) for part in parts):
        return text
    return "".join(
        "{{" + rename_free_identifier(part.code, old_name, new_name) + "}}"
        if isinstance(part, Binding)
        else part
        for part in parts
    )
