"""DraftPage: property-by-property recompiles give what a whole compile gives.

Every test compares the incremental answer (``edited`` + ``run(since=...)``)
with ``compile_page(...).evaluate(...)`` of the same entities and state:
equal values, and equal errors (code, name, message, binding, line, column).
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from runtime import InvalidRuntimeInput, compile_page
from runtime.draft_page import DraftPage, DraftRun

STATE: dict[str, Any] = {
    "Input1": {"text": "ann"},
    "Api1": {"data": [{"score": 3}, {"score": 8}], "isLoading": False},
    "appsmith": {"store": {"total": 4}, "user": {}, "URL": {}},
}


def base_page() -> dict[str, Any]:
    """Chains, templates, whole-entity reads, a derived property and a meta property."""
    entities: dict[str, Any] = {
        "Input1": {
            "properties": {"text": "{{ Default.label }}", "label": "Name"},
            "meta": ["text"],
        },
        "Api1": {"properties": {"data": None, "isLoading": False}, "bindable": []},
        "Default": {"properties": {"label": "{{ 'x' + 'y' }}"}},
        "List": {
            "properties": {"items": "{{ Api1.data.map(d => d.score) }}"},
            "derived": {"count": "this.items ? this.items.length : 0"},
        },
    }
    for i in range(12):
        previous = f"T{i - 1}.n + 1" if i else "List.count"
        entities[f"T{i}"] = {
            "properties": {
                "n": f"{{{{ {previous} }}}}",
                "label": f"#{i} {{{{ Input1.text }}}} of {{{{ appsmith.store.total }}}}",
                "color": "#111111",
                "onClick": "{{ Api1.run() }}",
            },
            "triggers": ["onClick"],
        }
    entities["Whole"] = {"properties": {"dump": "{{ JSON.stringify(T3) }}"}}
    return entities


def full(entities: dict[str, Any], state: dict[str, Any]) -> Any:
    return compile_page(entities).evaluate(state)


def assert_same(run: DraftRun, entities: dict[str, Any], state: dict[str, Any]) -> None:
    expected = full(entities, state)
    assert run.evaluation.values == expected.values
    assert run.evaluation.errors == expected.errors


def edit_once(rng: random.Random, entities: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``entities`` with one random change of the kinds the editor makes."""
    edited = {
        name: {**spec, "properties": dict(spec["properties"])} for name, spec in entities.items()
    }
    names = [n for n in edited if n.startswith("T")]
    name = rng.choice(names)
    props = edited[name]["properties"]
    kind = rng.randrange(11)
    if kind == 0:
        props["color"] = f"#{rng.randrange(16**6):06x}"  # a literal
    elif kind == 1:
        props["label"] = f"now {{{{ {rng.choice(names)}.n }}}} !"  # a template's text and reads
    elif kind == 2:
        props["color"] = "{{ Api1.data.length > 1 ? 'red' : 'blue' }}"  # a binding added
    elif kind == 3:
        props["n"] = "7"  # a binding removed
    elif kind == 4:
        props["n"] = "{{ ( }}"  # a syntax error
    elif kind == 5:
        props["n"] = f"{{{{ {rng.choice(names)}.n + 1 }}}}"  # may close a cycle
    elif kind == 6:
        edited[f"New{rng.randrange(1000)}"] = {"properties": {"v": f"{{{{ {name}.n }}}}"}}
    elif kind == 7 and len(names) > 3:
        del edited[name]  # a widget removed: what read it now fails
    elif kind == 8:
        new_name = f"R{rng.randrange(1000)}"  # a rename, bindings left as they were
        edited = {(new_name if n == name else n): spec for n, spec in edited.items()}
    elif kind == 9:
        props["label"] = f"{{{{ {name}.missing.x }}}}"  # a runtime error
    else:
        props["n"] = f"{{{{ Ghost{rng.randrange(3)}.n }}}}"  # an unknown name, maybe added later
        edited[f"Ghost{rng.randrange(3)}"] = {"properties": {"n": "{{ 5 }}"}}
    return edited


