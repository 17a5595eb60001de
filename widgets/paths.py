"""JSON paths naming where a fault is, e.g. ``layout.children[1].props.maxNumFiles``."""

from __future__ import annotations

import json
import re

__all__ = ["member_path"]

_PLAIN_KEY = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")


def member_path(path: str, key: str) -> str:
    """``path.key``, or ``path["key"]`` when the key is not an identifier."""
    return f"{path}.{key}" if _PLAIN_KEY.fullmatch(key) else f"{path}[{json.dumps(key)}]"
