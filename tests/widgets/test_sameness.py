"""widgets.sameness, and what the editor's passes over a changed draft build on it."""

from __future__ import annotations

import copy

import pytest

from widgets import (
    entities_before,
    layout_errors,
    same_json,
    same_widget,
    unchanged_widgets,
    widget_entities,
    widget_nodes,
    with_meta_state,
)

NODE = {
    "widgetName": "T",
    "type": "Text",
    "props": {"text": "{{ 1 }}", "isVisible": True},
    "position": {"x": 0, "y": 0, "w": 4, "h": 1},
    "children": [],
}


def tree(*children: dict) -> dict:
    return {
        "widgetName": "MainContainer",
        "type": "Container",
        "props": {},
        "position": {"x": 0, "y": 0, "w": 64, "h": 60},
        "children": list(children),
    }


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ({"a": [1, {"b": True}], "c": "d"}, {"c": "d", "a": [1, {"b": True}]}, True),
        (1, True, False),
        ({"a": [1]}, {"a": [1.0]}, False),
        (-0.0, 0.0, False),
        ([1, 2], [2, 1], False),
    ],
)
def test_same_json(a, b, same):
    assert same_json(a, b) is same
    assert same_json(b, a) is same


@pytest.mark.parametrize(
    ("change", "same"),
    [
        (lambda n: n["children"].append(copy.deepcopy(NODE)), True),
        (lambda n: n["props"].update(isVisible=1), False),
        (lambda n: n["props"].update(text="{{ 2 }}"), False),
        (lambda n: n["position"].update(x=0.0), False),
        (lambda n: n["props"].update(allowed=["a"]), False),
        (lambda n: n.update(type="Button"), False),
        (lambda n: n.pop("children"), False),
        (lambda n: n.update(widgetName=1), False),
        (lambda n: n.update(props=[]), False),
        (lambda n: n.update(position=None), False),
        (lambda n: n["props"].update(text=None), False),
        (lambda n: n["props"].update(isVisible=-0.0), False),
        (lambda n: n["position"].update(w={"n": 4}), False),
    ],
)
def test_same_widget_leaves_children_out_and_nothing_else(change, same):
    other = copy.deepcopy(NODE)
    change(other)
    assert same_widget(NODE, other) is same
    assert same_widget(other, NODE) is same


def test_a_nested_value_is_compared_as_json():
    a = {**NODE, "props": {"allowed": [1, {"k": True}]}, "extra": [0.5, {"z": None}]}
    assert same_widget(a, copy.deepcopy(a))
    assert not same_widget(a, {**a, "extra": [0.5, {"z": False}]})
    assert same_widget({**NODE, "props": {"h": 0.5}}, {**NODE, "props": {"h": 0.5}})
    assert not same_widget({**NODE, "props": {"h": -0.0}}, {**NODE, "props": {"h": 0.0}})
    assert not same_widget(a, {**NODE, "props": {"allowed": [1, {"k": 1}]}})


def test_unchanged_widgets_are_given_as_the_new_nodes():
    before = tree(NODE, {**copy.deepcopy(NODE), "widgetName": "U"})
    after = copy.deepcopy(before)
    after["children"][1]["props"]["text"] = "x"
    found = unchanged_widgets(widget_nodes(after), widget_nodes(before))
    assert set(found) == {"MainContainer", "T"}
    assert found["T"] is after["children"][0]


@pytest.mark.parametrize(
    "spoil",
    [
        lambda t: t["children"][1].update(widgetName="T"),
        lambda t: t["children"][1]["props"].update(text=5),
        lambda t: t.update(widgetName="Root"),
        lambda t: t["children"].append(copy.deepcopy(t)),
    ],
)
def test_valid_before_finds_the_same_faults(spoil):
    valid = tree(NODE, {**copy.deepcopy(NODE), "widgetName": "U"})
    spoiled = copy.deepcopy(valid)
    spoil(spoiled)
    nodes = unchanged_widgets(widget_nodes(spoiled), widget_nodes(valid))
    assert layout_errors(spoiled, valid_before=nodes) == layout_errors(spoiled)
    assert layout_errors(spoiled)


def test_entities_are_kept_for_unchanged_widgets_and_rebuilt_for_the_rest():
    layout = tree(NODE, {**copy.deepcopy(NODE), "widgetName": "U"})
    first = widget_entities(layout)
    after = copy.deepcopy(layout)
    after["children"][1]["props"]["text"] = "changed"
    before = entities_before(layout, first)
    kept = widget_entities(
        after,
        before=before.__class__(unchanged_widgets(widget_nodes(after), before.nodes), first, {}),
    )
    assert kept == widget_entities(after)
    assert kept["T"] is first["T"]
    assert kept["U"] is not first["U"]


def test_with_meta_state_is_widget_entities_with_that_state():
    layout = tree(
        {**copy.deepcopy(NODE), "widgetName": "In", "type": "Input", "props": {"defaultText": "d"}}
    )
    before = entities_before(layout, widget_entities(layout))
    state = {"In": {"text": "typed"}, "Gone": {"text": "x"}}
    assert with_meta_state(before, state) == widget_entities(layout, state)


@pytest.mark.parametrize(
    ("state_then", "state_now", "kept"),
    [
        (None, None, True),
        ({}, None, True),
        (None, {"In": {}}, True),
        ({"In": {"text": "a"}}, {"In": {"text": "a"}}, True),
        ({"In": {"text": "a"}}, {"In": {"text": "b"}}, False),
        (None, {"In": {"text": "a"}}, False),
        ({"In": {"text": "a"}}, None, False),
        ({"In": {"text": 1}}, {"In": {"text": True}}, False),
    ],
)
def test_an_entity_is_kept_only_with_the_same_meta_state(state_then, state_now, kept):
    layout = tree({**copy.deepcopy(NODE), "widgetName": "In", "type": "Input", "props": {}})
    first = widget_entities(layout, state_then)
    before = entities_before(layout, first, state_then)
    again = widget_entities(copy.deepcopy(layout), state_now, before=before)
    assert again == widget_entities(layout, state_now)
    assert (again["In"] is first["In"]) is kept
    assert again["MainContainer"] is first["MainContainer"]
