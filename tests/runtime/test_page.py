"""Compiling and evaluating pages: order, errors per property, incremental runs."""

from __future__ import annotations

import json
import pickle
from collections.abc import Sequence
from typing import Any

import pytest

from runtime import (
    CompiledPage,
    EntitySpec,
    InvalidRuntimeInput,
    PageEvaluation,
    compile_page,
    get_engine,
)
from runtime.program import Program, RunResult

PAGE: dict[str, Any] = {
    "Input1": {"properties": {"text": "", "placeholder": "{{ 'not bindable' }}"}, "bindable": []},
    "Text1": {"properties": {"text": "Hello {{ Input1.text }}!", "onClick": "{{ Api1.run() }}"}},
    "Text2": {"properties": {"text": "{{ Text1.text.length }}"}},
    "Text3": {"properties": {"text": "{{ Text4.text }}"}},
    "Text4": {"properties": {"text": "{{ Text3.text }}"}},
    "Text5": {"properties": {"text": "{{ Text3.text ?? 'fallback' }}"}},
    "Table1": {"properties": {"rows": "{{ Api1.data.map(d => ({ id: d.id })) }}", "visible": True}},
    "Stat1": {
        "properties": {"count": "{{ Api1.data.length }}", "user": "{{ appsmith.user.name }}"}
    },
    "FilePicker1": {
        "properties": {"files": [], "isRequired": True, "onFilesSelected": "{{ Up.run() }}"},
        "derived": {
            "isValid": "this.isRequired ? this.files.length > 0 : true",
            "label": "this.isValid ? 'ok' : 'missing'",
        },
    },
    "Api1": {"properties": {"data": [], "isLoading": False}},
    "Up": {"properties": {"data": None}},
}

STATE: dict[str, Any] = {
    "Input1": {"text": "Ann"},
    "Api1": {"data": [{"id": 1}, {"id": 2}], "isLoading": False, "responseMeta": {}},
    "appsmith": {"store": {}, "user": {"name": "ann"}, "URL": {}},
}


@pytest.fixture(scope="module")
def page() -> CompiledPage:
    return compile_page(PAGE)


def test_values_in_dependency_order(page: CompiledPage) -> None:
    result = page.evaluate(STATE)
    assert result.values["Text1.text"] == "Hello Ann!"
    assert result.values["Text2.text"] == 10
    assert result.values["Table1.rows"] == [{"id": 1}, {"id": 2}]
    assert result.values["Stat1.count"] == 2
    assert result.values["Stat1.user"] == "ann"


def test_static_and_trigger_properties_are_not_evaluated(page: CompiledPage) -> None:
    result = page.evaluate(STATE)
    assert "Text1.onClick" not in result.values
    assert "Input1.placeholder" not in result.values
    assert "Table1.visible" not in result.values
    assert page.static["Text1"]["onClick"] == "{{ Api1.run() }}"
    assert page.static["Input1"]["placeholder"] == "{{ 'not bindable' }}"


def test_cycle_reported_on_each_member_while_the_rest_evaluates(page: CompiledPage) -> None:
    result = page.evaluate(STATE)
    assert result.errors["Text3.text"][0].message == (
        "cyclic dependency: Text3.text -> Text4.text -> Text3.text"
    )
    assert result.errors["Text4.text"][0].code == "cycle"
    assert "Text3.text" not in result.values
    assert result.values["Text5.text"] == "fallback"
    assert result.values["Text1.text"] == "Hello Ann!"


def test_derived_properties_see_this_in_order(page: CompiledPage) -> None:
    assert page.evaluate(STATE).values["FilePicker1.isValid"] is False
    picked = {**STATE, "FilePicker1": {"files": [{"name": "a.txt", "data": "blob:1"}]}}
    result = page.evaluate(picked)
    assert result.values["FilePicker1.isValid"] is True
    assert result.values["FilePicker1.label"] == "ok"


def test_appsmith_defaults_when_state_has_none(page: CompiledPage) -> None:
    result = page.evaluate({})
    assert "Stat1.user" not in result.values
    assert "Stat1.user" not in result.errors


