"""Sandbox escape attempts, one test each (in the manner of Jinja's test_security.py).

Every attempt runs as a binding, the way user code arrives. "Contained" means
the attempt fails with an error on its property, or succeeds at nothing that
reaches the host or outlives its evaluation.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from runtime import UNDEFINED, EvaluationLimits, compile_page, evaluate_template, get_engine
from runtime import engine as engine_module
from runtime.engine import QuickJSEngine
from runtime.errors import EngineCrashed
from runtime.program import SINGLE, Program, Unit
from tests.limits import GENEROUS, TIGHT


def run(
    code: str, scope: dict[str, object] | None = None, limits: EvaluationLimits = GENEROUS
) -> object:
    result = evaluate_template("{{ " + code + " }}", scope, limits=limits)
    return result.errors[0] if result.errors else result.value


def fails(code: str, *needles: str, scope: dict[str, object] | None = None) -> None:
    result = evaluate_template("{{ " + code + " }}", scope, limits=GENEROUS)
    assert result.value is UNDEFINED, result.value
    (error,) = result.errors
    text = f"{error.name}: {error.message}"
    assert all(n in text for n in needles), text


# -- code generation from strings ---------------------------------------------


def test_function_constructor_is_refused() -> None:
    fails("Function('return 1')()", "code generation")


def test_constructor_chain_from_an_array_is_refused() -> None:
    fails("[].constructor.constructor('return globalThis')()", "code generation")


def test_constructor_chain_from_an_arrow_is_refused() -> None:
    fails("(() => 1).constructor('return 1')()", "code generation")


def test_async_function_constructor_is_refused() -> None:
    fails("(async () => 1).constructor('return 1')", "code generation")


def test_generator_function_constructor_is_refused() -> None:
    fails("(function* () {}).constructor('yield 1')", "code generation")


def test_async_generator_function_constructor_is_refused() -> None:
    fails("(async function* () {}).constructor('yield 1')", "code generation")


def test_eval_is_gone() -> None:
    fails("eval('1 + 1')", "ReferenceError")


def test_indirect_eval_is_gone() -> None:
    fails("(0, globalThis.eval)('1')", "TypeError")


# -- tampering that would leak into the next evaluation -------------------------


def test_global_cannot_be_extended() -> None:
    fails("(globalThis.leak = 'secret')", "TypeError")
    assert run("typeof leak") == "undefined"


def test_global_cannot_be_overwritten() -> None:
    fails("(globalThis.JSON = null)", "TypeError")
    assert run("JSON.stringify([1])") == "[1]"


def test_sloppy_global_assignment_is_refused() -> None:
    fails("(leaked = 1)", "ReferenceError")


def test_object_prototype_pollution_is_refused() -> None:
    fails("(Object.prototype.polluted = 1)", "TypeError")
    assert run("({}).polluted") is UNDEFINED


def test_proto_accessor_pollution_is_refused() -> None:
    fails("(({}).__proto__.polluted = 1)", "TypeError")
    assert run("({}).polluted") is UNDEFINED


def test_define_property_on_a_prototype_is_refused() -> None:
    fails("Object.defineProperty(Array.prototype, 'x', { value: 1 })", "TypeError")


def test_builtin_methods_cannot_be_replaced() -> None:
    fails("(Array.prototype.map = () => 'pwned')", "TypeError")
    assert run("[1].map(x => x + 1)") == [2]


def test_prototype_of_state_objects_is_frozen() -> None:
    fails("(Object.getPrototypeOf(Input1).leak = 1)", "TypeError", scope={"Input1": {}})


def test_prototype_chain_cannot_be_replaced() -> None:
    fails("Object.setPrototypeOf(Object.prototype, { leak: 1 })", "TypeError")


def test_hidden_intrinsics_are_frozen() -> None:
    fails("(Object.getPrototypeOf([][Symbol.iterator]()).next = () => 1)", "TypeError")
    fails("(Object.getPrototypeOf(function* () {}).prototype.leak = 1)", "TypeError")
    fails("(Object.getPrototypeOf(async function () {}).leak = 1)", "TypeError")


def test_error_stack_hooks_are_frozen() -> None:
    fails("(Error.stackTraceLimit = 0)", "TypeError")
    fails("(Error.prepareStackTrace = () => 'x')", "TypeError")
    fails("(Error.prototype.stack = 'x')", "TypeError")
    assert run("typeof new Error('e').stack") == "string"


def test_math_random_cannot_be_replaced() -> None:
    fails("(Math.random = () => 4)", "TypeError")


def test_state_does_not_survive_between_evaluations() -> None:
    # Write runs after Read (it reads Read.y), stashing user A's text on the
    # state object. If anything survived, user B's Read would see it.
    page = compile_page(
        {
            "Input1": {"properties": {"text": ""}},
            "Read": {"properties": {"y": "{{ Input1.secret ?? 'nothing' }}"}},
            "Write": {"properties": {"x": "{{ Read.y && (Input1.secret = Input1.text) }}"}},
        }
    )
    first = page.evaluate({"Input1": {"text": "user A's secret"}})
    assert first.values == {"Read.y": "nothing", "Write.x": "user A's secret"}
    second = page.evaluate({"Input1": {"text": "user B"}})
    assert second.values == {"Read.y": "nothing", "Write.x": "user B"}


def test_symbol_registry_carries_no_data() -> None:
    fails("(Symbol.for('stash').leak = 1)", "TypeError")


# -- timers, jobs and weak references ----------------------------------------------


def test_no_timers() -> None:
    assert run("[typeof setTimeout, typeof setInterval, typeof setImmediate]") == [
        "undefined",
        "undefined",
        "undefined",
    ]


def test_no_weak_references_or_finalizers() -> None:
    assert run("[typeof WeakRef, typeof FinalizationRegistry]") == ["undefined", "undefined"]


def test_queued_jobs_never_run_in_a_later_evaluation() -> None:
    engine = get_engine("quickjs", GENEROUS)
    assert isinstance(engine, QuickJSEngine)
    page = compile_page(
        {"A": {"properties": {"x": "{{ (queueMicrotask(() => { for (;;) {} }), 1) }}"}}},
        limits=GENEROUS,
        engine=engine,
    )
    assert page.evaluate(engine=engine).values == {"A.x": 1}
    sandbox = engine.loaded(page.program.fingerprint())
    assert sandbox is not None
    assert sandbox.broken  # thrown away rather than reused with a job pending
    assert page.evaluate(engine=engine).values == {"A.x": 1}


def test_promise_callbacks_never_run_in_a_later_evaluation() -> None:
    error = run("Promise.resolve().then(() => { for (;;) {} })")
    assert getattr(error, "code", None) == "async_in_data_field"
    assert run("1 + 1") == 2


# -- modules and host access ----------------------------------------------------------


@pytest.mark.parametrize("module", ["std", "os", "bjson", "fs", "child_process"])
def test_dynamic_import_of_host_modules_fails(module: str) -> None:
    error = run(f"import('{module}')")
    assert getattr(error, "code", None) == "async_in_data_field"


def test_static_import_is_a_syntax_error() -> None:
    error = run("import std from 'std'")
    assert getattr(error, "code", None) == "syntax_error"


def test_quickjs_std_and_os_globals_are_absent() -> None:
    assert (
        run("[typeof std, typeof os, typeof print, typeof console, typeof scriptArgs]")
        == ["undefined"] * 5
    )


def test_no_host_or_bridged_functions_are_reachable_by_name() -> None:
    standard = set(
        """AggregateError Array ArrayBuffer AsyncDisposableStack Atomics BigInt BigInt64Array
        BigUint64Array Boolean DOMException DataView Date DisposableStack Error EvalError
        Float16Array Float32Array Float64Array Function Infinity Int16Array Int32Array Int8Array
        InternalError Iterator JSON Map Math NaN Number Object Promise Proxy RangeError
        ReferenceError Reflect RegExp Set SharedArrayBuffer String SuppressedError Symbol
        SyntaxError TypeError URIError Uint16Array Uint32Array Uint8Array Uint8ClampedArray
        WeakMap WeakSet atob btoa decodeURI decodeURIComponent encodeURI encodeURIComponent
        escape globalThis isFinite isNaN parseFloat parseInt performance queueMicrotask
        undefined unescape""".split()  # noqa: SIM905
    )
    names = run("Reflect.ownKeys(globalThis).map(String)")
    assert isinstance(names, list)
    assert set(names) - standard - {"Symbol(Symbol.toStringTag)"} == set()


def test_binding_functions_cannot_reach_themselves() -> None:
    fails("(function () { return arguments.callee })()", "TypeError")
    assert run("(function () { return this })()") is UNDEFINED


def test_this_is_undefined_in_bindings() -> None:
    # A method-style call would hand user code the table of compiled bindings.
    assert run("typeof this") == "undefined"
    assert evaluate_template("a {{ typeof this }}", limits=GENEROUS).value == "a undefined"


def test_caller_chain_is_closed() -> None:
    fails("(function f() { return f.caller })()", "TypeError")


def test_scope_values_are_plain_json() -> None:
    assert run("Object.values(s).map(v => typeof v)", {"s": {"a": 1, "b": "x", "c": None}}) == [
        "number",
        "string",
        "object",
    ]


def test_error_messages_do_not_reveal_host_paths() -> None:
    error = run("null.x")
    message = getattr(error, "message", "")
    assert "/" not in message
    assert "python" not in message.lower()


def test_infinite_loop_cannot_hold_the_host() -> None:
    error = run("(() => { for (;;) {} })()", limits=TIGHT)
    assert getattr(error, "code", None) == "time_limit"


def test_catching_the_time_limit_is_impossible() -> None:
    error = run("(() => { for (;;) { try { for (;;) {} } catch (e) {} } })()", limits=TIGHT)
    assert getattr(error, "code", None) == "time_limit"


def test_atomics_wait_cannot_block_the_worker() -> None:
    error = run("Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5000)")
    assert getattr(error, "message", "") == "cannot block in this thread"


def test_catastrophic_regex_ends_at_the_time_limit() -> None:
    error = run("/(a+)+$/.test('a'.repeat(40) + 'b')", limits=TIGHT)
    assert getattr(error, "code", None) == "time_limit"


# QuickJS walks every index of these in C without checking the time limit: on
# a sparse array they would hold the worker for minutes. They run in a child
# process, so that a regression fails this test (the child's timeout) instead
# of hanging the suite; each must be refused before it walks anything.
UNBOUNDED_ARRAY_CALLS = [
    "a.reverse()",
    "a.copyWithin(0, 1)",
    "a.sort()",
    "a.splice(0, 0, 1)",
    "a.unshift(1)",
    "a.shift()",
    "a.slice()",
    "a.concat([1])",
    "[].concat(a)",
    "[].concat({ length: 2 ** 53 - 1, [Symbol.isConcatSpreadable]: true })",
    "a.flat()",
    "a.flatMap(x => x)",
    "a.join()",
    "String(a)",
    "`${a}`",
    "a.toLocaleString()",
    "Array.prototype.reverse.call({ length: 2 ** 53 - 1 })",
    "Array.prototype.join.call({ length: 2 ** 53 - 1 })",
]
_CHILD = """
import json, sys
from runtime import evaluate_template
from tests.limits import GENEROUS
out = {}
for call in json.loads(sys.argv[1]):
    code = "(() => { const a = []; a.length = 2 ** 32 - 1; return " + call + "; })()"
    result = evaluate_template("{{ " + code + " }}", limits=GENEROUS)
    error = result.errors[0] if result.errors else None
    out[call] = [error.code if error else None, error.message if error else None]
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def unbounded_results() -> dict[str, list[object]]:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, json.dumps(UNBOUNDED_ARRAY_CALLS)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    results: dict[str, list[object]] = json.loads(done.stdout)
    return results


