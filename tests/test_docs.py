"""The documents the code and the docs point at exist in the repository."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = (
    "config",
    "builder",
    "datasources",
    "runtime",
    "widgets",
    "metrics",
    "static",
    "templates",
)
SUFFIXES = {".py", ".js", ".html", ".md", ".toml"}


def _sources() -> Iterator[Path]:
    yield ROOT / "README.md"
    yield ROOT / "pyproject.toml"
    for folder in (*FOLDERS, "docs", "tests", "bench"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in SUFFIXES and "vendor" not in path.parts and path.is_file():
                yield path


def test_every_docs_page_cited_exists() -> None:
    cited = re.compile(r"docs/[\w-]+\.md")
    missing = sorted(
        {
            f"{path.relative_to(ROOT)}: {name}"
            for path in _sources()
            for name in cited.findall(path.read_text(encoding="utf-8"))
            if not (ROOT / name).is_file()
        }
    )
    assert missing == []


def test_nothing_points_at_an_api_md_outside_the_repository() -> None:
    # The API is documented in docs/editor-api.md and docs/runtime-api.md.
    bare = re.compile(r"(?<![\w/-])API\.md")
    citing = sorted(
        str(path.relative_to(ROOT))
        for path in _sources()
        if bare.search(path.read_text(encoding="utf-8"))
    )
    assert citing == []
