"""Each rule is written once (STYLE.md, "One definition per rule").

These tests read the source tree: a second copy of a prefix or of the widget
tree walk would pass every behavioural test until the copies drift apart.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP_PACKAGES = ("config", "builder", "datasources", "runtime", "widgets")


def _python_files() -> Iterator[Path]:
    for package in APP_PACKAGES:
        yield from sorted((ROOT / package).rglob("*.py"))


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the string constants that are docstrings (prose, not code)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _string_constants(path: Path) -> Iterator[tuple[int, str]]:
    """(line, value) of each string constant in code, f-string parts included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = _docstrings(tree)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
        ):
            yield node.lineno, node.value


def test_the_file_reference_prefix_is_written_only_in_runtime_values() -> None:
    owner = ROOT / "runtime" / "values.py"
    places = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in _python_files()
        for line, value in _string_constants(path)
        if value.startswith("blob:")
    ]
    assert places == [
        f"{owner.relative_to(ROOT)}:{_line_of(owner, 'FILE_REFERENCE_PREFIX: Final')}"
    ]


def test_the_browser_code_writes_no_file_reference_prefix() -> None:
    # The portal passes the `data` that POST runtime/files/ answered through untouched.
    literal = re.compile(r"""["'`]blob:""")
    places = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "static").rglob("*.js"))
        if "vendor" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if not line.lstrip().startswith("//") and literal.search(line)
    ]
    assert places == []


def _reads_children(node: ast.AST) -> bool:
    """``x["children"]`` or ``x.get("children")``."""
    if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
        key = node.slice
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and node.args
    ):
        key = node.args[0]
    else:
        return False
    return isinstance(key, ast.Constant) and key.value == "children"


def test_the_widget_tree_is_walked_only_by_walk_widgets() -> None:
    # widgets.layout reads `children` too: it is the grammar of the tree, checking
    # every node's shape (its walk reports what walk_widgets skips).
    allowed = {Path("widgets/tree.py"), Path("widgets/layout.py")}
    readers = sorted(
        {
            str(path.relative_to(ROOT))
            for path in _python_files()
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if _reads_children(node)
        }
        - {str(path) for path in allowed}
    )
    assert readers == []


def _line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)
