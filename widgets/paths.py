"""JSON paths naming where a fault is, e.g. ``layout.children[1].props.maxNumFiles``."""

from __future__ import annotations

import json
import re

__all__ = ["member_path"]

_PLAIN_KEY = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
# The layout's own keys, met at every widget of every validation: no regex.
_KNOWN_PLAIN = frozenset(
    {"widgetName", "type", "props", "position", "children", "x", "y", "w", "h"}
)


def member_path(path: str, key: str) -> str:
    """``path.key``, or ``path["key"]`` when the key is not an identifier."""
    if key in _KNOWN_PLAIN or _PLAIN_KEY.fullmatch(key):
        return f"{path}.{key}"
    return f"{path}[{json.dumps(key)}]"