def test_failing_binding_is_undefined_with_an_error_the_rest_runs() -> None:
    page = compile_page(
        {
            "A": {"properties": {"x": "{{ missing.y }}", "y": "{{ 1 }}"}},
            "B": {"properties": {"z": "{{ A.x === undefined }}", "s": "{{ a b }}"}},
        }
    )
    result = page.evaluate()
    (error,) = result.errors["A.x"]
    assert (error.name, error.path, error.binding) == ("ReferenceError", "A.x", "{{ missing.y }}")
    assert result.values == {"A.y": 1, "B.z": True}
    assert result.errors["B.s"][0].code == "syntax_error"


def test_promise_in_a_data_field_is_an_error() -> None:
    page = compile_page({"A": {"properties": {"x": "{{ (async () => 1)() }}", "y": "{{ 2 }}"}}})
    result = page.evaluate()
    assert result.errors["A.x"][0].message == "data fields cannot run asynchronous code"
    assert result.values == {"A.y": 2}


def test_reading_a_whole_entity_waits_for_its_properties() -> None:
    page = compile_page(
        {
            "Dump": {"properties": {"all": "{{ JSON.stringify(Src) }}"}},
            "Src": {"properties": {"a": "{{ 1 + 1 }}", "b": "static"}},
        }
    )
    assert json.loads(page.evaluate().values["Dump.all"]) == {"a": 2, "b": "static"}


def test_result_is_json_serialisable(page: CompiledPage) -> None:
    data = json.loads(json.dumps(page.evaluate(STATE).to_json()))
    assert data["values"]["Text1.text"] == "Hello Ann!"
    assert data["errors"]["Text3.text"][0]["path"] == "Text3.text"


# -- incremental ----------------------------------------------------------------


class CountingEngine:
    """The real engine, recording how many units each run computes."""

    name = "counting"

    def __init__(self) -> None:
        self.inner = get_engine()
        self.runs: list[int] = []

    def run(
        self, program: Program, state_json: str, order: Sequence[int] | None = None
    ) -> RunResult:
        self.runs.append(len(program.units) if order is None else len(order))
        return self.inner.run(program, state_json, order)

    def syntax_error(self, code: str) -> Any:
        return self.inner.syntax_error(code)

    def verify(self, program: Program) -> set[int]:
        return self.inner.verify(program)


def test_reevaluate_runs_only_affected_bindings(page: CompiledPage) -> None:
    engine = CountingEngine()
    before = page.evaluate(STATE, engine=engine)
    changed = {**STATE, "Input1": {"text": "Bob"}}
    after = page.reevaluate(before, ["Input1.text"], changed, engine=engine)
    assert engine.runs[1] == 2  # Text1.text and Text2.text, nothing else
    assert after.values["Text1.text"] == "Hello Bob!"
    assert after.values["Text2.text"] == 10
    assert after == page.evaluate(changed)


def test_reevaluate_after_query_data_changes(page: CompiledPage) -> None:
    before = page.evaluate(STATE)
    changed = {**STATE, "Api1": {"data": [{"id": 9}]}}
    after = page.reevaluate(before, ["Api1.data"], changed)
    assert after.values["Table1.rows"] == [{"id": 9}]
    assert after.values["Stat1.count"] == 1
    assert after == page.evaluate(changed)


def test_reevaluate_with_a_parent_path_reruns_readers_of_children(page: CompiledPage) -> None:
    affected = {page.units[n].path for n in page.affected(["Api1"])}
    assert affected == {"Table1.rows", "Stat1.count"}


def test_reevaluate_clears_an_error_that_is_fixed() -> None:
    page = compile_page({"A": {"properties": {"x": "{{ Src.v.toUpperCase() }}"}}, "Src": {}})
    before = page.evaluate({"Src": {"v": None}})
    assert "A.x" in before.errors
    after = page.reevaluate(before, ["Src.v"], {"Src": {"v": "ok"}})
    assert after.values == {"A.x": "OK"}
    assert after.errors == {}


