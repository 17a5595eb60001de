"""static/editor/app/placement.js, the canvas's grid rules, run in Chromium.

The module is pure (no DOM, no store), so each test imports it into a blank
page of the live server and calls it with a layout, comparing the layout or
the error that comes back. `call(name, *args)` runs one export of the module
and answers `{"value": ...}` or `{"error": [name, message]}`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MODULE = "/static/editor/app/placement.js"

# Runs one export; errors come back as data so that tests can read their message.
_CALL = """
async ([module, name, args]) => {
  const placement = await import(module);
  try {
    return { value: placement[name](...args) ?? null };
  } catch (error) {
    return { error: [error.name, error.message] };
  }
}
"""

BUTTON = {
    "name": "Button",
    "is_container": False,
    "default_size": {"w": 16, "h": 4},
    "default_props": {"text": "Submit", "isVisible": True},
}
CONTAINER = {
    "name": "Container",
    "is_container": True,
    "default_size": {"w": 24, "h": 10},
    "default_props": {"backgroundColor": "#FFFFFF"},
}


def widget(
    name: str, x: int, y: int, w: int, h: int, type_: str = "Text", **extra: Any
) -> dict[str, Any]:
    node: dict[str, Any] = {
        "widgetName": name,
        "type": type_,
        "props": {},
        "position": {"x": x, "y": y, "w": w, "h": h},
    }
    node.update(extra)
    return node


def root(*children: dict[str, Any]) -> dict[str, Any]:
    return widget("MainContainer", 0, 0, 64, 100, "Container", children=list(children))


def positions(layout: dict[str, Any]) -> dict[str, tuple[int, int, int, int]]:
    """Every widget's (x, y, w, h) by name, the root's included."""
    found: dict[str, tuple[int, int, int, int]] = {}
    pending = [layout]
    while pending:
        node = pending.pop()
        p = node["position"]
        found[node["widgetName"]] = (p["x"], p["y"], p["w"], p["h"])
        pending.extend(node.get("children", []))
    return found


def children_of(layout: dict[str, Any], name: str) -> list[str]:
    pending = [layout]
    while pending:
        node = pending.pop()
        if node["widgetName"] == name:
            return [child["widgetName"] for child in node.get("children", [])]
        pending.extend(node.get("children", []))
    raise AssertionError(f"no widget {name}")


@pytest.fixture
def call(new_page: Callable[..., Any]) -> Iterator[Callable[..., dict[str, Any]]]:
    tab = new_page()
    tab.goto("/accounts/login/")

    def run(name: str, *args: Any) -> dict[str, Any]:
        answer: dict[str, Any] = tab.evaluate(_CALL, [MODULE, name, list(args)])
        return answer

    yield run
    assert tab.errors == []


def value(answer: dict[str, Any]) -> Any:
    assert "error" not in answer, answer
    return answer["value"]


# ---- Grid arithmetic -----------------------------------------------------


def test_snap_rounds_pixels_to_the_nearest_cell(call: Callable[..., Any]) -> None:
    assert value(call("snap", 44, 26, 20)) == {"x": 2, "y": 3}
    assert value(call("snapRect", {"left": 41, "top": 4, "width": 5, "height": 2}, 20)) == {
        "x": 2,
        "y": 0,
        "w": 1,
        "h": 1,
    }
    assert value(call("snapRect", {"left": 0, "top": 0, "width": 200, "height": 40}, 20)) == {
        "x": 0,
        "y": 0,
        "w": 10,
        "h": 4,
    }


def test_touching_edges_do_not_collide(call: Callable[..., Any]) -> None:
    a = {"x": 0, "y": 0, "w": 10, "h": 4}
    assert value(call("collides", a, {"x": 10, "y": 0, "w": 5, "h": 4})) is False
    assert value(call("collides", a, {"x": 0, "y": 4, "w": 5, "h": 4})) is False
    assert value(call("collides", a, {"x": 9, "y": 3, "w": 5, "h": 4})) is True


def test_clamp_keeps_a_rectangle_inside_the_grid(call: Callable[..., Any]) -> None:
    assert value(call("clampToGrid", {"x": 60, "y": -3, "w": 10, "h": 0})) == {
        "x": 54,
        "y": 0,
        "w": 10,
        "h": 1,
    }
    assert value(call("clampToGrid", {"x": -5, "y": 2, "w": 90, "h": 3})) == {
        "x": 0,
        "y": 2,
        "w": 64,
        "h": 3,
    }


@pytest.mark.parametrize("at", [{"x": -1, "y": 0}, {"x": 64, "y": 3}, {"x": 5, "y": -1}])
def test_a_drop_outside_the_grid_is_refused_with_a_message(
    call: Callable[..., Any], at: dict[str, int]
) -> None:
    answer = call("addWidget", root(), BUTTON, {"at": at})
    assert answer["error"] == [
        "PlacementError",
        "The Button was dropped outside the grid: drop it on the canvas or in a container.",
    ]


# ---- Names ---------------------------------------------------------------


def test_next_name_follows_the_highest_number_of_its_series(call: Callable[..., Any]) -> None:
    assert value(call("nextName", "Button1", ["Button1"])) == "Button2"
    assert value(call("nextName", "Text", ["Text1", "Text7", "Texts3"])) == "Text8"
    assert value(call("nextName", "Button", [])) == "Button1"
    assert value(call("nextName", "$x", ["$x1"])) == "$x2"


def test_new_names_avoid_the_pages_action_names(call: Callable[..., Any]) -> None:
    answer = value(call("addWidget", root(), BUTTON, {"reserved": ["Button1"]}))
    assert answer["name"] == "Button2"


# ---- Adding ---------------------------------------------------------------


def test_a_new_widget_gets_its_types_default_size_and_properties(call: Callable[..., Any]) -> None:
    answer = value(call("addWidget", root(), BUTTON, {"at": {"x": 60, "y": 5}}))
    added = answer["layout"]["children"][0]
    assert answer["name"] == "Button1"
    assert added == {
        "widgetName": "Button1",
        "type": "Button",
        "props": {"text": "Submit", "isVisible": True},
        "position": {"x": 48, "y": 5, "w": 16, "h": 4},
    }


def test_a_new_container_has_an_empty_list_of_children(call: Callable[..., Any]) -> None:
    answer = value(call("addWidget", root(), CONTAINER, {}))
    assert answer["layout"]["children"][0]["children"] == []


def test_without_a_drop_point_a_widget_goes_to_the_first_free_place(
    call: Callable[..., Any],
) -> None:
    layout = root(widget("Wide", 0, 0, 40, 4), widget("Right", 40, 0, 24, 2))
    answer = value(call("addWidget", layout, BUTTON, {}))
    # Beside "Wide" and under "Right" there are 24 columns and enough rows.
    assert positions(answer["layout"])["Button1"] == (40, 2, 16, 4)
    full = root(widget("A", 0, 0, 64, 4))
    assert positions(value(call("addWidget", full, BUTTON, {}))["layout"])["Button1"] == (
        0,
        4,
        16,
        4,
    )


def test_a_drop_into_a_container_places_the_widget_on_its_grid(call: Callable[..., Any]) -> None:
    layout = root(widget("Box", 0, 0, 32, 20, "Container", children=[]))
    answer = value(call("addWidget", layout, BUTTON, {"parent": "Box", "at": {"x": 2, "y": 3}}))
    assert children_of(answer["layout"], "Box") == ["Button1"]
    assert positions(answer["layout"])["Button1"] == (2, 3, 16, 4)


def test_only_a_container_can_take_a_drop(call: Callable[..., Any]) -> None:
    layout = root(widget("Label", 0, 0, 10, 4))
    answer = call("addWidget", layout, BUTTON, {"parent": "Label", "at": {"x": 0, "y": 0}})
    assert answer["error"] == [
        "PlacementError",
        "A Text cannot hold widgets; only a container can.",
    ]
    answer = call("addWidget", layout, BUTTON, {"parent": "Nope", "at": {"x": 0, "y": 0}})
    assert answer["error"] == ["PlacementError", "No widget is called Nope."]


# ---- Push down -------------------------------------------------------------


def test_a_drop_pushes_the_widgets_it_lands_on_down_in_a_cascade(call: Callable[..., Any]) -> None:
    layout = root(
        widget("A", 0, 2, 20, 4),
        widget("B", 10, 6, 20, 4),  # under A, pushed on when A is pushed
        widget("Aside", 40, 0, 10, 4),  # not reached
        widget("Far", 0, 30, 10, 2),  # below, not reached
    )
    answer = value(call("addWidget", layout, BUTTON, {"at": {"x": 0, "y": 0}}))
    found = positions(answer["layout"])
    assert found["Button1"] == (0, 0, 16, 4)
    assert found["A"] == (0, 4, 20, 4)
    assert found["B"] == (10, 8, 20, 4)
    assert found["Aside"] == (40, 0, 10, 4)
    assert found["Far"] == (0, 30, 10, 2)


def test_a_pushed_widget_goes_below_whatever_it_would_land_on(call: Callable[..., Any]) -> None:
    layout = root(widget("A", 0, 0, 10, 4), widget("Tall", 20, 2, 4, 10), widget("C", 0, 5, 30, 2))
    found = positions(value(call("resize", layout, "A", {"x": 0, "y": 0, "w": 10, "h": 6})))
    # C is pushed below A (row 6), where Tall stands: it goes below Tall too.
    assert found["C"] == (0, 12, 30, 2)
    assert found["Tall"] == (20, 2, 4, 10)


def test_widgets_the_change_does_not_reach_keep_their_overlaps(call: Callable[..., Any]) -> None:
    layout = root(
        widget("Old1", 0, 10, 10, 4), widget("Old2", 5, 12, 10, 4), widget("A", 40, 0, 4, 4)
    )
    found = positions(value(call("moveBy", layout, ["A"], 1, 0)))
    assert found["Old1"] == (0, 10, 10, 4)
    assert found["Old2"] == (5, 12, 10, 4)
    assert found["A"] == (41, 0, 4, 4)


def test_moving_up_onto_a_widget_pushes_that_one_below(call: Callable[..., Any]) -> None:
    layout = root(widget("Top", 0, 0, 20, 4), widget("Low", 0, 10, 20, 6))
    found = positions(value(call("moveTo", layout, "Low", {"x": 5, "y": 1})))
    assert found["Low"] == (5, 1, 20, 6)
    assert found["Top"] == (0, 7, 20, 4)


def test_a_container_grows_to_hold_a_pushed_child_and_pushes_its_siblings(
    call: Callable[..., Any],
) -> None:
    layout = root(
        widget(
            "Box",
            0,
            0,
            32,
            10,
            "Container",
            children=[widget("Inner", 0, 0, 10, 8)],
        ),
        widget("Below", 0, 10, 20, 4),
    )
    answer = value(call("addWidget", layout, BUTTON, {"parent": "Box", "at": {"x": 0, "y": 0}}))
    found = positions(answer["layout"])
    assert found["Inner"] == (0, 4, 10, 8)
    assert found["Box"] == (0, 0, 32, 13)  # lowest child ends at row 12, plus one row
    assert found["Below"] == (0, 13, 20, 4)


# ---- Moving -------------------------------------------------------------------


def test_arrows_nudge_a_selection_by_one_cell(call: Callable[..., Any]) -> None:
    layout = root(widget("A", 5, 5, 10, 4), widget("B", 20, 5, 10, 4))
    found = positions(value(call("moveBy", layout, ["A", "B"], -1, 1)))
    assert (found["A"], found["B"]) == ((4, 6, 10, 4), (19, 6, 10, 4))


@pytest.mark.parametrize(("dx", "dy"), [(-1, 0), (0, -1)])
def test_a_nudge_off_the_grid_is_refused(call: Callable[..., Any], dx: int, dy: int) -> None:
    layout = root(widget("A", 0, 0, 10, 4), widget("B", 20, 5, 10, 4))
    answer = call("moveBy", layout, ["B", "A"], dx, dy)
    assert answer["error"] == ["PlacementError", "A is at the edge of the grid."]
    answer = call("moveBy", root(widget("R", 54, 0, 10, 4)), ["R"], 1, 0)
    assert answer["error"] == ["PlacementError", "R is at the edge of the grid."]


def test_a_widget_moves_into_a_container_and_out_again(call: Callable[..., Any]) -> None:
    layout = root(widget("Box", 0, 0, 32, 20, "Container", children=[]), widget("A", 40, 0, 10, 4))
    inside = value(call("moveTo", layout, "A", {"x": 3, "y": 2}, {"parent": "Box"}))
    assert children_of(inside, "Box") == ["A"]
    assert children_of(inside, "MainContainer") == ["Box"]
    assert positions(inside)["A"] == (3, 2, 10, 4)
    out = value(call("moveTo", inside, "A", {"x": 60, "y": 30}))
    assert children_of(out, "Box") == []
    assert positions(out)["A"] == (54, 30, 10, 4)  # clamped to the grid


def test_a_container_cannot_move_into_itself_or_its_children(call: Callable[..., Any]) -> None:
    layout = root(
        widget(
            "Box",
            0,
            0,
            32,
            20,
            "Container",
            children=[widget("Sub", 0, 0, 20, 10, "Container", children=[])],
        )
    )
    assert call("moveTo", layout, "Box", {"x": 0, "y": 0}, {"parent": "Sub"})["error"] == [
        "PlacementError",
        "Box cannot go inside itself.",
    ]
    assert call("moveTo", layout, "Box", {"x": 0, "y": 0}, {"parent": "Box"})["error"] == [
        "PlacementError",
        "Box cannot go inside itself.",
    ]
    assert call("moveTo", layout, "MainContainer", {"x": 0, "y": 0})["error"] == [
        "PlacementError",
        "MainContainer is the page itself and cannot move.",
    ]


# ---- Resizing ----------------------------------------------------------------


def test_a_resize_pushes_down_what_it_now_covers(call: Callable[..., Any]) -> None:
    layout = root(widget("A", 0, 0, 10, 4), widget("Right", 12, 0, 10, 4))
    found = positions(value(call("resize", layout, "A", {"x": 0, "y": 0, "w": 14, "h": 4})))
    assert found["A"] == (0, 0, 14, 4)
    assert found["Right"] == (12, 4, 10, 4)


def test_a_container_cannot_shrink_past_its_children(call: Callable[..., Any]) -> None:
    layout = root(widget("Box", 0, 0, 32, 20, "Container", children=[widget("In", 0, 6, 10, 4)]))
    found = positions(value(call("resize", layout, "Box", {"x": 0, "y": 0, "w": 70, "h": 2})))
    assert found["Box"] == (0, 0, 64, 11)


# ---- Removing, copying -------------------------------------------------------


def test_remove_takes_children_along_and_leaves_the_rest_in_place(call: Callable[..., Any]) -> None:
    layout = root(
        widget("Box", 0, 0, 32, 20, "Container", children=[widget("In", 0, 0, 10, 4)]),
        widget("Below", 0, 20, 10, 4),
    )
    after = value(call("remove", layout, ["In", "Box"]))
    assert positions(after) == {"MainContainer": (0, 0, 64, 100), "Below": (0, 20, 10, 4)}
    assert call("remove", layout, ["MainContainer"])["error"] == [
        "PlacementError",
        "MainContainer is the page itself and cannot be deleted.",
    ]


def test_duplicate_puts_renamed_copies_right_below(call: Callable[..., Any]) -> None:
    layout = root(
        widget("Button1", 0, 0, 16, 4, "Button", props={"text": "Go"}),
        widget("Box", 20, 0, 20, 8, "Container", children=[widget("Text1", 0, 0, 10, 4)]),
        widget("Below", 0, 4, 10, 4),
    )
    answer = value(call("duplicate", layout, ["Button1", "Box", "Text1"]))
    assert answer["names"] == ["Button2", "Box1"]
    found = positions(answer["layout"])
    # The two copies keep their arrangement, under the lowest of the originals.
    assert found["Button2"] == (0, 8, 16, 4)
    assert found["Box1"] == (20, 8, 20, 8)
    assert found["Text2"] == (0, 0, 10, 4)
    assert children_of(answer["layout"], "Box1") == ["Text2"]
    assert found["Below"] == (0, 4, 10, 4)  # beside the originals, not reached
    copy = answer["layout"]["children"][3]
    assert copy["props"] == {"text": "Go"}


def test_duplicate_needs_a_selection(call: Callable[..., Any]) -> None:
    assert call("duplicate", root(), [])["error"] == [
        "PlacementError",
        "Select the widgets to duplicate first.",
    ]
    assert call("duplicate", root(), ["MainContainer"])["error"][0] == "PlacementError"


def test_paste_renames_and_goes_below_when_the_place_is_taken(call: Callable[..., Any]) -> None:
    copied = [widget("Button1", 4, 0, 16, 4, "Button")]
    layout = root(widget("Button1", 4, 0, 16, 4, "Button"), widget("Other", 30, 6, 10, 4))
    answer = value(call("paste", layout, copied, {"reserved": ["Button2"]}))
    assert answer["names"] == ["Button3"]
    assert positions(answer["layout"])["Button3"] == (4, 10, 16, 4)


def test_paste_into_a_container_keeps_a_free_place(call: Callable[..., Any]) -> None:
    # Copied on another page: Text5 is free here and keeps its name.
    copied = [widget("Text1", 2, 1, 10, 4), widget("Text5", 14, 1, 10, 4)]
    layout = root(
        widget("Box", 0, 0, 40, 20, "Container", children=[]), widget("Text1", 50, 0, 4, 4)
    )
    answer = value(call("paste", layout, copied, {"parent": "Box"}))
    assert answer["names"] == ["Text2", "Text5"]
    found = positions(answer["layout"])
    assert (found["Text2"], found["Text5"]) == ((2, 1, 10, 4), (14, 1, 10, 4))
    assert children_of(answer["layout"], "Box") == ["Text2", "Text5"]


def test_topmost_drops_the_children_of_selected_containers(call: Callable[..., Any]) -> None:
    layout = root(
        widget("Box", 0, 0, 32, 20, "Container", children=[widget("In", 0, 0, 10, 4)]),
        widget("A", 40, 0, 10, 4),
    )
    assert value(call("topmost", layout, ["In", "A", "Box"])) == ["Box", "A"]
