"""One binding's reads, found by parsing it alone and walking it with a scope chain.

A binding's JavaScript is parsed with tree-sitter's JavaScript grammar (a
real ES2023+ parser: optional chaining, template literals, destructuring,
async arrows). The walk keeps a scope chain, so a name declared inside the
binding (arrow or function parameters, ``let``/``const``/``var``, catch
parameters, destructuring) hides an entity of the same name, and names inside
strings, comments and property keys are never references.

For every free name the longest static member path is kept:
``FilePicker1.files[0].name`` reads ``FilePicker1.files``; ``Api1.data.map(f)``
reads ``Api1.data.map`` (the page graph trims it to a known property).
``var`` is treated as block-scoped, which can only add a dependency, never
lose one.

The analysis also proves that the source is exactly one expression, which is
what makes it safe to paste into the function wrapper the engine compiles
(the engine checks again with QuickJS's own parser before loading it).

This walk is the reference behaviour: :mod:`runtime.js_batch_analysis` reads
most of a page's bindings from one shared parse instead, and falls back to
:func:`analyse_alone` wherever it cannot prove it gives the same answer.
The cached public API is :mod:`runtime.js_analysis`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import tree_sitter_javascript
from tree_sitter import Language, Node, Parser

from runtime.errors import BindingError, JavaScriptSyntaxError, StackLimitExceeded

LANGUAGE = Language(tree_sitter_javascript.language())
# Bindings are wrapped as "(\n<code>\n)": one line before the user's code.
_PREFIX = "(\n"
_SUFFIX = "\n)"

_FUNCTIONS = frozenset(
    {
        "arrow_function",
        "function_expression",
        "function_declaration",
        "generator_function",
        "generator_function_declaration",
        "method_definition",
    }
)
_BLOCKS = frozenset({"statement_block", "class_body", "switch_body", "program"})
_DECLARATIONS = frozenset({"lexical_declaration", "variable_declaration"})
_SKIP = frozenset(
    {
        "comment",
        "string",
        "number",
        "regex",
        "property_identifier",
        "private_property_identifier",
        "statement_identifier",
        "true",
        "false",
        "null",
        "undefined",
        "meta_property",
        "hash_bang_line",
    }
)

Path = tuple[str, ...]
_local = threading.local()


def parser() -> Parser:
    """This thread's parser: tree-sitter parsers are not thread-safe."""
    current: Parser | None = getattr(_local, "parser", None)
    if current is None:
        current = _local.parser = Parser(LANGUAGE)
    return current


@dataclass(frozen=True)
class Analysis:
    """Result of analysing one binding: the paths it reads, or why it can't run."""

    reads: tuple[Path, ...]
    error: BindingError | None = None
    roots: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        # Cached with the analysis: every compile of every page asks for it.
        object.__setattr__(self, "roots", frozenset(path[0] for path in self.reads))


