"""The test suite's own rules, checked on its source (see tests/conftest.py).

Fixtures are defined in conftest.py files, or in a fixture module that the
root conftest registers once with ``pytest_plugins``; no test module imports
a fixture or registers plugins. JavaScript limits come from the presets in
tests/limits.py. No test asserts elapsed wall time. And every test that uses
the database carries the ``database`` marker that ``.ci/run`` selects.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from tests import conftest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
# Names an assertion on elapsed wall time reads: the clocks, and what their
# differences are usually called.
CLOCKS = {"monotonic", "perf_counter", "process_time", "time", "monotonic_ns", "perf_counter_ns"}
CLOCKS |= {"elapsed", "seconds", "took"}


def _modules() -> list[Path]:
    return sorted(TESTS.rglob("*.py"))


def _name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def _is_fixture(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(target, ast.Attribute) and target.attr == "fixture"


def _fixtures(tree: ast.Module) -> set[str]:
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and any(map(_is_fixture, node.decorator_list))
    }


def _is_test_module(path: Path) -> bool:
    return path.name.startswith("test_") or path.name == "conftest.py"


def test_fixture_modules_are_registered_once_in_the_root_conftest() -> None:
    for path in _modules():
        if _is_test_module(path) or not _fixtures(_tree(path)):
            continue
        assert _name(path) in conftest.pytest_plugins, f"{path} defines fixtures"


def test_only_the_root_conftest_registers_plugins() -> None:
    for path in _modules():
        if path == TESTS / "conftest.py":
            continue
        for node in _tree(path).body:
            targets = node.targets if isinstance(node, ast.Assign) else []
            names = [t.id for t in targets if isinstance(t, ast.Name)]
            assert "pytest_plugins" not in names, path


def test_no_module_imports_a_fixture() -> None:
    fixtures_of = {_name(path): _fixtures(_tree(path)) for path in _modules()}
    for path in _modules():
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.ImportFrom) and node.module in fixtures_of:
                imported = {alias.name for alias in node.names}
                assert not imported & fixtures_of[node.module], (path, node.module)


def test_javascript_time_limits_come_from_the_presets() -> None:
    for path in _modules():
        if path == TESTS / "limits.py":
            continue
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.Call):
                keywords = {keyword.arg for keyword in node.keywords}
                assert "time_limit_s" not in keywords, f"{path}:{node.lineno}"


def test_no_test_asserts_elapsed_wall_time() -> None:
    # A thread's own CPU time (time.thread_time) is not wall time: the tests of the
    # CPU time limit assert it. The module name `time` alone is no clock.
    for path in _modules():
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.Assert):
                names = {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)}
                names |= {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} - {"time"}
                assert not names & CLOCKS, f"{path}:{node.lineno}"


def test_a_test_that_uses_the_database_is_marked(request: pytest.FixtureRequest, db: Any) -> None:
    assert request.node.get_closest_marker("database") is not None


@pytest.mark.django_db
def test_a_test_marked_django_db_is_marked(request: pytest.FixtureRequest) -> None:
    assert request.node.get_closest_marker("database") is not None


def test_a_test_without_the_database_is_not_marked(request: pytest.FixtureRequest) -> None:
    assert request.node.get_closest_marker("database") is None
