"""The app builder's canvas as the Chromium tests drive it: the palette, the
grid, drags with the mouse (down, moves in steps, up: interact.js follows
pointer events), and the layout the editor saved. Shared by the canvas tests
and the walkthroughs (tests/browser/test_walkthrough.py)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any


class Editor:
    """One editor tab on Page1, with the helpers the tests share."""

    def __init__(self, tab: Any, page_model: Any) -> None:
        self.tab = tab
        self.page_model = page_model
        self.canvas = tab.get_by_role("main", name="Canvas")
        self.palette = tab.get_by_role("region", name="Widgets palette")

    def widget(self, name: str, type_: str) -> Any:
        return self.canvas.get_by_role("group", name=f"{name} ({type_})", exact=True)

    def grid(self, parent: str = "MainContainer") -> dict[str, float]:
        box: dict[str, float] = self.canvas.locator(f'[data-grid="{parent}"]').bounding_box()
        return box

    def cell(self, x: float, y: float, parent: str = "MainContainer") -> tuple[float, float]:
        """The viewport point in the middle of grid cell (x, y) of `parent`."""
        grid = self.grid(parent)
        column = (grid["width"] - 2) / 64  # the root grid has a 1px border
        return grid["x"] + 1 + (x + 0.5) * column, grid["y"] + 1 + (y + 0.5) * 10

    def drag(self, start: tuple[float, float], end: tuple[float, float]) -> None:
        mouse = self.tab.mouse
        mouse.move(*start)
        mouse.down()
        mouse.move(start[0] + 4, start[1] + 4, steps=3)
        mouse.move(*end, steps=12)
        mouse.up()

    def drag_from_palette(self, label: str, end: tuple[float, float]) -> None:
        item = self.palette.get_by_role("button", name=label, exact=True).bounding_box()
        self.drag((item["x"] + item["width"] / 2, item["y"] + item["height"] / 2), end)

    def saved(self, check: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        """The stored layout once `check` holds for it (the save is debounced)."""
        deadline = time.monotonic() + 10
        while True:
            self.page_model.refresh_from_db()
            layout: dict[str, Any] = self.page_model.layout
            if check(layout):
                return layout
            if time.monotonic() > deadline:
                raise AssertionError(f"the saved layout never matched: {json.dumps(layout)}")
            time.sleep(0.1)