class ScopeWalker:
    """Walks a parsed binding with a scope chain, collecting the member paths it reads.

    `runtime.renaming` subclasses it to find where a name occurs free.
    """

    def __init__(self, source: bytes, max_depth: int) -> None:
        self.source = source
        self.max_depth = max_depth
        self.reads: dict[Path, None] = {}

    def text(self, node: Node) -> str:
        return self.source[node.start_byte : node.end_byte].decode()

    def free_name(self, node: Node, name: str) -> None:
        """Called for each free occurrence of a name; `runtime.renaming` records them."""

    def visit(self, node: Node, scope: frozenset[str], depth: int) -> None:
        if depth > self.max_depth:
            raise StackLimitExceeded(f"binding is nested more than {self.max_depth} levels deep")
        kind = node.type
        if kind in _SKIP:
            return
        if kind == "identifier" or kind == "shorthand_property_identifier":
            name = self.text(node)
            if name not in scope:
                self.reads[(name,)] = None
                self.free_name(node, name)
        elif kind == "this":
            self.reads[("this",)] = None
        elif kind in ("member_expression", "subscript_expression"):
            self.visit_member(node, scope, depth)
        elif kind in _FUNCTIONS:
            self.visit_function(node, scope, depth)
        elif kind in _BLOCKS:
            inner = scope | self.block_declarations(node)
            for child in node.named_children:
                self.visit(child, inner, depth + 1)
        elif kind == "variable_declarator":
            self.visit_pattern(node.child_by_field_name("name"), scope, depth)
            value = node.child_by_field_name("value")
            if value is not None:
                self.visit(value, scope, depth + 1)
        elif kind == "catch_clause":
            param = node.child_by_field_name("parameter")
            self.visit_declaring(node, param, set(), scope, depth)
        elif kind == "for_statement":
            inner = scope | self.loop_declarations(node)
            for child in node.named_children:
                self.visit(child, inner, depth + 1)
        elif kind == "for_in_statement":
            inner = scope | self.loop_declarations(node)
            left = node.child_by_field_name("left")
            if node.child_by_field_name("kind") is not None:
                self.visit_pattern(left, inner, depth + 1)
            elif left is not None:
                self.visit(left, scope, depth + 1)
            for field_name in ("right", "body"):
                part = node.child_by_field_name(field_name)
                if part is not None:
                    self.visit(part, scope if field_name == "right" else inner, depth + 1)
        elif kind in ("class_declaration", "class"):
            class_name = node.child_by_field_name("name")
            inner = scope | ({self.text(class_name)} if class_name is not None else set())
            for child in node.named_children:
                if class_name is None or child.id != class_name.id:
                    self.visit(child, inner, depth + 1)
        elif kind == "pair":
            self.visit_computed_key(node, scope, depth)
            value = node.child_by_field_name("value")
            if value is not None:
                self.visit(value, scope, depth + 1)
        elif kind == "template_string":
            for child in node.named_children:
                if child.type == "template_substitution":
                    self.visit(child, scope, depth + 1)
        else:
            for child in node.named_children:
                self.visit(child, scope, depth + 1)

    def visit_member(self, node: Node, scope: frozenset[str], depth: int) -> None:
        # Unwind the chain to its base, remembering each step outermost-first.
        chain: list[Node] = []
        base = node
        while base.type in ("member_expression", "subscript_expression"):
            chain.append(base)
            base = base.child_by_field_name("object")  # type: ignore[assignment]
            if base is None:
                return
        path: list[str] | None = None
        if base.type == "identifier":
            name = self.text(base)
            path = None if name in scope else [name]
            if path is not None:
                self.free_name(base, name)
        elif base.type == "this":
            path = ["this"]
        else:
            self.visit(base, scope, depth + 1)
        for step in reversed(chain):
            if step.type == "member_expression":
                prop = step.child_by_field_name("property")
                if path is not None and prop is not None and prop.type == "property_identifier":
                    path.append(self.text(prop))
                elif path is not None:
                    self.reads[tuple(path)] = None
                    path = None
            else:
                index = step.child_by_field_name("index")
                key = _string_literal(index, self) if index is not None else None
                if path is not None and key is not None:
                    path.append(key)
                else:
                    if path is not None:
                        self.reads[tuple(path)] = None
                        path = None
                    if index is not None:
                        self.visit(index, scope, depth + 1)
        if path is not None:
            self.reads[tuple(path)] = None

    def visit_function(self, node: Node, scope: frozenset[str], depth: int) -> None:
        names: set[str] = set()
        name = node.child_by_field_name("name")
        if name is not None and node.type != "method_definition":
            names.add(self.text(name))
        elif name is not None and name.type == "computed_property_name":
            self.visit(name, scope, depth + 1)
        params = node.child_by_field_name("parameters") or node.child_by_field_name("parameter")
        self.visit_declaring(node, params, names, scope, depth)

    def visit_declaring(
        self, node: Node, params: Node | None, names: set[str], scope: frozenset[str], depth: int
    ) -> None:
        """Visit ``params`` and ``node``'s body in a scope that adds ``names`` and theirs.

        Functions and catch clauses alike: a parameter's default can see the
        other parameters, and the body sees them all.
        """
        if params is not None:
            names |= self.pattern_names(params)
        inner = scope | names
        if params is not None:
            self.visit_pattern(params, inner, depth)
        body = node.child_by_field_name("body")
        if body is not None:
            self.visit(body, inner, depth + 1)

    def visit_pattern(self, node: Node | None, scope: frozenset[str], depth: int) -> None:
        """Visit only the expressions inside a binding pattern (defaults, computed keys)."""
        if node is None:
            return
        if depth > self.max_depth:
            raise StackLimitExceeded(f"binding is nested more than {self.max_depth} levels deep")
        kind = node.type
        if kind in ("assignment_pattern", "object_assignment_pattern"):
            self.visit_pattern(node.child_by_field_name("left"), scope, depth + 1)
            right = node.child_by_field_name("right")
            if right is not None:
                self.visit(right, scope, depth + 1)
        elif kind == "pair_pattern":
            self.visit_computed_key(node, scope, depth)
            self.visit_pattern(node.child_by_field_name("value"), scope, depth + 1)
        elif kind in ("object_pattern", "array_pattern", "formal_parameters", "rest_pattern"):
            for child in node.named_children:
                self.visit_pattern(child, scope, depth + 1)
        elif kind in ("member_expression", "subscript_expression"):
            self.visit(node, scope, depth + 1)  # `[a.b] = x` assigns through a reference

    def visit_computed_key(self, node: Node, scope: frozenset[str], depth: int) -> None:
        # `{[k]: v}` reads k; a plain key is a name, never a reference.
        key = node.child_by_field_name("key")
        if key is not None and key.type == "computed_property_name":
            self.visit(key, scope, depth + 1)

    def pattern_names(self, node: Node) -> set[str]:
        names: set[str] = set()
        stack = [node]
        while stack:
            current = stack.pop()
            kind = current.type
            if kind in ("identifier", "shorthand_property_identifier_pattern"):
                names.add(self.text(current))
            elif kind in ("assignment_pattern", "object_assignment_pattern"):
                left = current.child_by_field_name("left")
                if left is not None:
                    stack.append(left)
            elif kind == "pair_pattern":
                value = current.child_by_field_name("value")
                if value is not None:
                    stack.append(value)
            elif kind in ("object_pattern", "array_pattern", "formal_parameters", "rest_pattern"):
                stack.extend(current.named_children)
        return names

    def block_declarations(self, block: Node) -> set[str]:
        names: set[str] = set()
        for child in block.named_children:
            if child.type in _DECLARATIONS:
                names |= self.declaration_names(child)
            elif child.type in (
                "function_declaration",
                "generator_function_declaration",
                "class_declaration",
            ):
                name = child.child_by_field_name("name")
                if name is not None:
                    names.add(self.text(name))
        return names

    def loop_declarations(self, node: Node) -> set[str]:
        if node.type == "for_statement":
            init = node.child_by_field_name("initializer")
            if init is not None and init.type in _DECLARATIONS:
                return self.declaration_names(init)
            return set()
        left = node.child_by_field_name("left")
        if left is not None and node.child_by_field_name("kind") is not None:
            return self.pattern_names(left)
        return set()

    def declaration_names(self, declaration: Node) -> set[str]:
        # Only declarators have a name; the other named children are comments.
        names: set[str] = set()
        for declarator in declaration.named_children:
            target = declarator.child_by_field_name("name")
            if target is not None:
                names |= self.pattern_names(target)
        return names


