"""What a binding reads: free names and their member paths, found by parsing.

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

``analyse_expression`` parses one binding; ``analyse_expressions`` parses a
whole page's bindings in one tree-sitter parse and reads most of them
through a query instead of the Python walk, with the same results (see the
comment above ``_batch``). Both fill one cache.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field

import tree_sitter_javascript
from tree_sitter import Language, Node, Parser, Query, QueryCursor

from runtime.errors import BindingError, JavaScriptSyntaxError, StackLimitExceeded

_LANGUAGE = Language(tree_sitter_javascript.language())
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


def _parser() -> Parser:
    # One parser per thread: tree-sitter parsers are not thread-safe.
    parser: Parser | None = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = Parser(_LANGUAGE)
    return parser


@dataclass(frozen=True)
class Analysis:
    """Result of analysing one binding: the paths it reads, or why it can't run."""

    reads: tuple[Path, ...]
    error: BindingError | None = None
    roots: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        # Cached with the analysis: every compile of every page asks for it.
        object.__setattr__(self, "roots", frozenset(path[0] for path in self.reads))


class _Walker:
    def __init__(self, source: bytes, max_depth: int) -> None:
        self.source = source
        self.max_depth = max_depth
        self.reads: dict[Path, None] = {}

    def text(self, node: Node) -> str:
        return self.source[node.start_byte : node.end_byte].decode()

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
            names = self.pattern_names(param) if param is not None else set()
            inner = scope | names
            if param is not None:
                self.visit_pattern(param, inner, depth)
            body = node.child_by_field_name("body")
            if body is not None:
                self.visit(body, inner, depth + 1)
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
            key = node.child_by_field_name("key")
            if key is not None and key.type == "computed_property_name":
                self.visit(key, scope, depth + 1)
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
            key = node.child_by_field_name("key")
            if key is not None and key.type == "computed_property_name":
                self.visit(key, scope, depth + 1)
            self.visit_pattern(node.child_by_field_name("value"), scope, depth + 1)
        elif kind in ("object_pattern", "array_pattern", "formal_parameters", "rest_pattern"):
            for child in node.named_children:
                self.visit_pattern(child, scope, depth + 1)
        elif kind in ("member_expression", "subscript_expression"):
            self.visit(node, scope, depth + 1)  # `[a.b] = x` assigns through a reference

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
                for declarator in child.named_children:
                    if declarator.type == "variable_declarator":
                        target = declarator.child_by_field_name("name")
                        if target is not None:
                            names |= self.pattern_names(target)
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
                return self.block_declarations_of([init])
            return set()
        left = node.child_by_field_name("left")
        if left is not None and node.child_by_field_name("kind") is not None:
            return self.pattern_names(left)
        return set()

    def block_declarations_of(self, declarations: list[Node]) -> set[str]:
        names: set[str] = set()
        for declaration in declarations:
            for declarator in declaration.named_children:
                target = declarator.child_by_field_name("name")
                if target is not None:
                    names |= self.pattern_names(target)
        return names


def _string_literal(node: Node, walker: _Walker) -> str | None:
    if node.type != "string":
        return None
    fragments = [c for c in node.named_children if c.type == "string_fragment"]
    if len(fragments) != len(node.named_children):
        return None  # escape sequences: not worth decoding for a dependency path
    return "".join(walker.text(c) for c in fragments)


def _first_error(node: Node) -> Node | None:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.is_error or current.is_missing:
            return current
        if current.has_error:
            stack.extend(reversed(current.children))
    return None


def _analyse_one(code: str, max_depth: int) -> Analysis:
    """Parse one binding on its own and walk it (any binding; the reference behaviour)."""
    source = (_PREFIX + code + _SUFFIX).encode()
    tree = _parser().parse(source)
    root = tree.root_node
    error_node = _first_error(root)
    if error_node is not None:
        line, column = error_node.start_point
        return Analysis(
            (),
            JavaScriptSyntaxError(
                f"unexpected token at line {max(line, 1)}, column {column + 1}",
                line=max(line, 1),
                column=column + 1,
            ),
        )
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
    walker = _Walker(source, max_depth)
    try:
        walker.visit(expression, frozenset(), 0)
    except StackLimitExceeded as exc:
        return Analysis((), exc)
    return Analysis(tuple(walker.reads))


