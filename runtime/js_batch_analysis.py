"""Many bindings' reads from one tree-sitter parse, read through a query.

A page's bindings are parsed together, as one program of one statement per
binding (``"(\n<code>\n);\n"`` each, at known offsets), and read through
one query whose captures tree-sitter collects in C: for 3,000 bindings that
is far cheaper than 3,000 parses and a Python walk of each. A binding takes
this path only when the answer provably equals
:func:`runtime.js_scope_analysis.analyse_alone`'s:

* its statement in the batch is exactly its own ``"(\n<code>\n)"``, and the
  whole batch parsed without an error (otherwise the suspects are analysed
  alone and the rest parsed again), so each binding got the parse it gets
  alone;
* it is ASCII (byte offsets are string offsets, and identifiers are the
  ones the regular expressions below describe);
* it is short enough that its tree cannot be deeper than ``max_depth``
  (every node encloses its children plus at least one character);
* it declares nothing except plain arrow parameters (no function bodies,
  blocks, patterns, classes, catch or for) and has no comment, so every
  ``identifier`` is a reference unless an enclosing arrow declares its name.

A reference's member path is then read from the text after it: the steps
``.name``, ``?.name`` and ``['key']`` that the scope walk's member chains
follow. Everything else is analysed alone. :mod:`runtime.js_analysis` decides
which bindings come here and caches the answers.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from tree_sitter import Node, Query, QueryCursor

from runtime.js_scope_analysis import LANGUAGE, Analysis, Path, analyse_alone, parser

_QUERY = Query(
    LANGUAGE,
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


def can_batch(code: str, max_depth: int) -> bool:
    """Whether ``code`` may go in a batch: ASCII, and too short to nest past ``max_depth``."""
    return len(code) + _BATCH_OVERHEAD <= max_depth and code.isascii()


def analyse_batch(codes: list[str], max_depth: int, retry: bool = True) -> dict[str, Analysis]:
    """Analyse ``codes`` (distinct, each passing :func:`can_batch`) from one parse.

    ``retry`` is for the second parse of :func:`_batch_with_suspects`, which
    does not try a third.
    """
    source = "".join(f"(\n{code}\n);\n" for code in codes)
    starts: list[int] = []
    expected: list[tuple[int, int]] = []
    offset = 0
    for code in codes:
        starts.append(offset)
        expected.append((offset, offset + len(code) + 4))
        offset += len(code) + _BATCH_OVERHEAD
    root = parser().parse(source.encode()).root_node
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
            results[code] = analyse_alone(code, max_depth)
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
        # A statement the parser recovered from an error may have no children.
        expression = (
            statement.named_children[0]
            if statement is not None and statement.named_child_count
            else None
        )
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
    results = {codes[i]: analyse_alone(codes[i], max_depth) for i in suspects}
    excluded = set(suspects)
    rest = [code for i, code in enumerate(codes) if i not in excluded]
    if rest and retry and suspects:
        # Parse the others again without them, so that they get a clean tree.
        results.update(analyse_batch(rest, max_depth, retry=False))
    else:
        results.update((code, analyse_alone(code, max_depth)) for code in rest)
    return results
