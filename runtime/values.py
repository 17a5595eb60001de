"""JavaScript values on the Python side, and JSON-aware substitution.

Values cross the sandbox boundary as JSON, so on this side they are plain
``dict``/``list``/``str``/``int``/``float``/``bool``/``None``. JavaScript's
``undefined`` has no JSON form; it is :data:`UNDEFINED` here, and evaluated
page values simply leave such properties out, as ``JSON.stringify`` does.

A query body typed as JSON is not plain text: ``{"name": {{Input1.text}}}``
must become ``{"name": "Ann"}``, and ``{"path": "/{{f.name}}"}`` must escape
the name as string *content*. :func:`substitute_json` decides per binding
whether it sits inside a JSON string literal of the surrounding text.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from itertools import accumulate
from typing import Any, Final


class _Undefined:
    """JavaScript's ``undefined``: falsy, a singleton, and never JSON."""

    _instance: _Undefined | None = None

    def __new__(cls) -> _Undefined:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "UNDEFINED"

    def __reduce__(self) -> str:
        return "UNDEFINED"


UNDEFINED: Final = _Undefined()

# A picked file's ``data`` is ``blob:<id>``, a reference to the stored file that
# only the executor's ``FileResolver`` turns into bytes. Written here only.
FILE_REFERENCE_PREFIX: Final = "blob:"

# JSON that Brace keeps and serves (request bodies, query data, values out of
# the sandbox) nests at most this deep. Python's json and copy recurse once or
# twice per level, and must still have room under their 1,000-frame limit
# with a request's own stack beneath them; a layout of the deepest widget
# nesting allowed is about 105 levels.
MAX_JSON_DEPTH: Final = 200


def nests_deeper_than(value: Any, depth: int) -> bool:
    """Whether JSON ``value`` holds lists or dicts more than ``depth`` levels deep.

    ``1`` and ``[]`` are 0 and 1 level deep, ``{"a": [1]}`` 2. Iterative, so
    that checking a value deeper than the stack allows cannot fail.
    """
    pending: list[tuple[Any, int]] = [(value, 1)] if isinstance(value, (dict, list)) else []
    while pending:
        node, level = pending.pop()
        if level > depth:
            return True
        for child in node.values() if isinstance(node, dict) else node:
            if isinstance(child, (dict, list)):
                pending.append((child, level + 1))
    return False


# For `json_text_nests_deeper_than`: the bytes deleted (all but quotes and
# brackets), and a bracket's step in depth.
_NOT_MARKS: Final = bytes(range(256)).translate(None, b'"[]{}')
_DEPTH_STEP: Final = [0] * 256
for _byte in b"[{":
    _DEPTH_STEP[_byte] = 1
for _byte in b"]}":
    _DEPTH_STEP[_byte] = -1


def json_text_nests_deeper_than(text: bytes, depth: int) -> bool:
    """`nests_deeper_than` of ``json.loads(text)``, read from ``text``, valid UTF-8 JSON.

    For a request body already parsed, in time linear in its length and
    mostly in C (a 300 KB page layout in a fraction of a millisecond, where
    walking the parsed value takes over one): the brackets outside strings,
    and the deepest their running count goes. Strings are found by their
    quotes once escapes are gone (a backslash always starts a two-byte
    escape, so ``\\\\`` then ``\\"`` removed leave no quote escaped);
    pairs of adjacent quotes (strings without brackets, most of them) are
    dropped first, which changes no byte's side of a string. UTF-8 never
    uses these bytes inside a multibyte character.
    """
    if text.count(b"[") + text.count(b"{") <= depth:
        return False
    if b"\\" in text:
        text = text.replace(b"\\\\", b"").replace(b'\\"', b"")
    marks = text.translate(None, _NOT_MARKS).replace(b'""', b"")
    outside = b"".join(marks.split(b'"')[::2])
    return max(accumulate(map(_DEPTH_STEP.__getitem__, outside)), default=0) > depth


def is_file_reference(value: Any) -> bool:
    """A picked file (``{name, size, type, data: "blob:..."}``) or its ``blob:`` data."""
    if isinstance(value, str):
        return value.startswith(FILE_REFERENCE_PREFIX)
    return (
        isinstance(value, dict)
        and isinstance(value.get("data"), str)
        and (value["data"].startswith(FILE_REFERENCE_PREFIX))
    )


def js_string(value: Any) -> str:
    """``String(value)`` as JavaScript would write it, for values from JSON."""
    if value is UNDEFINED or value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value) and abs(value) < 1e21:
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    return json.dumps(value, indent=2, ensure_ascii=False)


def substitute_json(parts: Sequence[str | None], values: Sequence[Any]) -> str:
    """Join static JSON text and binding values, quoting by position.

    ``parts`` is the template with ``None`` where each binding goes; ``values``
    are the bindings' results in order. Inside a JSON string literal a value
    is escaped as string content; elsewhere it is written as a JSON value (a
    string gets quotes, ``undefined`` becomes ``null``, a file reference stays
    the reference object or ``blob:`` string, never the file's bytes).
    """
    out: list[str] = []
    in_string = False
    escaped = False
    remaining = iter(values)
    for part in parts:
        if part is None:
            value = next(remaining)
            if in_string:
                out.append(json.dumps(js_string(value), ensure_ascii=False)[1:-1])
            else:
                out.append("null" if value is UNDEFINED else json.dumps(value, ensure_ascii=False))
            continue
        out.append(part)
        for char in part:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = in_string
            elif char == '"':
                in_string = not in_string
    return "".join(out)