# -- many bindings at once ----------------------------------------------------
#
# A page's bindings are parsed together, as one program of one statement per
# binding ("(\n<code>\n);\n" each, at known offsets), and read through one
# query whose captures tree-sitter collects in C. A binding takes this path
# only when the answer provably equals _analyse_one's:
#
# * its statement in the batch is exactly its own "(\n<code>\n)", and the
#   whole batch parsed without an error (otherwise the suspects are analysed
#   alone and the rest parsed again), so each binding got the parse it gets
#   alone;
# * it is ASCII (byte offsets are string offsets, and identifiers are the
#   ones the regular expressions below describe);
# * it is short enough that its tree cannot be deeper than max_depth (every
#   node encloses its children plus at least one character);
# * it declares nothing except plain arrow parameters (no function bodies,
#   blocks, patterns, classes, catch or for) and has no comment, so every
#   `identifier` is a reference unless an enclosing arrow declares its name.
#
# A reference's member path is then read from the text after it: the steps
# `.name`, `?.name` and `['key']` that _Walker.visit_member would follow.
# Everything else is analysed alone.

_QUERY = Query(
    _LANGUAGE,
    """
    (program (expression_statement (parenthesized_expression) @top))
    (identifier) @ref
    (this) @ref
    (shorthand_property_identifier) @short
    (arrow_function) @arrow
    (arrow_function parameter: (identifier) @param)
    (arrow_function parameters: (formal_parameters (identifier) @param))
    [
      (function_expression) (function_declaration) (generator_function)
      (generator_function_declaration) (method_definition) (class) (class_declaration)
      (statement_block) (class_body) (switch_body) (lexical_declaration)
      (variable_declaration) (variable_declarator) (catch_clause) (for_statement)
      (for_in_statement) (object_pattern) (array_pattern) (assignment_pattern)
      (object_assignment_pattern) (rest_pattern) (pair_pattern)
      (shorthand_property_identifier_pattern) (comment) (html_comment) (meta_property)
      (jsx_element) (jsx_self_closing_element) (jsx_expression) (jsx_namespace_name)
    ] @other
    """,
)
_STEP = (
    r"""\s*(?:\??\.\s*([A-Za-z_$][\w$]*)"""
    r"""|(?:\?\.)?\s*\[\s*(?:'([^'\\\n\r]*)'|"([^"\\\n\r]*)")\s*\])"""
)
_STEPS = re.compile(f"(?:{_STEP})*")
_ONE_STEP = re.compile(_STEP)
_BATCH_OVERHEAD = len("(\n\n);\n")


def _steps(chain: str) -> Path:
    """The member names in a run of static steps (``.a?.b['c']``)."""
    return tuple(
        next(group for group in match.groups() if group is not None)
        for match in _ONE_STEP.finditer(chain)
    )


def _batch(codes: list[str], max_depth: int, retry: bool = True) -> dict[str, Analysis]:
    """Analyse ``codes`` (distinct, ASCII, short) from one parse; see above."""
    source = "".join(f"(\n{code}\n);\n" for code in codes)
    starts: list[int] = []
    expected: list[tuple[int, int]] = []
    offset = 0
    for code in codes:
        starts.append(offset)
        expected.append((offset, offset + len(code) + 4))
        offset += len(code) + _BATCH_OVERHEAD
    root = _parser().parse(source.encode()).root_node
    captures = QueryCursor(_QUERY).captures(root)
    top = captures.get("top", [])
    if (
        root.has_error
        or len(top) != len(codes)
        or sorted((node.start_byte, node.end_byte) for node in top) != expected
    ):
        return _batch_with_suspects(codes, starts, root, max_depth, retry)

    owner = [bisect_right(starts, node.start_byte) - 1 for node in captures.get("other", [])]
    slow = set(owner)
    refs: list[list[tuple[int, int, bool]]] = [[] for _ in codes]
    for name, short in (("ref", False), ("short", True)):
        for node in captures.get(name, []):
            begin = node.start_byte
            refs[bisect_right(starts, begin) - 1].append((begin, node.end_byte, short))
    # An arrow parameter's scope is its own arrow: the innermost one around it
    # (no arrow can sit inside a parameter list on this path: that needs a default).
    # Node.parent would walk down from the root each time, so it is not used.
    arrows = sorted((node.start_byte, node.end_byte) for node in captures.get("arrow", []))
    declared: dict[int, list[tuple[str, int, int]]] = {}
    params: set[int] = set()
    for node in captures.get("param", []):
        begin = node.start_byte
        params.add(begin)
        k = bisect_right(arrows, (begin, len(source))) - 1
        while k >= 0 and arrows[k][1] <= begin:
            k -= 1
        if k >= 0:
            declared.setdefault(bisect_right(starts, begin) - 1, []).append(
                (source[begin : node.end_byte], *arrows[k])
            )

    results: dict[str, Analysis] = {}
    known_steps: dict[str, Path] = {}  # ".data.map" -> ("data", "map"), shared by many
    for i, code in enumerate(codes):
        if i in slow:
            results[code] = _analyse_one(code, max_depth)
            continue
        items = refs[i]
        items.sort()
        local = declared.get(i, ())
        reads: dict[Path, None] = {}
        for begin, end, short in items:
            if begin in params:
                continue
            name = source[begin:end]
            if local and any(d == name and low <= begin < high for d, low, high in local):
                continue
            if short:
                reads[(name,)] = None
                continue
            chain = _STEPS.match(source, end).group()  # type: ignore[union-attr]
            if not chain:
                reads[(name,)] = None
                continue
            steps = known_steps.get(chain)
            if steps is None:
                steps = known_steps[chain] = _steps(chain)
            reads[(name, *steps)] = None
        results[code] = Analysis(tuple(reads))
    return results