def test_reevaluate_with_nothing_affected_returns_previous_values(page: CompiledPage) -> None:
    before = page.evaluate(STATE)
    after = page.reevaluate(before, ["Nobody.reads"], STATE)
    assert after == before


def test_changed_path_must_be_a_string(page: CompiledPage) -> None:
    with pytest.raises(InvalidRuntimeInput, match="changed path"):
        page.reevaluate(page.evaluate(STATE), [""], STATE)


# -- storage --------------------------------------------------------------------


def test_compiled_page_round_trips_through_json(page: CompiledPage) -> None:
    stored = json.loads(json.dumps(page.to_json()))
    loaded = CompiledPage.from_json(stored)
    assert loaded.evaluate(STATE) == page.evaluate(STATE)


def test_compiled_page_pickles(page: CompiledPage) -> None:
    loaded = pickle.loads(pickle.dumps(page))
    assert loaded.evaluate(STATE) == page.evaluate(STATE)


def test_stored_page_of_another_version_is_refused(page: CompiledPage) -> None:
    with pytest.raises(InvalidRuntimeInput, match="recompile"):
        CompiledPage.from_json({**page.to_json(), "version": 0})


# -- bad input ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entities", "message"),
    [
        ({"1bad": {}}, "not a JavaScript identifier"),
        ({"class": {}}, "not a JavaScript identifier"),
        ({"appsmith": {}}, "reserved"),
        ({"A": {"props": {}}}, "unknown keys"),
        ({"A": ["x"]}, "expected a mapping"),
    ],
)
def test_bad_page_spec_is_a_configuration_error(entities: Any, message: str) -> None:
    with pytest.raises(InvalidRuntimeInput, match=message):
        compile_page(entities)


def test_state_must_be_a_mapping(page: CompiledPage) -> None:
    with pytest.raises(InvalidRuntimeInput, match="state"):
        page.evaluate(["x"])  # type: ignore[arg-type]


def test_state_must_be_json(page: CompiledPage) -> None:
    with pytest.raises(InvalidRuntimeInput, match="JSON"):
        page.evaluate({"Input1": {"text": object()}})


def test_state_must_be_json_when_reevaluating(page: CompiledPage) -> None:
    before = page.evaluate(STATE)
    changed = {**STATE, "Input1": {"text": float("nan")}}
    with pytest.raises(InvalidRuntimeInput, match="state must be JSON data"):
        page.reevaluate(before, ["Input1.text"], changed)


def test_entity_spec_objects_are_accepted() -> None:
    spec = EntitySpec(properties={"x": "{{ 1 }}", "y": "{{ 2 }}"}, bindable=frozenset({"x"}))
    result = compile_page({"A": spec}).evaluate()
    assert result == PageEvaluation(values={"A.x": 1}, errors={})


def test_static_properties_must_be_json() -> None:
    with pytest.raises(InvalidRuntimeInput, match="static properties must be JSON"):
        compile_page({"A": {"properties": {"when": object()}}})


def test_short_entity_names_do_not_collide_with_the_runtime() -> None:
    page = compile_page({"S": {"properties": {"v": 1}}, "T": {"properties": {"x": "{{ S.v }}"}}})
    assert page.evaluate().values == {"T.x": 1}


class RefusingEngine(CountingEngine):
    """The real engine, except that its verification refuses every function."""

    def verify(self, program: Program) -> set[int]:
        return set(range(len(program.functions)))


def test_functions_the_engine_refuses_fail_their_property_at_compile_time() -> None:
    engine = RefusingEngine()
    page = compile_page({"A": {"properties": {"x": "{{ 1 }}", "y": "n"}}}, engine=engine)
    (error,) = page.compile_errors["A.x"]
    assert (error.code, error.path) == ("syntax_error", "A.x")
    assert page.program.units == []


# -- meta properties: the end user's value in the state wins over the binding --------