@pytest.mark.parametrize("call", UNBOUNDED_ARRAY_CALLS)
def test_array_methods_that_ignore_the_time_limit_refuse_huge_lengths(
    call: str, unbounded_results: dict[str, list[object]]
) -> None:
    code, message = unbounded_results[call]
    assert code == "js_exception"
    assert "refuses length" in str(message)


def test_array_methods_still_work_below_the_cap() -> None:
    assert run("[3, 1, 2].sort().reverse().concat([0]).slice(1).join('-')") == "2-1-0"
    assert run("String([1, [2, 3]])") == "1,2,3"


def test_thrown_proxy_cannot_run_code_in_the_runner() -> None:
    error = run(
        "(() => { throw new Proxy({}, { getPrototypeOf() { throw 1 }, get() { throw 2 } }) })()"
    )
    assert getattr(error, "message", None) == "an exception was thrown"


# -- small programs loaded one after another into one context ------------------------
#
# The engine loads small programs it has not kept (the editor's, after each
# edit) into one context per thread, locked down before the first of them
# (runtime.engine._Reloadable). Nothing one program does may reach the next.


def _program(code: str) -> Program:
    program = Program()
    program.add_function([code], [])
    program.add_unit(Unit("A.x", SINGLE, (0,), ("A", "x"), "{{ }}"))
    return program


