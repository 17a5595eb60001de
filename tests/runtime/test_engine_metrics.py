"""Time-outs of the JavaScript sandbox are counted, for bindings and handlers apart."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from runtime import evaluate_template, run_handler
from tests.limits import GENEROUS, TIGHT
from tests.metrics.reading import sample

TIMEOUTS = "brace_sandbox_timeouts_total"


class NoQueries:
    def run_query(self, name: str, params: Mapping[str, Any], store: Mapping[str, Any]) -> Any:
        raise AssertionError("no query runs here")


def test_a_binding_that_loops_counts_one_binding_timeout() -> None:
    before = sample(TIMEOUTS, kind="binding"), sample(TIMEOUTS, kind="handler")
    result = evaluate_template("{{ (() => { while (true) {} })() }}", limits=TIGHT)
    assert result.errors[0].code == "time_limit"
    assert sample(TIMEOUTS, kind="binding") == before[0] + 1
    assert sample(TIMEOUTS, kind="handler") == before[1]


def test_a_handler_that_loops_counts_one_handler_timeout() -> None:
    before = sample(TIMEOUTS, kind="handler")
    run = run_handler("{{ for (;;) {} }}", {}, NoQueries(), action_names=(), limits=TIGHT)
    assert run.error is not None and run.error.code == "time_limit"
    assert sample(TIMEOUTS, kind="handler") == before + 1


def test_code_that_ends_counts_nothing() -> None:
    before = sample(TIMEOUTS, kind="binding"), sample(TIMEOUTS, kind="handler")
    assert evaluate_template("{{ [1, 2].map(x => x * 2) }}", limits=GENEROUS).value == [2, 4]
    run = run_handler("{{ showAlert('hi') }}", {}, NoQueries(), action_names=(), limits=GENEROUS)
    assert run.error is None
    assert (sample(TIMEOUTS, kind="binding"), sample(TIMEOUTS, kind="handler")) == before
