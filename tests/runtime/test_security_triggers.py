"""Escape attempts from event handlers, one test each (in the manner of Jinja's test_security.py).

Every attempt runs as a handler, the way user code arrives. "Contained" means
the attempt fails with an error, or succeeds at nothing that reaches the host,
outlives its run, or makes the host do more than the handler is allowed.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import pytest

from runtime import EngineCrashed, HandlerRun, QueryOutcome, engine, run_handler
from runtime.triggers import MAX_EFFECTS, MAX_REQUEST_CHARS, _Loop, prepare_handler_contexts
from runtime.values import MAX_JSON_DEPTH
from tests.limits import GENEROUS, TIGHT, TIGHT_MEMORY

STATE = {"data": None, "isLoading": False, "responseMeta": None}


class RecordingHost:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def run_query(
        self, name: str, params: Mapping[str, Any], store: Mapping[str, Any]
    ) -> QueryOutcome:
        self.calls.append((name, dict(params)))
        meta = {"statusCode": 200, "headers": {}, "isExecutionSuccess": True}
        return QueryOutcome(True, {"data": {"ok": True}, "isLoading": False, "responseMeta": meta})


def run(code: str, host: RecordingHost | None = None, **kwargs: Any) -> HandlerRun:
    scope = kwargs.pop("scope", {"Q": dict(STATE), "Secret": dict(STATE), "appsmith": {}})
    kwargs.setdefault("action_names", {"Q"})
    kwargs.setdefault("limits", GENEROUS)
    return run_handler("{{ " + code + " }}", scope, host or RecordingHost(), **kwargs)


def alerts(result: HandlerRun) -> list[str]:
    return [e["message"] for e in result.effects if e["type"] == "showAlert"]


def fails(code: str, *needles: str, host: RecordingHost | None = None, **kwargs: Any) -> HandlerRun:
    result = run(code, host, **kwargs)
    assert result.error is not None, result
    text = f"{result.error.code} {result.error.name}: {result.error.message}"
    assert all(n in text for n in needles), text
    return result


def shows(code: str) -> list[str]:
    result = run(code)
    assert result.error is None, result.error
    return alerts(result)


# -- no way out to the host --------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["require", "process", "os", "std", "__brace_triggers", "__brace_sandbox", "eval", "WeakRef"],
)
def test_host_objects_are_absent(name: str) -> None:
    assert shows(f"showAlert(typeof globalThis.{name})") == ["undefined"]


def test_function_constructor_is_refused() -> None:
    fails("Function('return globalThis')()", "code generation")


def test_constructor_of_a_bridged_function_is_refused() -> None:
    fails("showAlert.constructor('return 1')()", "code generation")


def test_async_function_constructor_is_refused() -> None:
    fails("(async () => 1).constructor('return 1')", "code generation")


def test_arguments_do_not_reach_the_host_api() -> None:
    # The segment function's arguments are the scope and bridged functions only.
    result = run("showAlert(JSON.stringify(Object.keys(Q)))")
    assert alerts(result) == ['["data","isLoading","responseMeta","run","clear"]']


# -- nothing survives between runs -------------------------------------------------


def test_global_object_cannot_be_extended() -> None:
    fails("globalThis.leak = 'secret'", "TypeError")
    assert shows("showAlert(typeof leak)") == ["undefined"]


def test_sloppy_global_assignment_is_refused() -> None:
    fails("leak = 1", "ReferenceError")


def test_object_prototype_pollution_is_refused() -> None:
    fails("Object.prototype.polluted = 1", "TypeError")
    assert shows("showAlert(String(({}).polluted))") == ["undefined"]


def test_promise_prototype_cannot_be_hijacked() -> None:
    fails("Promise.prototype.then = () => 'pwned'", "TypeError")
    fails("Object.getPrototypeOf(Promise.prototype).then = () => 'pwned'", "TypeError")


def test_json_cannot_be_replaced_to_forge_requests() -> None:
    fails('JSON.stringify = () => \'[1, "query", "Secret", {}]\'', "TypeError")


def test_pollution_attempts_caught_silently_still_leave_nothing() -> None:
    run("try { globalThis.x = 1; Object.prototype.y = 2 } catch (e) {}")
    assert shows("showAlert(typeof x + typeof ({}).y)") == ["undefinedundefined"]


def test_a_bridged_function_cannot_be_stored_for_a_later_run() -> None:
    fails("storeValue('fn', showAlert)", "TypeError", "not a function")


def test_a_pending_promise_stored_is_only_data() -> None:
    first = run("storeValue('p', new Promise(() => {}))")
    assert first.error is None and first.store == {"p": {}}
    scope = {"Q": dict(STATE), "appsmith": {"store": first.store}}
    assert run("showAlert(typeof appsmith.store.p.then)", scope=scope).effects[0]["message"] == (
        "undefined"
    )


def test_a_timer_never_fires_in_a_later_run() -> None:
    first = run("setTimeout(() => showAlert('late'), 1e12)")
    assert alerts(first) == ["late"]  # virtual time: it ran in its own run
    assert shows("showAlert('second')") == ["second"]


def test_a_never_resolving_promise_ends_cleanly() -> None:
    result = run("new Promise(() => {}).then(() => showAlert('never')); showAlert('a')")
    assert result.error is None
    assert alerts(result) == ["a"]


def test_awaiting_forever_ends_cleanly() -> None:
    result = run("(async () => { await new Promise(() => {}); showAlert('never') })()")
    assert result.error is None and result.effects == []


# -- the host does only what it is allowed to ---------------------------------------


def test_an_action_not_in_action_names_cannot_run() -> None:
    host = RecordingHost()
    fails("Secret.run()", "TypeError", host=host)
    assert host.calls == []


def test_run_cannot_be_pointed_at_another_action() -> None:
    host = RecordingHost()
    run("Q.run.call(Secret); Q.run.apply(Secret, [{}]); Reflect.apply(Q.run, Secret, [])", host)
    assert [name for name, _ in host.calls] == ["Q", "Q", "Q"]


def test_a_run_function_copied_to_another_object_still_runs_its_own_query() -> None:
    host = RecordingHost()
    run("Secret.run = Q.run; Secret.run()", host)
    assert [name for name, _ in host.calls] == ["Q"]


def test_the_host_runs_at_most_max_queries() -> None:
    host = RecordingHost()
    fails(
        "for (let i = 0; i < 100; i++) Q.run()",
        "limit_exceeded",
        "more than 3 queries",
        host=host,
        max_queries=3,
    )
    assert len(host.calls) == 3


def test_a_query_loop_that_catches_is_still_bounded() -> None:
    host = RecordingHost()
    fails(
        "(async () => { for (;;) await Q.run().catch(() => 0) })()",
        "more than 5 queries",
        host=host,
        max_queries=5,
    )
    assert len(host.calls) == 5


def test_zero_max_queries_runs_none() -> None:
    host = RecordingHost()
    fails("Q.run()", "more than 0 queries", host=host, max_queries=0)
    assert host.calls == []


def test_effects_are_bounded() -> None:
    result = fails(
        "(async () => { for (;;) await showAlert('x') })()",
        "limit_exceeded",
        f"more than {MAX_EFFECTS} effects",
    )
    assert len(result.effects) == MAX_EFFECTS


def test_a_huge_effect_is_refused() -> None:
    result = fails(
        "showAlert('a'); showAlert('x'.repeat(2 * 1024 * 1024))",
        "RangeError",
        f"the limit is {MAX_REQUEST_CHARS}",
    )
    assert alerts(result) == ["a"]


def test_a_huge_download_is_refused() -> None:
    fails("download({ big: 'x'.repeat(2 * 1024 * 1024) }, 'a.json')", "RangeError", "download")


def test_huge_query_params_are_refused() -> None:
    host = RecordingHost()
    fails("Q.run({ big: 'x'.repeat(2 * 1024 * 1024) })", "RangeError", host=host)
    assert host.calls == []


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 1_000])
@pytest.mark.parametrize("call", ["navigateTo('P', a)", "Q.run(a)", "storeValue('k', a)"])
def test_a_request_nested_deeper_than_brace_keeps_ends_the_handler(call: str, depth: int) -> None:
    host = RecordingHost()
    build = f"let a = {{}}; for (let i = 1; i < {depth}; i++) a = {{ a }};"
    result = run(f"await showAlert('a'); {build} {call}", host)
    assert result.error is not None
    # Deeper than QuickJS itself goes, storeValue's freeze stops it first.
    assert result.error.code in ("too_deep", "stack_limit")
    assert host.calls == []
    assert alerts(result) == ["a"]


def test_a_caught_huge_effect_sends_nothing() -> None:
    result = run("try { showAlert('x'.repeat(2 * 1024 * 1024)) } catch (e) { showAlert(e.name) }")
    assert result.error is None and alerts(result) == ["RangeError"]


# -- limits -------------------------------------------------------------------------


def test_infinite_loop_in_a_then_callback_ends_at_the_time_limit() -> None:
    result = fails(
        "showAlert('a'); Q.run().then(() => { for (;;) {} })",
        "time_limit",
        "0.3 s time limit",
        limits=TIGHT,
    )
    assert alerts(result) == ["a"]


def test_infinite_loop_in_the_handler_body_ends_at_the_time_limit() -> None:
    fails("for (;;) {}", "time_limit", limits=TIGHT)


def test_an_endless_chain_of_jobs_ends_at_the_time_limit() -> None:
    fails(
        "(function again() { return Promise.resolve().then(again) })()", "time_limit", limits=TIGHT
    )


def test_busy_turns_end_at_the_total_time_budget() -> None:
    code = (
        "(async () => { for (;;) { const t = Date.now(); while (Date.now() - t < 200) {}"
        " await showAlert('turn') } })()"
    )
    # Each turn stays under 0.3 s; the whole handler may not pass 3 x 0.3 s.
    fails(code, "time_limit", limits=TIGHT)


def test_a_trap_on_an_action_object_runs_under_the_time_limit() -> None:
    fails(
        "Object.defineProperty(Q, 'data', { set() { for (;;) {} } }); Q.run()",
        "time_limit",
        limits=TIGHT,
    )


def test_a_frozen_action_object_is_reported_and_sends_nothing() -> None:
    host = RecordingHost()
    result = run("Object.freeze(Q); Q.run().then(() => showAlert('ran'))", host)
    assert result.error is not None and result.error.name == "TypeError"
    assert host.calls == []


def test_a_setter_trap_on_an_action_object_is_reported() -> None:
    result = run("Object.defineProperty(Q, 'data', { set() { throw new Error('trap') } }); Q.run()")
    assert result.error is not None and result.error.message == "trap"


def test_memory_is_bounded() -> None:
    fails(
        "const a = []; for (;;) a.push('x'.repeat(100000) + a.length)",
        "memory_limit",
        limits=TIGHT_MEMORY,
    )


def test_recursion_is_bounded() -> None:
    fails("(function r() { return r() + 1 })()", "stack_limit")


def test_sparse_array_methods_are_bounded() -> None:
    fails("const a = []; a.length = 2 ** 32 - 1; a.reverse()", "RangeError", "refuses length")


def test_a_throwing_getter_on_the_thrown_value_is_contained() -> None:
    result = run("throw { get name() { throw 1 }, get message() { throw 2 } }")
    assert result.error is not None and result.error.message == "an exception was thrown"


def test_code_that_would_escape_its_function_wrapper_is_refused() -> None:
    host = RecordingHost()
    result = run("} }); showAlert('escaped'); (async function () { {", host)
    assert result.effects == [] and host.calls == []
    assert result.error is not None and result.error.code == "syntax_error"
    assert result.error.message == "the engine does not read this handler as one function body"


def test_a_getter_trap_on_an_unhandled_rejection_reason_runs_under_the_time_limit() -> None:
    fails("Promise.reject({ get name() { for (;;) {} } })", "time_limit", limits=TIGHT)


def test_the_host_refuses_a_request_no_bridged_function_could_make() -> None:
    # Requests are only made by the sandbox's own functions; one for an action
    # outside action_names would mean the JavaScript half is broken.
    loop = _Loop(None, RecordingHost(), HandlerRun(), frozenset({"Q"}), 5, GENEROUS)  # type: ignore[arg-type]
    with pytest.raises(EngineCrashed, match="'query' request for 'Secret'"):
        loop._perform(1, "query", "Secret", {})
    with pytest.raises(EngineCrashed, match="malformed effect"):
        loop._perform(2, "effect", "x", {"type": "runShell"})


# -- contexts built ahead, and handed from one run to the next --------------------


def _spare_contexts() -> list[Any]:
    return engine._spare.__dict__.get("contexts", [])


def _spare_context() -> Any:
    (spare,) = _spare_contexts()
    return spare[1]


# Everything a handler could try to leave for the next one on its thread, each
# attempt on its own so that one refusal does not skip the rest.
POLLUTE = [
    "globalThis.leak = 'secret'",
    "Object.prototype.polluted = 'secret'",
    "Array.prototype.push = () => 'hijacked'",
    "Promise.prototype.then = () => 'hijacked'",
    "Promise.resolve = () => 'hijacked'",
    "JSON.stringify = () => 'hijacked'",
    "showAlert.leak = 'secret'",
    "Object.defineProperty(storeValue, 'leak', { value: 'secret' })",
    "Math.leak = 'secret'",
    "Error.stackTraceLimit = 0",
    "Error.prepareStackTrace = () => 'hijacked'",
    "Object.setPrototypeOf(Object.prototype, { leak: 'secret' })",
    "Symbol.prototype.leak = 'secret'",
    "Q.leak = 'secret'",
    "appsmith.leak = 'secret'",
    "Q.run.leak = 'secret'",
    "/(s)ecret/.exec('secret')",
    "storeValue('leak', 'secret', false)",
]
PROBE = """showAlert(JSON.stringify([
  typeof leak, ({}).polluted, [].push.name, Promise.prototype.then.name,
  Promise.resolve.name, JSON.stringify.name, showAlert.leak, storeValue.leak, Math.leak,
  Error.stackTraceLimit, typeof Error.prepareStackTrace, typeof new Error('x').stack,
  Object.getPrototypeOf(Object.prototype), Symbol.prototype.leak, Q.leak, appsmith.leak,
  Q.run.leak, typeof RegExp.$1, appsmith.store,
  Object.getOwnPropertyNames(globalThis).length,
]))"""


def _probe() -> list[str]:
    return shows(PROBE)


def test_a_context_built_ahead_is_locked_down() -> None:
    assert shows("showAlert('this thread has run a handler')")
    _spare_contexts().clear()
    prepare_handler_contexts(GENEROUS)
    built_ahead = _spare_context()
    fails("Object.prototype.polluted = 1", "TypeError")  # runs in the spare
    assert _spare_context() is built_ahead
    assert shows("showAlert(typeof ({}).polluted)") == ["undefined"]
    fails("Function('return globalThis')()", "code generation")


def test_a_clean_run_hands_its_context_to_the_next_run_on_its_thread() -> None:
    _spare_contexts().clear()
    assert shows("showAlert('first')") == ["first"]
    context = _spare_context()
    prepare_handler_contexts(GENEROUS)  # one is ready: nothing to build
    assert _spare_context() is context
    assert shows("showAlert('second')") == ["second"]
    assert _spare_context() is context
    assert _spare_contexts()[0][3] == 2  # the runs it served


def test_nothing_a_run_changes_reaches_the_next_run_in_the_same_context() -> None:
    _spare_contexts().clear()
    fresh = _probe()  # what a context nobody else used shows
    context = _spare_context()
    for attempt in POLLUTE:
        run(f"try {{ {attempt} }} catch (e) {{}}")
    assert run("; ".join(f"try {{ {a} }} catch (e) {{}}" for a in POLLUTE)).error is None
    assert _spare_context() is context  # every attempt ran in it, and it was kept
    assert _probe() == fresh
    assert _spare_context() is context
    assert json.loads(fresh[0])[:3] == ["undefined", None, "push"]


# A rejection nobody handled is reported after the last turn, and reporting
# reads the reason's name: that user code runs when the run is otherwise over.
LATE = "Promise.reject({{ get name() {{ {0}; return 'Boom' }} }}); showAlert('a')"


def test_requests_made_while_reporting_do_not_reach_the_next_run() -> None:
    _spare_contexts().clear()
    late = "showAlert('late'); Q.run(); setTimeout(() => showAlert('timer'), 0)"
    first = run(LATE.format(late))
    assert first.error is not None and first.error.name == "Boom"
    assert alerts(first) == ["a"]
    context = _spare_context()
    host = RecordingHost()
    assert alerts(run("showAlert('next')", host)) == ["next"]
    assert host.calls == []
    assert _spare_context() is context


def test_a_job_queued_while_reporting_drops_the_context() -> None:
    _spare_contexts().clear()
    first = run(LATE.format("Promise.resolve().then(() => showAlert('job'))"))
    assert first.error is not None and first.error.name == "Boom"
    assert _spare_contexts() == []
    assert shows("showAlert('next')") == ["next"]


@pytest.mark.parametrize(
    ("code", "limits", "needle"),
    [
        ("for (;;) {}", TIGHT, "time_limit"),
        ("const a = []; for (;;) a.push('x'.repeat(100000) + a.length)", TIGHT_MEMORY, "memory"),
        ("(function r() { return r() + 1 })()", GENEROUS, "stack_limit"),
        (f"for (let i = 0; i < {MAX_EFFECTS + 1}; i++) showAlert(i)", GENEROUS, "limit_exceeded"),
    ],
)
def test_a_run_stopped_by_a_limit_drops_its_context(code: str, limits: Any, needle: str) -> None:
    assert shows("showAlert('warm')")
    _spare_contexts().clear()
    result = run(code, limits=limits)
    assert result.error is not None and result.error.code.startswith(needle), result.error
    assert _spare_contexts() == []


def test_a_run_the_host_failed_drops_its_context() -> None:
    class FailingHost(RecordingHost):
        def run_query(
            self, name: str, params: Mapping[str, Any], store: Mapping[str, Any]
        ) -> QueryOutcome:
            raise EngineCrashed("the host failed")

    _spare_contexts().clear()
    with pytest.raises(EngineCrashed):
        run("Q.run()", FailingHost())
    assert _spare_contexts() == []


def test_a_context_serves_a_bounded_number_of_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "_RUNS_PER_HANDLER_CONTEXT", 2)
    _spare_contexts().clear()
    assert shows("showAlert('one')") == ["one"]
    context = _spare_context()
    assert shows("showAlert('two')") == ["two"]  # its second and last run
    assert _spare_contexts() == []
    assert shows("showAlert('three')") == ["three"]
    assert _spare_context() is not context


def test_a_context_built_ahead_tracks_unhandled_rejections() -> None:
    # Its Promise is the tracking subclass, put in place before the lockdown.
    assert shows("showAlert('warm')")
    _spare_contexts().clear()
    prepare_handler_contexts(GENEROUS)
    fails("new Promise((_, reject) => reject(new Error('nobody caught me')))", "nobody caught")
    # And a context handed back still does.
    fails("new Promise((_, reject) => reject(new Error('nor me')))", "nor me")


def test_a_context_built_for_other_limits_is_not_used() -> None:
    assert shows("showAlert('warm')")
    _spare_contexts().clear()
    prepare_handler_contexts(replace(TIGHT, max_array_length=1 << 30))
    # The run's own limits' array guard (2 ** 21) applies, not the spare's.
    fails("const a = []; a.length = 2 ** 22; a.reverse()", "refuses length")
    # The run's own context is the one kept, for the run's limits.
    assert [spare[0] for spare in _spare_contexts()] == [GENEROUS]


def test_a_thread_that_never_ran_a_handler_builds_none() -> None:
    kept: list[Any] = []

    def idle() -> None:
        prepare_handler_contexts(GENEROUS)
        kept.append(engine._spare.__dict__.get("contexts"))

    thread = threading.Thread(target=idle)
    thread.start()
    thread.join()
    assert kept == [None]