class TestSameAsAWholeCompile:
    def test_the_first_run(self) -> None:
        entities = base_page()
        assert_same(DraftPage.compile(entities).run(STATE), entities, STATE)

    @pytest.mark.parametrize("seed", range(6))
    def test_random_single_property_edits(self, seed: int) -> None:
        rng = random.Random(seed)
        entities = base_page()
        run = DraftPage.compile(entities).run(STATE)
        for _ in range(25):
            entities = edit_once(rng, entities)
            page, edit = run.page.edited(entities)
            run = page.run(STATE, since=run, edit=edit)
            assert_same(run, entities, STATE)

    def test_a_cycle_made_and_broken(self) -> None:
        entities = base_page()
        run = DraftPage.compile(entities).run(STATE)
        cyclic = base_page()
        cyclic["T0"]["properties"]["n"] = "{{ T5.n }}"
        page, edit = run.page.edited(cyclic)
        broken = page.run(STATE, since=run, edit=edit)
        assert_same(broken, cyclic, STATE)
        assert broken.evaluation.errors["T0.n"][0].code == "cycle"
        page, edit = broken.page.edited(entities)
        assert_same(page.run(STATE, since=broken, edit=edit), entities, STATE)

    def test_a_state_change_with_an_edit(self) -> None:
        entities = base_page()
        run = DraftPage.compile(entities).run(STATE)
        changed = base_page()
        changed["T4"]["properties"]["label"] = "{{ Input1.text.toUpperCase() }}"
        state = {**STATE, "Input1": {"text": "bob"}}
        page, edit = run.page.edited(changed)
        after = page.run(state, since=run, edit=edit, changed_paths=["Input1.text"])
        assert_same(after, changed, state)
        assert after.evaluation.values["T4.label"] == "BOB"

    def test_a_meta_value_in_the_state_wins_and_then_goes(self) -> None:
        entities = base_page()
        run = DraftPage.compile(entities).run({})
        assert run.evaluation.values["Input1.text"] == "xy"
        typed = {"Input1": {"text": "typed"}}
        run = run.page.run(typed, since=run, changed_paths=["Input1.text"])
        assert_same(run, entities, typed)
        run = run.page.run({}, since=run, changed_paths=["Input1.text"])
        assert_same(run, entities, {})

    def test_a_run_of_an_unrelated_page_evaluates_everything(self) -> None:
        entities = base_page()
        stranger = DraftPage.compile({"A": {"properties": {"v": "{{ 1 }}"}}}).run({})
        assert_same(DraftPage.compile(entities).run(STATE, since=stranger), entities, STATE)


class TestWhatIsDoneAgain:
    def test_a_literal_edit_recompiles_nothing_and_reruns_its_readers(self) -> None:
        entities = base_page()
        entities["Reader"] = {"properties": {"c": "{{ T2.color }}"}}
        run = DraftPage.compile(entities).run(STATE)
        entities = {
            **entities,
            "T2": {**entities["T2"], "properties": dict(entities["T2"]["properties"])},
        }
        entities["T2"]["properties"]["color"] = "#222222"
        page, edit = run.page.edited(entities)
        reader = page.positions["Reader.c"]
        assert edit.starts == {reader}
        assert page.properties[reader] is run.page.properties[reader]
        assert page.run(STATE, since=run, edit=edit).evaluation.values["Reader.c"] == "#222222"

    def test_one_changed_binding_recompiles_one_property_and_keeps_the_graph(self) -> None:
        entities = base_page()
        run = DraftPage.compile(entities).run(STATE)
        changed = {
            **entities,
            "T7": {**entities["T7"], "properties": dict(entities["T7"]["properties"])},
        }
        changed["T7"]["properties"]["label"] = "{{ T2.n + '!' }}"
        page, edit = run.page.edited(changed)
        node = page.positions["T7.label"]
        assert edit.starts == {node}
        assert page.depends_on[node] != run.page.depends_on[node]
        assert (
            sum(a is not b for a, b in zip(page.properties, run.page.properties, strict=True)) == 1
        )

    def test_state_that_is_not_json_is_refused(self) -> None:
        page = DraftPage.compile(base_page())
        with pytest.raises(InvalidRuntimeInput):
            page.run({"Input1": {"text": float("nan")}})
        with pytest.raises(InvalidRuntimeInput):
            page.run(["not", "a", "mapping"])  # type: ignore[arg-type]

    def test_entity_names_are_checked_on_edit(self) -> None:
        page = DraftPage.compile(base_page())
        with pytest.raises(InvalidRuntimeInput, match="reserved"):
            page.edited({**base_page(), "appsmith": {"properties": {}}})