def _batch_with_suspects(
    codes: list[str], starts: list[int], root: Node, max_depth: int, retry: bool
) -> dict[str, Analysis]:
    """Analyse alone the bindings whose statements did not come out as their own."""
    by_start = {statement.start_byte: statement for statement in root.named_children}
    suspects: list[int] = []
    for i, start in enumerate(starts):
        statement = by_start.get(start)
        expression = statement.named_children[0] if statement is not None else None
        if (
            statement is None
            or statement.type != "expression_statement"
            or statement.named_child_count != 1
            or statement.has_error
            or expression is None
            or expression.type != "parenthesized_expression"
            or expression.end_byte != start + len(codes[i]) + 4
        ):
            suspects.append(i)
    results = {codes[i]: _analyse_one(codes[i], max_depth) for i in suspects}
    excluded = set(suspects)
    rest = [code for i, code in enumerate(codes) if i not in excluded]
    if rest and retry and suspects:
        # Parse the others again without them, so that they get a clean tree.
        results.update(_batch(rest, max_depth, retry=False))
    else:
        results.update((code, _analyse_one(code, max_depth)) for code in rest)
    return results


class _Cache:
    """Analyses by (code, max_depth), shared by single and batch analysis."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self.data: dict[tuple[str, int], Analysis] = {}
        self.lock = threading.Lock()

    def get(self, code: str, max_depth: int) -> Analysis | None:
        return self.data.get((code, max_depth))

    def put(self, code: str, max_depth: int, analysis: Analysis) -> Analysis:
        with self.lock:
            if len(self.data) >= self.maxsize:
                # Drop the oldest half: cheaper than LRU bookkeeping on every hit.
                for key in list(self.data)[: self.maxsize // 2]:
                    del self.data[key]
            return self.data.setdefault((code, max_depth), analysis)

    def put_many(self, max_depth: int, analyses: dict[str, Analysis]) -> None:
        with self.lock:
            if len(self.data) + len(analyses) > self.maxsize:
                self.data.clear()
            for code, analysis in analyses.items():
                self.data.setdefault((code, max_depth), analysis)

    def clear(self) -> None:
        with self.lock:
            self.data.clear()


_cache = _Cache(16384)


class _AnalyseExpression:
    """``analyse_expression(code, max_depth=200)``: one binding, cached per text."""

    def __call__(self, code: str, max_depth: int = 200) -> Analysis:
        analysis = _cache.get(code, max_depth)
        if analysis is None:
            analysis = _cache.put(code, max_depth, _analyse_one(code, max_depth))
        return analysis

    def cache_clear(self) -> None:
        _cache.clear()


analyse_expression = _AnalyseExpression()
"""Parse one binding's code and list what it reads. Cached per text."""


def analyse_expressions(codes: Iterable[str], max_depth: int = 200) -> None:
    """Analyse many bindings at once into the cache ``analyse_expression`` reads.

    One tree-sitter parse for all of them instead of one each, and a query
    instead of a Python walk where that gives the same answer (see above).
    """
    fresh: dict[str, None] = {}
    for code in codes:
        if _cache.get(code, max_depth) is None:
            fresh[code] = None
    if not fresh:
        return
    batch: list[str] = []
    for code in fresh:
        if len(code) + _BATCH_OVERHEAD <= max_depth and code.isascii():
            batch.append(code)
        else:
            _cache.put(code, max_depth, _analyse_one(code, max_depth))
    if batch:
        _cache.put_many(max_depth, _batch(batch, max_depth))
