"""mypy checks every package, strictly (README, "Tests").

mypy takes its file list from pyproject.toml: a package that is not listed
there would pass `make test` without being type checked at all.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _mypy_config() -> dict[str, object]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    mypy: dict[str, object] = config["tool"]["mypy"]
    return mypy


def test_mypy_checks_every_package_and_the_benchmarks() -> None:
    packages = {path.parent.name for path in ROOT.glob("*/__init__.py")}
    files = _mypy_config()["files"]
    assert isinstance(files, list)
    assert packages | {"bench"} <= set(files)


def test_mypy_is_strict_with_the_django_and_drf_plugins() -> None:
    config = _mypy_config()
    assert config["strict"] is True
    assert config["plugins"] == ["mypy_django_plugin.main", "mypy_drf_plugin.main"]