META_PAGE: dict[str, Any] = {
    "Api1": {"properties": {"data": {"name": "Default"}}},
    "Input1": {
        "properties": {"text": "{{ Api1.data.name }}", "defaultText": "{{ Api1.data.name }}"},
        "meta": ["text"],
    },
    "Text1": {"properties": {"text": "Hi {{ Input1.text }}"}},
    "Text2": {"properties": {"text": "{{ Input1.defaultText }}"}},
}


@pytest.fixture(scope="module")
def meta_page() -> CompiledPage:
    return compile_page(META_PAGE)


def test_entity_spec_declares_meta_properties() -> None:
    spec = EntitySpec.coerce("Input1", META_PAGE["Input1"])
    assert spec.meta == frozenset({"text"})
    assert EntitySpec(meta=frozenset({"text"})).meta == {"text"}


def test_meta_paths_are_recorded_at_compile_time(meta_page: CompiledPage) -> None:
    assert meta_page.meta == {"Input1.text"}


def test_without_a_state_value_the_binding_computes_the_meta_property(
    meta_page: CompiledPage,
) -> None:
    result = meta_page.evaluate({})
    assert result.values["Input1.text"] == "Default"
    assert result.values["Text1.text"] == "Hi Default"


def test_the_state_value_wins_over_the_binding(meta_page: CompiledPage) -> None:
    result = meta_page.evaluate({"Input1": {"text": "typed"}})
    assert result.values["Input1.text"] == "typed"
    assert result.values["Text1.text"] == "Hi typed"
    assert result.values["Text2.text"] == "Default"  # not meta: always computed


def test_a_non_meta_property_is_still_recomputed_over_the_state() -> None:
    page = compile_page({"Input1": {"properties": {"text": "{{ 'bound' }}"}}})
    assert page.evaluate({"Input1": {"text": "typed"}}).values["Input1.text"] == "bound"


def test_an_overridden_binding_reports_no_error() -> None:
    page = compile_page({"Input1": {"properties": {"text": "{{ nope( }}"}, "meta": ["text"]}})
    assert page.evaluate({}).errors["Input1.text"][0].code == "syntax_error"
    result = page.evaluate({"Input1": {"text": "typed"}})
    assert result.values["Input1.text"] == "typed"
    assert "Input1.text" not in result.errors


def test_reevaluate_after_typing_keeps_the_typed_value(meta_page: CompiledPage) -> None:
    before = meta_page.evaluate({})
    typed = {"Input1": {"text": "typed"}}
    after = meta_page.reevaluate(before, ["Input1.text"], typed)
    assert after.values == meta_page.evaluate(typed).values


def test_reevaluate_when_the_default_changes_keeps_the_typed_value(
    meta_page: CompiledPage,
) -> None:
    state: dict[str, Any] = {"Input1": {"text": "typed"}}
    before = meta_page.evaluate(state)
    state = {**state, "Api1": {"data": {"name": "New"}}}
    after = meta_page.reevaluate(before, ["Api1.data"], state)
    assert after.values["Input1.text"] == "typed"
    assert after.values["Text1.text"] == "Hi typed"
    assert after.values["Text2.text"] == "New"


def test_reevaluate_after_a_reset_computes_the_binding_again(meta_page: CompiledPage) -> None:
    typed = meta_page.evaluate({"Input1": {"text": "typed"}})
    after = meta_page.reevaluate(typed, ["Input1.text"], {})
    assert after.values["Input1.text"] == "Default"
    assert after.values["Text1.text"] == "Hi Default"


def test_meta_survives_storage(meta_page: CompiledPage) -> None:
    loaded = CompiledPage.from_json(json.loads(json.dumps(meta_page.to_json())))
    assert loaded.meta == {"Input1.text"}
    assert loaded.evaluate({"Input1": {"text": "x"}}).values["Text1.text"] == "Hi x"
    assert pickle.loads(pickle.dumps(meta_page)).meta == {"Input1.text"}


def test_a_page_stored_in_the_previous_format_is_refused(meta_page: CompiledPage) -> None:
    with pytest.raises(InvalidRuntimeInput, match="format 2 is not 3; recompile the page"):
        CompiledPage.from_json({**meta_page.to_json(), "version": 2})