def _value(engine: QuickJSEngine, code: str) -> object:
    result = engine.run(_program(code), "{}")
    assert not result.missing, result.missing
    return result.values[0]


def _reloadable(engine: QuickJSEngine, code: str) -> object:
    """The context that holds ``code``'s program (run before): the thread's reloadable one."""
    held = engine.loaded(_program(code).fingerprint())
    assert held is not None
    assert held not in engine._sandboxes().values()
    return held


# What one program could try to leave for the next, each on its own.
POLLUTE = [
    "globalThis.leak = 'secret'",
    "Object.prototype.polluted = 'secret'",
    "Array.prototype.push = () => 'hijacked'",
    "JSON.stringify = () => 'hijacked'",
    "Math.leak = 'secret'",
    "Error.stackTraceLimit = 0",
    "Error.prepareStackTrace = () => 'hijacked'",
    "Object.setPrototypeOf(Object.prototype, { leak: 'secret' })",
    "Symbol.prototype.leak = 'secret'",
    "Symbol.for('stash').leak = 'secret'",
    "/(s)ecret/.exec('secret')",
    "Function.prototype.leak = 'secret'",
]
PROBE = """JSON.stringify([
  typeof leak, ({}).polluted, [].push.name, JSON.stringify.name, Math.leak,
  Error.stackTraceLimit, typeof Error.prepareStackTrace, typeof new Error('x').stack,
  Object.getPrototypeOf(Object.prototype), Symbol.prototype.leak, Symbol.for('stash').leak,
  typeof RegExp.$1, RegExp.$1, (() => 0).leak, Reflect.ownKeys(globalThis).length,
])"""


