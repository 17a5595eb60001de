"""The JavaScript engine: QuickJS (``quickjs-ng``), behind one small interface.

This is the only module that imports ``quickjs``. Everything above it talks
to :class:`Engine`: "run these units of this program against this state".

Isolation. A QuickJS context costs ~0.3 ms and compiling a 3,000-binding page
~11 ms, so a page's compiled context is reused, but only after a lockdown:
code generation from strings is refused, weak references and finalizers are
removed, and every intrinsic and the global object are frozen (see
``js/sandbox.js``). Each evaluation gets a fresh state object and nothing
else; nothing user code does can outlive its evaluation. A context that hit
the memory limit, was interrupted, or still has pending jobs (a Promise
callback that would run during somebody else's turn) is thrown away.

Before any program is loaded, ``verify`` has QuickJS itself confirm that
every binding function compiles to exactly one function (tree-sitter
already checked; QuickJS is the parser that runs the code), so no binding
can run code while the program loads, before the lockdown.

The lockdown also caps the length accepted by the array methods QuickJS
runs in C without checking the time limit (``max_array_length``).

Contexts are kept per thread because QuickJS runtimes must not be shared
across threads, even one at a time.

Limits. ``set_time_limit`` bounds each call into JavaScript. A batch that is
interrupted resumes in a fresh context after the unit that ran too long, so
one infinite loop costs its own property and one time limit, not the page.

Triggers (event handlers, next issue) fit the same shape. quickjs-ng cannot
call into Python while a time limit is set, so JavaScript never calls the
host: a bridged function (``Query.run()``, ``showAlert``, ``storeValue``)
will be plain JavaScript installed by ``js/sandbox.js`` before the lockdown
that appends a request to a per-run queue (like ``ctl`` here) and returns a
pending Promise. The host loop then alternates: call into JavaScript, read
the queue, perform the requests in Python (HTTP outside the JavaScript time
budget), resolve or reject the Promises by id, and drain
``execute_pending_job()``, until no job and no request is left. A handler
context is used once and dropped, since it ends with jobs pending by design.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from importlib import resources
from typing import Any, Protocol

import quickjs

from runtime.errors import EngineCrashed, JavaScriptSyntaxError
from runtime.limits import DEFAULT_LIMITS, EvaluationLimits
from runtime.program import Program, RunResult

_SANDBOX_JS = resources.files("runtime").joinpath("js/sandbox.js").read_text(encoding="utf-8")
_CONTEXTS_PER_THREAD = 16

# Why verify: bindings are pasted into function wrappers, and js_analysis
# (tree-sitter) has proved each is one expression. QuickJS is the parser
# that counts, and the two do differ in corners (HTML-like comments), so
# before a program is loaded QuickJS itself must agree: each function text,
# compiled alone, is one function whose source is the whole text. Texts run
# here in a throwaway context, so what an escaping text does at top level
# is harmless; everything the check relies on is captured before any text
# runs, and the result is built with string concatenation, which user code
# cannot intercept.
_VERIFY_JS = """
(function () {
  "use strict";
  const indirectEval = eval;
  const fnToString = Function.prototype.toString;
  const apply = Reflect.apply;
  return function check(texts) {
    let bad = "";
    for (let i = 0; i < texts.length; i++) {
      let ok = false;
      try {
        const f = indirectEval("(" + texts[i] + ")");
        ok = typeof f === "function" && apply(fnToString, f, []) === texts[i];
      } catch (e) {
        ok = false;
      }
      if (!ok) bad = bad + i + ",";
    }
    return bad;
  };
})()
"""
_verified: set[bytes] = set()
_verified_lock = threading.Lock()
_MAX_VERIFIED = 200_000


class Engine(Protocol):
    """What the evaluator needs from a JavaScript engine."""

    name: str

    def __hash__(self) -> int:
        """Engines are used as cache keys; identity is enough."""
        ...

    def run(
        self,
        program: Program,
        state_json: str,
        order: Sequence[int] | None = None,
    ) -> RunResult:
        """Compute ``program.units`` (all, or those in ``order``) against a fresh state."""
        ...

    def syntax_error(self, code: str) -> JavaScriptSyntaxError | None:
        """The engine's own syntax error for one binding's code, if any."""
        ...

    def verify(self, program: Program) -> set[int]:
        """Indexes of functions whose source does not compile to exactly one function."""
        ...


class _Sandbox:
    """One locked-down QuickJS context holding one loaded program."""

    def __init__(self, program: Program, limits: EvaluationLimits, verified: bool) -> None:
        if not verified:
            raise EngineCrashed("refusing to load a program whose functions failed verification")
        self.context = quickjs.Context()
        self.context.set_memory_limit(limits.memory_limit_bytes)
        self.context.set_max_stack_size(limits.max_stack_bytes)
        self.context.eval(_SANDBOX_JS)
        api = self.context.eval("globalThis.__brace_sandbox")
        self.context.eval("delete globalThis.__brace_sandbox")
        self.run_fn = self.context.eval("(api) => api.run")(api)
        functions = self.context.eval(program.source())
        units = self.context.parse_json(program.units_json())
        self.context.eval("(api, f, u) => api.load(f, u)")(api, functions, units)
        self.context.eval("(api, n) => api.lockdown([api], n)")(api, limits.max_array_length)
        # The time limit is set last: setting up is the host's own work.
        self.context.set_time_limit(limits.time_limit_s)
        self.broken = False


class QuickJSEngine:
    """The default engine. Safe for untrusted code."""

    name = "quickjs"

    def __init__(self, limits: EvaluationLimits = DEFAULT_LIMITS) -> None:
        self.limits = limits
        self._local = threading.local()

    def _sandboxes(self) -> OrderedDict[str, _Sandbox]:
        cache: OrderedDict[str, _Sandbox] | None = getattr(self._local, "sandboxes", None)
        if cache is None:
            cache = OrderedDict()
            self._local.sandboxes = cache
        return cache

    def _sandbox(self, program: Program, fingerprint: str) -> _Sandbox:
        cache = self._sandboxes()
        sandbox = cache.get(fingerprint)
        if sandbox is None or sandbox.broken:
            sandbox = _Sandbox(program, self.limits, not self.verify(program))
            cache[fingerprint] = sandbox
            if len(cache) > _CONTEXTS_PER_THREAD:
                cache.popitem(last=False)
        cache.move_to_end(fingerprint)
        return sandbox

    def discard_all(self) -> None:
        """Forget this thread's contexts (tests and cold benchmarks use it)."""
        self._sandboxes().clear()

    def run(
        self,
        program: Program,
        state_json: str,
        order: Sequence[int] | None = None,
    ) -> RunResult:
        fingerprint = program.fingerprint()
        total = len(program.units) if order is None else len(order)
        result = RunResult()
        timeouts = 0
        while len(result) < total:
            if timeouts >= self.limits.max_timeouts_per_run:
                exhausted = ("time_limit", "TimeoutError", "skipped: page time budget exhausted")
                while len(result) < total:
                    result.append(None, True, exhausted)
                break
            start = len(result)
            try:
                sandbox = self._sandbox(program, fingerprint)
            except (quickjs.JSException, quickjs.StackOverflow) as exc:
                raise EngineCrashed(f"could not set up the sandbox: {exc}") from exc
            state = state_json if start == 0 else _replay(program, state_json, order, result)
            partial, fatal = self._call(sandbox, state, order, start)
            result.extend(partial)
            if fatal is not None:
                result.append(None, True, fatal)
                if fatal[0] == "time_limit":
                    timeouts += 1
        return result

    def _call(
        self,
        sandbox: _Sandbox,
        state_json: str,
        order: Sequence[int] | None,
        start: int,
    ) -> tuple[RunResult, tuple[str, str, str] | None]:
        context = sandbox.context
        # `out` grows by one entry per finished unit: after an interruption its
        # length says which unit was running.
        ctl = context.parse_json(json.dumps({"start": start, "out": [], "ex": []}))
        try:
            state = context.parse_json(state_json)
            order_js = None if order is None else context.parse_json(json.dumps(list(order)))
            wire = sandbox.run_fn(state, order_js, ctl, self.limits.max_result_chars)
        except quickjs.StackOverflow as exc:
            sandbox.broken = True
            return _partial(ctl, start), ("stack_limit", "RangeError", _first_line(exc))
        except quickjs.JSException as exc:
            sandbox.broken = True
            message = _first_line(exc)
            if "interrupted" in message:
                error = (
                    "time_limit",
                    "TimeoutError",
                    f"took longer than the {self.limits.time_limit_s:g} s time limit",
                )
            elif "out of memory" in message:
                error = ("memory_limit", "MemoryError", "memory limit exceeded")
            else:
                error = ("js_exception", "InternalError", message)
            return _partial(ctl, start), error
        if json.loads(ctl.json()).get("discard") or _has_pending_job(context):
            sandbox.broken = True
        return RunResult.from_wire(json.loads(wire), start), None

    def verify(self, program: Program) -> set[int]:
        sources = [f.source() for f in program.functions]
        # Digests, not texts: a binding may be 64 KiB and the cache is process-wide.
        digests = [hashlib.sha256(source.encode()).digest() for source in sources]
        with _verified_lock:
            pending = [i for i, digest in enumerate(digests) if digest not in _verified]
        if not pending:
            return set()
        bad = {pending[i] for i in _verify_texts([sources[i] for i in pending], self.limits)}
        with _verified_lock:
            if len(_verified) > _MAX_VERIFIED:
                _verified.clear()
            _verified.update(digests[i] for i in pending if i not in bad)
        return bad

    def syntax_error(self, code: str) -> JavaScriptSyntaxError | None:
        context = quickjs.Context()
        context.set_memory_limit(self.limits.memory_limit_bytes)
        context.set_time_limit(self.limits.time_limit_s)
        try:
            # A throwaway context: if the code escapes the wrapper, what it
            # runs at top level is harmless here (verify() then rejects it).
            context.eval(f"(function () {{ return (\n{code}\n); }})")
        except quickjs.JSException as exc:
            if not str(exc).startswith("SyntaxError"):
                return None
            return _syntax_error_from(str(exc))
        except quickjs.StackOverflow:
            return None
        return None


