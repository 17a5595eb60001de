"""Small builders of layout JSON for the widgets tests."""

from __future__ import annotations

import copy
import json
from typing import Any

from tests.conftest import SEED_APP


def portal() -> dict[str, Any]:
    """The seed's Dropbox portal app (a fresh copy each call)."""
    data: dict[str, Any] = json.loads(SEED_APP.read_text(encoding="utf-8"))
    return data


def portal_layout() -> dict[str, Any]:
    layout: dict[str, Any] = portal()["page"]["layout"]
    return layout


def widget(
    name: Any,
    type_: Any,
    props: Any = None,
    children: Any = None,
    position: Any = None,
) -> dict[str, Any]:
    """A widget; arguments are ``Any`` so tests can pass malformed values."""
    return {
        "widgetName": name,
        "type": type_,
        "props": copy.deepcopy(props) if props is not None else {},
        "position": position if position is not None else {"x": 0, "y": 0, "w": 10, "h": 4},
        "children": children if children is not None else [],
    }


def page(*children: Any) -> dict[str, Any]:
    """A MainContainer holding ``children``."""
    full_width = {"x": 0, "y": 0, "w": 64, "h": 60}
    return widget("MainContainer", "Container", children=list(children), position=full_width)