def test_nothing_a_program_changes_reaches_the_next_program_in_the_same_context() -> None:
    fresh = _value(QuickJSEngine(GENEROUS), PROBE)  # a context nobody else used
    engine = QuickJSEngine(GENEROUS)
    first = "1 + 1"
    assert _value(engine, first) == 2
    context = _reloadable(engine, first)
    for n, attempt in enumerate(POLLUTE):
        # A different program each time (the number), each loaded into the same context.
        _value(engine, f"(() => {{ try {{ {attempt} }} catch (e) {{}} return {n} }})()")
        assert (
            _reloadable(engine, f"(() => {{ try {{ {attempt} }} catch (e) {{}} return {n} }})()")
            is context
        )
    assert _value(engine, PROBE) == fresh
    assert _reloadable(engine, PROBE) is context


def test_a_program_loaded_later_is_compiled_in_a_locked_down_context() -> None:
    engine = QuickJSEngine(GENEROUS)
    assert _value(engine, "1") == 1
    context = _reloadable(engine, "1")
    # Compiled after the lockdown: code generation is still refused, eval still gone.
    error = engine.run(_program("Function('return 1')()"), "{}").missing[0]
    assert error is not None and "code generation" in error[2]
    assert _value(engine, "[typeof eval, typeof globalThis.eval]") == ["undefined", "undefined"]
    assert _reloadable(engine, "[typeof eval, typeof globalThis.eval]") is context


@pytest.mark.parametrize(
    "escape",
    [
        "1); }, (function () { globalThis.pwned = 1 })(), function () { return (1",
        "1); }, Object.prototype.pwned = 1, function () { return (1",
        "1); }, Promise.resolve().then(() => { for (;;) {} }), function () { return (1",
    ],
)
def test_a_text_that_escapes_while_loading_drops_the_reused_context(escape: str) -> None:
    engine = QuickJSEngine(GENEROUS)
    assert _value(engine, "1") == 1
    context = _reloadable(engine, "1")
    program = _program("2")
    program.add_function([escape], [])
    assert engine.verify(program) == {1}
    with pytest.raises(EngineCrashed, match="verification"):
        engine.run(program, "{}")
    assert _value(engine, "[typeof pwned, ({}).pwned]") == ["undefined", None]
    assert _reloadable(engine, "[typeof pwned, ({}).pwned]") is not context


def test_a_job_left_pending_drops_the_reused_context() -> None:
    engine = QuickJSEngine(GENEROUS)
    code = "(queueMicrotask(() => { for (;;) {} }), 1)"
    assert _value(engine, code) == 1
    context = _reloadable(engine, code)
    assert getattr(context, "broken", None) is True
    assert _value(engine, "2") == 2
    assert _reloadable(engine, "2") is not context


def test_a_reused_context_serves_a_bounded_number_of_programs() -> None:
    engine = QuickJSEngine(GENEROUS)
    contexts = []
    for n in range(engine_module._PROGRAMS_PER_RELOADABLE + 1):
        assert _value(engine, str(n)) == n
        contexts.append(_reloadable(engine, str(n)))
    assert all(c is contexts[0] for c in contexts[:-1])
    assert contexts[-1] is not contexts[0]


def test_a_small_program_that_comes_back_gets_a_kept_context() -> None:
    engine = QuickJSEngine(GENEROUS)
    assert _value(engine, "'again'") == "again"
    assert _value(engine, "'between'") == "between"
    assert _value(engine, "'again'") == "again"  # replaced meanwhile: it recurs
    kept = engine._sandboxes().get(_program("'again'").fingerprint())
    assert kept is not None and engine.loaded(_program("'again'").fingerprint()) is kept


def test_a_large_program_gets_a_kept_context() -> None:
    engine = QuickJSEngine(GENEROUS)
    program = Program()
    for n in range(engine_module._RELOADABLE_MAX_UNITS + 1):
        program.add_function([str(n)], [])
        program.add_unit(Unit(f"A.x{n}", SINGLE, (n,), ("A", f"x{n}"), "{{ }}"))
    assert engine.run(program, "{}").values[-1] == engine_module._RELOADABLE_MAX_UNITS
    assert program.fingerprint() in engine._sandboxes()
