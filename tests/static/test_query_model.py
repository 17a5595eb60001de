"""The query editor offers the methods and body types the runtime accepts, and no other."""

from __future__ import annotations

import re
from pathlib import Path

from runtime.http.action_config import METHODS, BodyType

SOURCE = Path(__file__).resolve().parents[2] / "static" / "editor" / "app" / "query_model.js"


def test_the_methods_are_the_runtimes() -> None:
    text = SOURCE.read_text(encoding="utf-8")
    match = re.search(r"export const METHODS = \[([^\]]*)\]", text)
    assert match is not None
    assert re.findall(r'"([A-Z]+)"', match.group(1)) == list(METHODS)


def test_the_body_types_are_the_runtimes() -> None:
    text = SOURCE.read_text(encoding="utf-8")
    match = re.search(r"export const BODY_TYPES = \[(.*?)\];", text, re.S)
    assert match is not None
    assert re.findall(r'value: "([a-z_]+)"', match.group(1)) == [kind.value for kind in BodyType]