def _string_literal(node: Node, walker: ScopeWalker) -> str | None:
    if node.type != "string":
        return None
    fragments = [c for c in node.named_children if c.type == "string_fragment"]
    if len(fragments) != len(node.named_children):
        return None  # escape sequences: not worth decoding for a dependency path
    return "".join(walker.text(c) for c in fragments)


def first_error(node: Node) -> Node | None:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.is_error or current.is_missing:
            return current
        if current.has_error:
            stack.extend(reversed(current.children))
    return None


def analyse_alone(code: str, max_depth: int) -> Analysis:
    """Parse one binding on its own and walk it (any binding; the reference behaviour)."""
    source = (_PREFIX + code + _SUFFIX).encode()
    tree = parser().parse(source)
    root = tree.root_node
    error_node = first_error(root)
    if error_node is not None:
        # Rows count from the wrapper's "(" line, so row 1 is the code's line 1.
        row, column = error_node.start_point
        what = f"missing {error_node.type}" if error_node.is_missing else "unexpected token"
        error = JavaScriptSyntaxError(what, line=max(row, 1), column=column + 1)
        return Analysis((), error.in_binding(code))
    statement = root.named_children[0] if root.named_child_count == 1 else None
    expression = statement.named_children[0] if statement is not None else None
    if (
        statement is None
        or statement.type != "expression_statement"
        or statement.named_child_count != 1
        or expression is None
        or expression.type != "parenthesized_expression"
        or expression.start_byte != 0
        or expression.end_byte != len(source)
    ):
        # e.g. "1); evil(); (1": valid JavaScript, but not one expression.
        return Analysis((), JavaScriptSyntaxError("a binding must be a single expression"))
    walker = ScopeWalker(source, max_depth)
    try:
        walker.visit(expression, frozenset(), 0)
    except StackLimitExceeded as exc:
        return Analysis((), exc)
    return Analysis(tuple(walker.reads))
