"""Limits and bad input: every failure is an error on its property, never a crash."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

import pytest

from runtime import (
    UNDEFINED,
    EngineCrashed,
    EvalError,
    EvaluationLimits,
    InvalidRuntimeInput,
    QuickJSEngine,
    compile_page,
    evaluate_template,
    run_handler,
)
from runtime.program import SINGLE, Program, Unit
from runtime.values import MAX_JSON_DEPTH
from tests.limits import GENEROUS, TIGHT, TIGHT_MEMORY, cpu_budget


def one_error(
    text: str, scope: dict[str, object] | None = None, limits: EvaluationLimits = GENEROUS
) -> EvalError:
    result = evaluate_template(text, scope, limits=limits)
    assert result.value is UNDEFINED
    (error,) = result.errors
    return error


def test_infinite_loop_ends_at_the_time_limit() -> None:
    error = one_error("{{ (() => { while (true) {} })() }}", limits=TIGHT)
    assert error.code == "time_limit"
    assert f"{TIGHT.time_limit_s:g} s" in error.message


def test_infinite_loop_costs_only_its_own_property() -> None:
    page = compile_page(
        {
            "A": {"properties": {"before": "{{ 1 }}"}},
            "B": {"properties": {"loop": "{{ (() => { for (;;) {} })() }}"}},
            "C": {"properties": {"after": "{{ A.before + 1 }}"}},
        },
        limits=TIGHT,
    )
    result = page.evaluate()
    assert result.values == {"A.before": 1, "C.after": 2}
    assert result.errors["B.loop"][0].code == "time_limit"
    # The interrupted context was replaced; the page evaluates again.
    assert page.evaluate().values == {"A.before": 1, "C.after": 2}


def test_many_infinite_loops_stop_at_the_page_budget() -> None:
    limits = replace(TIGHT, max_timeouts_per_run=2)
    page = compile_page(
        {f"L{i}": {"properties": {"x": "{{ (() => { for (;;) {} })() }}"}} for i in range(5)},
        limits=limits,
    )
    errors = page.evaluate().errors
    assert len(errors) == 5
    assert sum("budget" in e[0].message for e in errors.values()) == 3


def test_memory_bomb_ends_at_the_memory_limit() -> None:
    error = one_error(
        "{{ (() => { const a = []; for (;;) a.push(new Array(1e5).fill(1)); })() }}",
        limits=TIGHT_MEMORY,
    )
    assert error.code == "memory_limit"


def test_huge_string_is_an_error() -> None:
    error = one_error("{{ 'x'.repeat(2 ** 30) }}")
    assert error.name in ("RangeError", "MemoryError", "InternalError")


def test_memory_bomb_does_not_poison_the_next_evaluation() -> None:
    one_error("{{ (() => { const a = []; for (;;) a.push('x'.repeat(1e6) + a.length); })() }}")
    assert evaluate_template("{{ 1 + 1 }}", limits=GENEROUS).value == 2


def test_deep_recursion_is_a_stack_error() -> None:
    error = one_error("{{ (function f(n) { return f(n + 1) + 1; })(0) }}")
    assert error.code == "stack_limit"


def test_deeply_nested_json_is_a_stack_error() -> None:
    error = one_error("{{ JSON.parse('['.repeat(10000) + ']'.repeat(10000)) }}")
    assert error.code == "stack_limit"


def test_ten_thousand_deep_source_is_an_error() -> None:
    error = one_error("{{ " + "(" * 10_000 + "1" + ")" * 10_000 + " }}")
    assert error.code == "stack_limit"


def test_one_megabyte_binding_is_an_error() -> None:
    error = one_error("{{ '" + "x" * 1_000_000 + "' }}")
    assert error.code == "too_large"


def test_result_larger_than_the_limit_is_an_error() -> None:
    limits = replace(GENEROUS, max_result_chars=1000)
    error = one_error("{{ 'x'.repeat(5000) }}", limits=limits)
    assert error.code == "too_large"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("() => 1", "function"),
        ("Symbol('s')", "symbol"),
        ("10n", "BigInt"),
        ("(() => { const a = {}; a.self = a; return a })()", "circular"),
    ],
)
def test_non_json_result_is_an_error(code: str, message: str) -> None:
    error = one_error("{{ " + code + " }}")
    assert error.code == "non_json_result"
    assert message in error.message


def test_non_json_inside_text_is_an_error() -> None:
    error = one_error("a {{ () => 1 }}")
    assert error.code == "non_json_result"


def test_large_strings_come_back_whole() -> None:
    # QuickJS returns long concatenations as ropes; the runner must flatten them.
    result = evaluate_template("{{ 'a'.repeat(100000) + 'b' }}")
    assert result.value == "a" * 100000 + "b"


def test_throwing_getter_in_thrown_object_is_reported() -> None:
    error = one_error("{{ (() => { throw { get name() { throw 1 } } })() }}")
    assert error.code == "js_exception"


def test_contexts_are_per_thread() -> None:
    results: list[object] = []

    def work() -> None:
        results.append(evaluate_template("{{ x * 2 }}", {"x": 21}).value)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [42, 42, 42, 42]


def test_setup_failure_is_engine_crashed() -> None:
    limits = replace(GENEROUS, memory_limit_bytes=4 * 1024 * 1024)
    program = Program()
    index = program.add_function(["'" + "x" * 60_000 + "'"], [])
    for i in range(200):
        program.add_unit(Unit(f"A.p{i}", SINGLE, (index,), ("A", f"p{i}"), "{{}}"))
        program.add_function([f"'{i}' + '" + "y" * 30_000 + "'"], [])
    with pytest.raises(EngineCrashed, match="sandbox"):
        QuickJSEngine(limits).run(program, json.dumps({}))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"time_limit_s": 0}, "time_limit_s"),
        ({"time_limit_s": 120}, "time_limit_s"),
        ({"memory_limit_bytes": 1024}, "memory_limit_bytes"),
        ({"max_stack_bytes": 0}, "max_stack_bytes"),
        ({"max_timeouts_per_run": -1}, "max_timeouts_per_run"),
        ({"max_array_length": 0}, "max_array_length"),
    ],
)
def test_limits_are_validated_eagerly(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidRuntimeInput, match=message):
        EvaluationLimits(**kwargs)  # type: ignore[arg-type]


def test_out_of_memory_while_building_the_error_is_a_memory_error() -> None:
    # QuickJS throws null when even the "out of memory" error cannot be built.
    error = one_error(
        "{{ (() => { let o = {}; for (;;) o = { o }; })() }}",
        limits=TIGHT_MEMORY,
    )
    assert error.code == "memory_limit"


def test_deeply_nested_result_is_a_stack_error() -> None:
    error = one_error(
        "{{ (() => { let o = {}; for (let i = 0; i < 1e5; i++) o = { o }; return o })() }}"
    )
    assert error.code == "stack_limit"


def nested(depth: int) -> str:
    """JavaScript building arrays nested ``depth`` levels deep."""
    return f"(() => {{ let a = []; for (let i = 1; i < {depth}; i++) a = [a]; return a }})()"


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 1_000, 2_000])
def test_a_value_nested_deeper_than_brace_keeps_is_an_error_on_its_property(depth: int) -> None:
    page = compile_page(
        {
            "A": {"properties": {"deep": "{{ " + nested(depth) + " }}", "x": "{{ 1 }}"}},
            "B": {"properties": {"y": "{{ A.x + 1 }}"}},
        }
    )
    result = page.evaluate()
    assert result.values == {"A.x": 1, "B.y": 2}
    (error,) = result.errors["A.deep"]
    assert (error.code, error.name) == ("too_deep", "RangeError")
    assert str(MAX_JSON_DEPTH) in error.message


def test_a_value_as_deep_as_brace_keeps_comes_back() -> None:
    value = evaluate_template("{{ " + nested(MAX_JSON_DEPTH) + " }}").value
    for _ in range(MAX_JSON_DEPTH - 1):
        (value,) = value
    assert value == []


def test_state_tampered_by_an_earlier_binding_is_an_error_not_a_crash() -> None:
    trap = "new Proxy({}, { set() { throw new Error('no') } })"
    page = compile_page(
        {
            "A": {"properties": {"x": "{{ (arguments[0].B = " + trap + ", 1) }}"}},
            "B": {"properties": {"y": "{{ A.x + 1 }}"}},
        }
    )
    result = page.evaluate()
    assert result.values == {"A.x": 1}
    assert result.errors["B.y"][0].message == "no"


ESCAPES = [
    # Each closes the wrapper function and runs code while the program loads.
    "1); }, (function () { globalThis.pwned = 1 })(), function () { return (1",
    "1); } globalThis.pwned = 1; function f() { return (1",
    "1 /*",
]


@pytest.mark.parametrize("code", ESCAPES)
def test_quickjs_refuses_a_function_that_escapes_its_wrapper(code: str) -> None:
    # js_analysis rejects these first; this is the engine's own second check,
    # for any text where tree-sitter and QuickJS might read code differently.
    program = Program()
    program.add_function(["1 + 1"], [])
    program.add_function([code], [])
    program.add_unit(Unit("A.x", SINGLE, (1,), ("A", "x"), "{{}}"))
    engine = QuickJSEngine(GENEROUS)
    assert engine.verify(program) == {1}
    with pytest.raises(EngineCrashed, match="verification"):
        engine.run(program, json.dumps({}))


def test_a_runaway_text_during_verification_is_pinpointed() -> None:
    program = Program()
    program.add_function(["1"], [])
    program.add_function(["1); } for (;;) {} function g() { return (1"], [])
    program.add_function(["2"], [])
    assert QuickJSEngine(TIGHT).verify(program) == {1}


# --- one evaluation's time is its own ---------------------------------------

LOOP = "{{ (() => { for (;;) {} })() }}"
# About 0.1 s of work, counted in iterations rather than in time.
BUSY = "let x = 0; for (let i = 0; i < 3e6; i++) { x = (x + i) % 7 }"
LOOPERS = 8


def finishes_among_loopers(
    modest: Callable[[EvaluationLimits], bool], loop: Callable[[], None]
) -> bool:
    """Whether ``modest`` succeeds while LOOPERS threads run ``loop`` over and over.

    Its limit is four times the CPU time it takes alone. A limit counted on
    the process's clock would be spent by the loopers, who run alongside it
    on every core (with eight loopers, about nine times its own time).
    """
    outcome: dict[str, bool] = {}
    calibrated, busy, done = threading.Event(), threading.Event(), threading.Event()

    def run_modest() -> None:
        try:
            started = time.thread_time()
            outcome["alone"] = modest(GENEROUS)
            own = time.thread_time() - started
            calibrated.set()
            busy.wait()
            outcome["among"] = modest(cpu_budget(max(4 * own, 0.1)))
        finally:
            calibrated.set()
            done.set()

    def run_loop(ready: threading.Event) -> None:
        calibrated.wait()
        ready.set()
        while not done.is_set():
            loop()

    readies = [threading.Event() for _ in range(LOOPERS)]
    threads = [threading.Thread(target=run_loop, args=(ready,)) for ready in readies]
    threads.append(threading.Thread(target=run_modest))
    for thread in threads:
        thread.start()
    for ready in readies:
        ready.wait()
    busy.set()
    for thread in threads:
        thread.join()
    assert outcome["alone"]
    return outcome["among"]


def test_bindings_looping_in_other_threads_do_not_spend_an_evaluations_time() -> None:
    def modest(limits: EvaluationLimits) -> bool:
        result = evaluate_template(f"{{{{ (() => {{ {BUSY}; return x }})() }}}}", limits=limits)
        return not result.errors

    def loop() -> None:
        assert evaluate_template(LOOP, limits=TIGHT).errors[0].code == "time_limit"

    assert finishes_among_loopers(modest, loop)


class NoQueries:
    def run_query(self, name: str, params: Mapping[str, Any], store: Mapping[str, Any]) -> Any:
        raise AssertionError("no query runs here")


def test_handlers_looping_in_other_threads_do_not_spend_a_handlers_time() -> None:
    host = NoQueries()

    def modest(limits: EvaluationLimits) -> bool:
        code = f"{{{{ {BUSY}; showAlert(String(x)) }}}}"
        run = run_handler(code, {}, host, action_names=(), limits=limits)
        return run.error is None and len(run.effects) == 1

    def loop() -> None:
        run = run_handler("{{ for (;;) {} }}", {}, host, action_names=(), limits=TIGHT)
        assert run.error is not None and run.error.code == "time_limit"

    assert finishes_among_loopers(modest, loop)