def forget_verified() -> None:
    """Forget which function texts passed verification (cold benchmarks use it)."""
    with _verified_lock:
        _verified.clear()


def _scratch_context(limits: EvaluationLimits) -> Any:
    context = quickjs.Context()
    context.set_memory_limit(limits.memory_limit_bytes)
    context.set_max_stack_size(limits.max_stack_bytes)
    context.set_time_limit(limits.time_limit_s)
    return context


def _verify_texts(texts: Sequence[str], limits: EvaluationLimits) -> set[int]:
    """Positions in ``texts`` that do not compile to exactly one function."""
    if not texts:
        return set()
    context = _scratch_context(limits)
    try:
        check = context.eval(_VERIFY_JS)
        answer = check(context.parse_json(json.dumps(list(texts))))
    except (quickjs.JSException, quickjs.StackOverflow):
        # Something ran away (or broke the context): check one by one, each
        # in a context of its own, so the culprit is the only one refused.
        if len(texts) == 1:
            return {0}
        return {i for i, text in enumerate(texts) if _verify_texts([text], limits)}
    return {int(i) for i in str(answer).split(",") if i}


def _has_pending_job(context: Any) -> bool:
    """True if this evaluation left Promise jobs behind.

    They are callbacks queued by this evaluation and must never run during
    another one, so the context is dropped instead of drained. Checking runs
    one job (QuickJS has no peek); whatever it does, it is still this
    evaluation's code, under the time limit, on a context about to go.
    """
    try:
        return bool(context.execute_pending_job())
    except (quickjs.JSException, quickjs.StackOverflow):
        return True


