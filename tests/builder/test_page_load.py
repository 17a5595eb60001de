"""Which queries run when a portal page opens (builder.page_load): Appsmith's rule and order."""

from __future__ import annotations

import pytest

from builder.execution.evaluation import compile_source
from builder.page_load import config_texts, page_load_plan
from tests.builder.helpers import layout, widget
from widgets import collect_widget_names


def plan(widgets, **configs):
    tree = layout(*widgets)
    actions = [{"name": name, "config": config} for name, config in configs.items()]
    compiled = compile_source(tree, list(configs))
    return page_load_plan(actions, compiled, collect_widget_names(tree))


def text(name, value):
    return widget(name, "Text", {"text": value})


class TestTheAutomaticRule:
    def test_a_get_query_a_widget_binds_runs(self):
        result = plan([text("T", "{{Api1.data.name}}")], Api1={"method": "GET"})
        assert result.order == ("Api1",)
        assert result.widgets == {"T": ("Api1",)}

    def test_a_config_without_a_method_is_a_get(self):
        assert plan([text("T", "{{Api1.data}}")], Api1={}).order == ("Api1",)

    def test_a_get_query_nothing_binds_does_not_run(self):
        assert plan([text("T", "hello")], Api1={"method": "GET"}).order == ()

    @pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
    def test_a_query_with_side_effects_does_not_run(self, method):
        assert plan([text("T", "{{Api1.data}}")], Api1={"method": method}).order == ()

    def test_a_query_a_running_query_binds_runs_first(self):
        result = plan(
            [text("T", "{{Api2.data}}")],
            Api2={"path": "items/{{Api1.data.id}}"},
            Api1={"method": "GET"},
        )
        assert result.order == ("Api1", "Api2")
        assert result.widgets == {"T": ("Api2",)}

    def test_a_widget_reading_a_widget_that_reads_the_query_waits_too(self):
        widgets = [text("A", "{{Api1.data}}"), text("B", "{{A.text}}")]
        assert plan(widgets, Api1={}).widgets == {"A": ("Api1",), "B": ("Api1",)}

    def test_an_event_handler_is_not_a_binding(self):
        button = widget("B", "Button", {"text": "Go", "onClick": "{{Api1.run()}}"})
        assert plan([button], Api1={}).order == ()


class TestExplicitSettings:
    def test_true_runs_a_post_nothing_binds(self):
        assert plan([], Api1={"method": "POST", "run_on_page_load": True}).order == ("Api1",)

    def test_false_never_runs_even_when_bound(self):
        result = plan([text("T", "{{Api1.data}}")], Api1={"run_on_page_load": False})
        assert (result.order, result.widgets) == ((), {})

    def test_a_query_set_false_is_not_pulled_in_by_one_that_binds_it(self):
        result = plan(
            [],
            Api2={"run_on_page_load": True, "path": "{{Api1.data.id}}"},
            Api1={"run_on_page_load": False},
        )
        assert result.order == ("Api2",)


class TestCycles:
    def test_a_cycle_is_an_error_and_its_queries_do_not_run(self):
        result = plan(
            [text("T", "{{A.data}} {{C.data}}")],
            A={"path": "{{B.data.x}}"},
            B={"path": "{{A.data.y}}"},
            C={},
        )
        assert result.order == ("C",)
        assert result.errors == {"A": "A -> B -> A", "B": "B -> A -> B"}
        assert result.to_json()["errors"] == [
            {"action": "A", "code": "dependency_cycle", "message": "A -> B -> A"},
            {"action": "B", "code": "dependency_cycle", "message": "B -> A -> B"},
        ]
        assert result.widgets == {"T": ("C",)}


def test_config_texts_covers_path_rows_and_body():
    config = {
        "path": "p",
        "headers": [{"key": "h", "value": "hv"}, "junk"],
        "query_params": [{"key": "q", "value": "qv"}],
        "body": {"a": ["b", {"c": "d"}], "n": 1},
    }
    assert [t for t in config_texts(config) if isinstance(t, str)] == [
        "p",
        "h",
        "hv",
        "q",
        "qv",
        "b",
        "d",
    ]
    assert list(config_texts("not a config")) == []
