"""Browser code builds every API address in static/brace/api_paths.js.

A route spelled out in another module would not follow when the API moves,
so no other module under static/ (vendored libraries aside) may name the
`/api/v1` prefix, not even in a comment.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "static"
API_PATHS = STATIC / "brace" / "api_paths.js"
VENDOR = STATIC / "vendor"
PREFIX = "/api/v1"


def browser_modules() -> list[Path]:
    return sorted(path for path in STATIC.rglob("*.js") if VENDOR not in path.parents)


def test_only_api_paths_names_the_api_prefix() -> None:
    modules = browser_modules()
    assert API_PATHS in modules
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in modules
        if path != API_PATHS
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if PREFIX in line
    ]
    assert found == [], "build API addresses with static/brace/api_paths.js"


def test_api_paths_builds_them_from_the_prefix() -> None:
    assert f'const API = "{PREFIX}";' in API_PATHS.read_text(encoding="utf-8")
