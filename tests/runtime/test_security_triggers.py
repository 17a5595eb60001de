"""Escape attempts from event handlers, one test each (in the manner of Jinja's test_security.py).

Every attempt runs as a handler, the way user code arrives. "Contained" means
the attempt fails with an error, or succeeds at nothing that reaches the host,
outlives its run, or makes the host do more than the handler is allowed.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import pytest

from runtime import EngineCrashed, EvaluationLimits, HandlerRun, QueryOutcome, engine, run_handler
from runtime.triggers import MAX_EFFECTS, MAX_REQUEST_CHARS, _Loop, prepare_handler_contexts

# Tests that expect no timeout run with time to spare: the limit is wall time,
# and a stalled VM once made a trivial handler miss 0.3 s. Tests of the time
# limit itself pass SHORT.
LIMITS = EvaluationLimits(time_limit_s=5.0)
SHORT = EvaluationLimits(time_limit_s=0.3)
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
    kwargs.setdefault("limits", LIMITS)
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


def test_a_caught_huge_effect_sends_nothing() -> None:
    result = run("try { showAlert('x'.repeat(2 * 1024 * 1024)) } catch (e) { showAlert(e.name) }")
    assert result.error is None and alerts(result) == ["RangeError"]


# -- limits -------------------------------------------------------------------------


def test_infinite_loop_in_a_then_callback_ends_at_the_time_limit() -> None:
    result = fails(
        "showAlert('a'); Q.run().then(() => { for (;;) {} })",
        "time_limit",
        "0.3 s time limit",
        limits=SHORT,
    )
    assert alerts(result) == ["a"]


def test_infinite_loop_in_the_handler_body_ends_at_the_time_limit() -> None:
    fails("for (;;) {}", "time_limit", limits=SHORT)


def test_an_endless_chain_of_jobs_ends_at_the_time_limit() -> None:
    fails(
        "(function again() { return Promise.resolve().then(again) })()", "time_limit", limits=SHORT
    )


def test_busy_turns_end_at_the_total_time_budget() -> None:
    code = (
        "(async () => { for (;;) { const t = Date.now(); while (Date.now() - t < 200) {}"
        " await showAlert('turn') } })()"
    )
    # Each turn stays under 0.3 s; the whole handler may not pass 3 x 0.3 s.
    fails(code, "time_limit", limits=SHORT)


def test_a_trap_on_an_action_object_runs_under_the_time_limit() -> None:
    fails(
        "Object.defineProperty(Q, 'data', { set() { for (;;) {} } }); Q.run()",
        "time_limit",
        limits=SHORT,
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
    # A time limit far above what filling 16 MB takes, so the memory limit is
    # what ends the run even on a busy machine.
    limits = EvaluationLimits(time_limit_s=10.0, memory_limit_bytes=16 * 1024 * 1024)
    fails(
        "const a = []; for (;;) a.push('x'.repeat(100000) + a.length)",
        "memory_limit",
        limits=limits,
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
    fails("Promise.reject({ get name() { for (;;) {} } })", "time_limit", limits=SHORT)


def test_the_host_refuses_a_request_no_bridged_function_could_make() -> None:
    # Requests are only made by the sandbox's own functions; one for an action
    # outside action_names would mean the JavaScript half is broken.
    loop = _Loop(None, RecordingHost(), HandlerRun(), frozenset({"Q"}), 5, LIMITS)  # type: ignore[arg-type]
    with pytest.raises(EngineCrashed, match="'query' request for 'Secret'"):
        loop._perform(1, "query", "Secret", {})
    with pytest.raises(EngineCrashed, match="malformed effect"):
        loop._perform(2, "effect", "x", {"type": "runShell"})


# -- contexts built ahead (prepare_handler_contexts) -------------------------------


def _spare_contexts() -> list[Any]:
    return engine._spare.__dict__.get("contexts", [])


def test_a_context_built_ahead_is_locked_down_and_serves_one_run() -> None:
    assert shows("showAlert('this thread has run a handler')")
    prepare_handler_contexts(LIMITS)
    assert len(_spare_contexts()) == 1
    fails("Object.prototype.polluted = 1", "TypeError")  # runs in the spare
    assert _spare_contexts() == []
    prepare_handler_contexts(LIMITS)
    assert shows("showAlert(typeof ({}).polluted)") == ["undefined"]
    fails("Function('return globalThis')()", "code generation")


def test_a_context_built_ahead_tracks_unhandled_rejections() -> None:
    # Its Promise is the tracking subclass, put in place before the lockdown.
    assert shows("showAlert('warm')")
    prepare_handler_contexts(LIMITS)
    fails("new Promise((_, reject) => reject(new Error('nobody caught me')))", "nobody caught")
    assert _spare_contexts() == []


def test_a_context_built_for_other_limits_is_not_used() -> None:
    assert shows("showAlert('warm')")
    prepare_handler_contexts(EvaluationLimits(time_limit_s=0.3, max_array_length=1 << 30))
    # LIMITS' own array guard (2 ** 21) applies, not the spare's.
    fails("const a = []; a.length = 2 ** 22; a.reverse()", "refuses length")
    assert _spare_contexts() == []


def test_a_thread_that_never_ran_a_handler_builds_none() -> None:
    kept: list[Any] = []

    def idle() -> None:
        prepare_handler_contexts(LIMITS)
        kept.append(engine._spare.__dict__.get("contexts"))

    thread = threading.Thread(target=idle)
    thread.start()
    thread.join()
    assert kept == [None]
