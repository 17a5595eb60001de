"""The package as a whole: its public API and its layering rules."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import widgets

PACKAGE = Path(widgets.__file__).parent
MODULES = sorted(PACKAGE.rglob("*.py"))
FORBIDDEN = ("builder", "runtime", "datasources", "config")


def test_every_public_name_is_importable_from_the_package() -> None:
    for name in widgets.__all__:
        assert getattr(widgets, name) is not None, name
    assert widgets.__doc__


@pytest.mark.parametrize("module", MODULES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_every_module_has_a_docstring_and_postponed_annotations(module: Path) -> None:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    assert ast.get_docstring(tree), "module docstring missing"
    future = [
        node
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module == "__future__"
    ]
    assert any(alias.name == "annotations" for node in future for alias in node.names)


def _imported_roots(module: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("module", MODULES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_no_module_imports_another_app(module: Path) -> None:
    roots = _imported_roots(module)
    assert not roots & set(FORBIDDEN)
    if module.name != "apps.py":  # the AppConfig is the one Django touch point
        assert "django" not in roots
        assert "rest_framework" not in roots


def test_importing_widgets_loads_no_django_and_no_other_app() -> None:
    code = (
        "import sys, widgets; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        f"{{'django', 'rest_framework', *{FORBIDDEN!r}}}))"
    )
    done = subprocess.run(  # the interpreter running these tests, on a fixed snippet
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=PACKAGE.parent,
    )
    assert done.stdout.strip() == "[]"