def _partial(ctl: Any, start: int) -> RunResult:
    """What an interrupted batch finished before it stopped."""
    try:
        data = json.loads(ctl.json())
    except Exception:
        return RunResult()
    values = [None if item == "null" else json.loads(item) for item in data.get("out", [])]
    return RunResult.from_wire([values, data.get("ex", [])], start)


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _syntax_error_from(text: str) -> JavaScriptSyntaxError:
    lines = text.strip().splitlines()
    message = lines[0] if lines else "SyntaxError"
    line = column = None
    for candidate in lines[1:]:
        if "<input>:" in candidate:
            location = candidate.rsplit("<input>:", 1)[1].rstrip(")")
            parts = location.split(":")
            if len(parts) == 2 and parts[0].isdigit() and parts[1].isdigit():
                # The wrapper puts the user's code on line 2.
                line, column = max(int(parts[0]) - 1, 1), int(parts[1])
            break
    if message.startswith("SyntaxError: "):
        message = message[len("SyntaxError: ") :]
    return JavaScriptSyntaxError(message, line=line, column=column)


def _replay(
    program: Program,
    state_json: str,
    order: Sequence[int] | None,
    done: RunResult,
) -> str:
    """Rebuild the state a resumed batch starts from: input plus values so far."""
    state = json.loads(state_json)
    for k, value in enumerate(done.values):
        unit = program.units[k if order is None else order[k]]
        if unit.target is None or k in done.missing:
            continue
        root, *rest = unit.target
        if not rest:
            state[root] = value
            continue
        node = state.setdefault(root, {})
        for key in rest[:-1]:
            node = node.setdefault(key, {}) if isinstance(node, dict) else {}
        if isinstance(node, dict):
            node[rest[-1]] = value
    return json.dumps(state)
