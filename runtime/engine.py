"""The JavaScript engine: QuickJS (``quickjs-ng``), behind one small interface.

This is the only module that imports ``quickjs``. Everything above it talks
to :class:`runtime.engines.Engine`: "run these units of this program against
this state".

Isolation. A QuickJS context costs ~0.3 ms and compiling a 3,000-binding page
~11 ms, so a page's compiled context is reused, but only after a lockdown:
code generation from strings is refused, weak references and finalizers are
removed, and every intrinsic and the global object are frozen (see
``js/sandbox.js``). Each evaluation gets a fresh state object and nothing
else; nothing user code does can outlive its evaluation. A context that hit
the memory limit, was interrupted, or still has pending jobs (a Promise
callback that would run during somebody else's turn) is thrown away.

Loading a program has QuickJS itself confirm that every binding function
compiles to exactly one function (tree-sitter already checked; QuickJS is
the parser that runs the code). A context in which any does not is dropped
unused, so code that escaped its wrapper while loading never reaches an
evaluation (see ``js/compile.js``).

Small programs seen once (the editor's, after an edit: the few properties
it reaches) would spend most of their time building and locking down a
context (~2.8 ms) for a few microseconds of compiling. They are loaded,
one after another, into one context per thread that was locked down before
any of them (:class:`_Reloadable`): the check of ``js/compile.js``, taken
before the lockdown, compiles each program's texts inside the frozen world,
and the program's functions and units replace the last program's. Between
two programs nothing survives that would not survive between two
evaluations of one program in a kept context; a program that fails the
check, an evaluation that breaks the context, or 100 programs, and the
context is dropped. A small program that comes back after another has
replaced it gets a kept context of its own, as larger ones do.

The lockdown also caps the length accepted by the array methods QuickJS
runs in C without checking the time limit (``max_array_length``).

Contexts are kept per thread because QuickJS runtimes must not be shared
across threads, even one at a time.

Limits. ``time_limit_s`` bounds each call into JavaScript, counted in the
calling thread's own CPU time (:func:`_time_limit`). A batch that is
interrupted resumes in a fresh context after the unit that ran too long, so
one infinite loop costs its own property and one time limit, not the page.

The binding's own ``set_time_limit`` cannot be that limit: it counts C's
``clock()``, the CPU time of the whole process, so evaluations looping in
other threads would spend this one's budget. Nor does the binding let Python
install an interrupt handler. What it does is arm, at the start of each call,
its C interrupt check ``clock() - start >= limit`` with fields of its context
object. So every context gets an unreachable binding limit, and
:mod:`runtime.cpu_limit`'s watchdog, once the calling thread has spent its
budget, sets that call's ``limit`` to 0: QuickJS's next interrupt poll stops
the call, as the binding's own limit would. The fields' offsets are checked
against the binding when this module loads (:func:`_check_binding_layout`);
a binding that does not match is refused, never written into.

Event handlers use :class:`HandlerContext`. quickjs-ng cannot call into
Python while a time limit is set, so JavaScript never calls the host: a
bridged function (``Query.run()``, ``showAlert``, ``storeValue``) is plain
JavaScript installed by ``js/triggers.js`` before the lockdown that appends
a request to a per-run queue and returns a pending Promise.
:mod:`runtime.triggers` runs the host loop: call into JavaScript, read the
queue, perform the requests in Python (HTTP outside the JavaScript time
budget), resolve or reject the Promises by id, and drain
``execute_pending_job()``, until no job and no request is left. Building and
locking down a handler context is most of a short event's engine time, so
one serves its thread's runs one after another, on the terms the page
sandboxes are reused on: a run that ended cleanly (no call failed, no
interrupt, no limit, no Promise job left) hands it back, its per-run state
is dropped (``js/triggers.js``'s ``reset``) and the next run installs its own
scope. Anything else drops the context. It may also be built and locked down
ahead, on its thread, while the thread is idle.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from importlib import resources
from typing import Any

import quickjs

import metrics
from runtime.cpu_limit import CpuLimit
from runtime.effects import BRIDGED_NAMES
from runtime.errors import (
    BindingError,
    EngineCrashed,
    JavaScriptException,
    JavaScriptSyntaxError,
    MemoryLimitExceeded,
    NestedTooDeep,
    StackLimitExceeded,
    TimeLimitExceeded,
)
from runtime.limits import DEFAULT_LIMITS, EvaluationLimits
from runtime.program import Program, RunResult
from runtime.values import MAX_JSON_DEPTH, nests_deeper_than

_SANDBOX_JS = resources.files("runtime").joinpath("js/sandbox.js").read_text(encoding="utf-8")
_TRIGGERS_JS = resources.files("runtime").joinpath("js/triggers.js").read_text(encoding="utf-8")
_COMPILE_JS = resources.files("runtime").joinpath("js/compile.js").read_text(encoding="utf-8")
_CONTEXTS_PER_THREAD = 16
_SPARE_HANDLER_CONTEXTS = 1
# A handler context serves at most this many runs, then a new one is built:
# whatever a long series of runs could leave behind in the engine (interned
# strings, the Math.random sequence) goes with it.
_RUNS_PER_HANDLER_CONTEXT = 100
_spare = threading.local()  # contexts: locked-down handler contexts, built ahead or handed back
# Programs of at most this many units not kept already are loaded into the
# thread's _Reloadable: compiling 64 functions costs ~0.25 ms, a new context 2.8 ms.
_RELOADABLE_MAX_UNITS = 64
# Like a handler context, a reloadable context serves this many programs, then
# a new one is built; the fingerprints it loaded are remembered this far back.
_PROGRAMS_PER_RELOADABLE = 100
_RELOADED_REMEMBERED = 256

# Loading a program is its verification (js/compile.js): compiling the page
# once instead of twice (check, then load) saves ~17 ms on 3,000 bindings.
# A context in which any text fails is dropped, and the texts are pinpointed
# in throwaway contexts (_verify_texts). Programs that passed are remembered
# by fingerprint, so a context rebuilt later (after a timeout) loads the
# program in one eval.
_verified: set[str] = set()  # fingerprints of programs whose functions all passed
_verified_lock = threading.Lock()
_MAX_VERIFIED = 10_000


class _Sandbox:
    """One locked-down QuickJS context holding one loaded program."""

    def __init__(self, program: Program, limits: EvaluationLimits, fingerprint: str) -> None:
        self.context = _limited_context(limits)
        api = _evaluate_api(self.context, _SANDBOX_JS, "__brace_sandbox")
        self.run_fn = self.context.eval("(api) => api.run")(api)
        self.rejected: set[int] = set()
        self.broken = True  # until loaded
        with _verified_lock:
            verified = fingerprint in _verified
        if verified:
            functions = self.context.eval(program.source())
        else:
            texts = [f.source() for f in program.functions]
            compile_each = self.context.eval(_COMPILE_JS)
            try:
                # An escaping text may run (and loop) while it compiles.
                with _time_limit(self.context, limits.time_limit_s):
                    answer = compile_each(self.context.parse_json(json.dumps(texts)), True)
            except (quickjs.JSException, quickjs.StackOverflow):
                # Something ran away, or the page is too big to compile within
                # one time limit: check the texts in throwaway contexts.
                self.rejected = _verify_texts(texts, limits)
                if not self.rejected:
                    _remember_verified(fingerprint)
                    self.__init__(program, limits, fingerprint)  # type: ignore[misc]
                return
            if isinstance(answer, str):
                self.rejected = {int(i) for i in answer.split(",") if i}
                return
            functions = answer
            _remember_verified(fingerprint)
        units = self.context.parse_json(program.units_json())
        self.context.eval("(api, f, u) => api.load(f, u)")(api, functions, units)
        self.context.eval("(api, n) => api.lockdown([api], n)")(api, limits.max_array_length)
        self.broken = False


class _Reloadable:
    """A context locked down before any program, into which small programs are loaded in turn.

    See the module docstring. It offers what :meth:`QuickJSEngine._call`
    uses of a :class:`_Sandbox` (``context``, ``run_fn``, ``broken``), and
    ``fingerprint``, that of the program loaded (None while none is).
    """

    def __init__(self, limits: EvaluationLimits) -> None:
        self.limits = limits
        self.context = _limited_context(limits)
        api = _evaluate_api(self.context, _SANDBOX_JS, "__brace_sandbox")
        self.run_fn = self.context.eval("(api) => api.run")(api)
        self._load = self.context.eval("(api) => api.load")(api)
        # Taken before the lockdown (it holds the only reference to eval left)
        # and frozen with the rest; no global reaches it.
        self._compile = self.context.eval(_COMPILE_JS)
        self.context.eval("(api, c, n) => api.lockdown([api, c], n)")(
            api, self._compile, limits.max_array_length
        )
        self.fingerprint: str | None = None
        self.broken = False
        self.programs = 0

    def load(self, program: Program, fingerprint: str) -> set[int]:
        """Verify and load ``program`` in place of the last; the texts that fail the check.

        Unless it ends with ``broken`` False, the context must not be used
        again: a text failed (and may have run here), or compiling was
        interrupted (the texts are then checked in throwaway contexts).
        """
        self.fingerprint = None
        self.broken = True  # until loaded
        self.programs += 1
        texts = [f.source() for f in program.functions]
        limits = self.limits
        try:
            with _time_limit(self.context, limits.time_limit_s):
                answer = self._compile(self.context.parse_json(json.dumps(texts)), True)
        except (quickjs.JSException, quickjs.StackOverflow):
            return _verify_texts(texts, limits)
        if isinstance(answer, str):
            return {int(i) for i in answer.split(",") if i}
        if _has_pending_job(self.context, limits.time_limit_s):
            return set()  # only code that escaped could queue one: never used again
        self._load(answer, self.context.parse_json(program.units_json()))
        self.fingerprint = fingerprint
        self.broken = False
        return set()


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

    def _sandbox(self, program: Program, fingerprint: str) -> _Sandbox | _Reloadable:
        cache = self._sandboxes()
        sandbox = cache.get(fingerprint)
        if sandbox is None or sandbox.broken:
            reloadable, rejected = self._reloaded(program, fingerprint)
            if rejected:
                raise EngineCrashed(
                    "refusing to load a program whose functions failed verification"
                )
            if reloadable is not None:
                return reloadable
            sandbox = _Sandbox(program, self.limits, fingerprint)
            if sandbox.rejected:
                raise EngineCrashed(
                    "refusing to load a program whose functions failed verification"
                )
            self._keep(fingerprint, sandbox)
        cache.move_to_end(fingerprint)
        return sandbox

    def _reloaded(self, program: Program, fingerprint: str) -> tuple[_Reloadable | None, set[int]]:
        """The thread's reloadable context with ``program`` loaded, and the texts rejected.

        None (and no texts) when the program is not one for it: over
        ``_RELOADABLE_MAX_UNITS`` units, or back after another replaced it
        (it recurs: a kept context of its own serves it better), or when
        loading failed for another reason than a text (a kept context is
        built, which checks again).
        """
        if len(program.units) > _RELOADABLE_MAX_UNITS:
            return None, set()
        local = self._local
        reloadable: _Reloadable | None = getattr(local, "reloadable", None)
        if (
            reloadable is not None
            and not reloadable.broken
            and reloadable.fingerprint == fingerprint
        ):
            return reloadable, set()
        reloaded: OrderedDict[str, None] = local.__dict__.setdefault("reloaded", OrderedDict())
        if fingerprint in reloaded:
            return None, set()
        local.reloadable = None  # back once loaded
        if (
            reloadable is None
            or reloadable.broken
            or reloadable.programs >= _PROGRAMS_PER_RELOADABLE
        ):
            try:
                reloadable = _Reloadable(self.limits)
            except (quickjs.JSException, quickjs.StackOverflow):
                return None, set()
        rejected = reloadable.load(program, fingerprint)
        if reloadable.broken:
            return None, rejected
        local.reloadable = reloadable
        reloaded[fingerprint] = None
        if len(reloaded) > _RELOADED_REMEMBERED:
            reloaded.popitem(last=False)
        _remember_verified(fingerprint)
        return reloadable, set()

    def _keep(self, fingerprint: str, sandbox: _Sandbox) -> None:
        cache = self._sandboxes()
        cache[fingerprint] = sandbox
        cache.move_to_end(fingerprint)
        if len(cache) > _CONTEXTS_PER_THREAD:
            cache.popitem(last=False)

    def discard_all(self) -> None:
        """Forget this thread's contexts (tests and cold benchmarks use it)."""
        self._sandboxes().clear()
        self._local.reloadable = None
        self._local.__dict__.pop("reloaded", None)

    def loaded(self, fingerprint: str) -> _Sandbox | _Reloadable | None:
        """This thread's context holding the program ``fingerprint``, if any (for tests)."""
        reloadable: _Reloadable | None = getattr(self._local, "reloadable", None)
        if reloadable is not None and reloadable.fingerprint == fingerprint:
            return reloadable
        return self._sandboxes().get(fingerprint)

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
            state = state_json if start == 0 else program.state_after(state_json, order, result)
            partial, fatal = self._call(sandbox, state, order, start)
            result.extend(partial)
            if fatal is not None:
                result.append(None, True, fatal)
                if fatal[0] == "time_limit":
                    timeouts += 1
        return result

    def _call(
        self,
        sandbox: _Sandbox | _Reloadable,
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
            with _time_limit(context, self.limits.time_limit_s):
                wire = sandbox.run_fn(state, order_js, ctl, self.limits.max_result_chars)
        except quickjs.StackOverflow as exc:
            sandbox.broken = True
            return _partial(ctl, start), ("stack_limit", "RangeError", _first_line(exc))
        except quickjs.JSException as exc:
            sandbox.broken = True
            message = _first_line(exc)
            if "interrupted" in message:
                metrics.sandbox_timeout("binding")
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
        try:
            values, exceptions, discard = json.loads(wire)
        except RecursionError:
            # A value nests deeper than Python's parser goes: decode unit by unit.
            result, discard = _partial(ctl, start), False
        else:
            result = _refuse_too_deep(RunResult.from_wire([values, exceptions], start))
        if discard or _has_pending_job(context, self.limits.time_limit_s):
            sandbox.broken = True
        return result, None

    def verify(self, program: Program) -> set[int]:
        # Verifying is building the program's sandbox (see js/compile.js), which
        # is then kept for the first run.
        fingerprint = program.fingerprint()
        with _verified_lock:
            if fingerprint in _verified:
                return set()
        try:
            reloadable, rejected = self._reloaded(program, fingerprint)
            if reloadable is not None or rejected:
                return rejected
            sandbox = _Sandbox(program, self.limits, fingerprint)
        except (quickjs.JSException, quickjs.StackOverflow):
            return set()  # not a verification failure: run() reports it
        if not sandbox.rejected:
            self._keep(fingerprint, sandbox)
        return sandbox.rejected

    def syntax_error(self, code: str) -> JavaScriptSyntaxError | None:
        # A throwaway context: if the code escapes the wrapper, what it runs
        # at top level is harmless here (verify() then rejects it).
        source = f"(function () {{ return (\n{code}\n); }})"
        error = _syntax_error_in(_limited_context(self.limits), source, self.limits)
        last_line = code.count("\n") + 1
        if error is None or error.line is None or error.line <= last_line:
            return error if error is None else error.in_binding(code)
        # Past the code: either it ends early, or a ")" with no "(" closed the
        # wrapper's and QuickJS blamed the wrapper's own ")". Parsed inside
        # "[ ]" instead, such a ")" is an error where the user typed it.
        source = f"(function () {{ return [\n{code}\n]; }})"
        located = _syntax_error_in(_limited_context(self.limits), source, self.limits)
        if located is not None and located.line is not None and located.line <= last_line:
            return located.in_binding(code)
        return error.in_binding(code)


def _locked_handler_context(limits: EvaluationLimits) -> tuple[Any, Any]:
    """A new context with the sandbox and trigger JS, locked down; nothing installed yet."""
    context = _limited_context(limits)
    api = _evaluate_api(context, _SANDBOX_JS, "__brace_sandbox")
    factory = _evaluate_api(context, _TRIGGERS_JS, "__brace_triggers")
    # The names of the bridged functions are runtime.effects' (the one list);
    # the factory refuses to build if it implements a different set.
    names = context.parse_json(json.dumps(BRIDGED_NAMES))
    dispatch = context.eval("(api, f, names) => f(api.classify, names)")(api, factory, names)
    context.eval("(api, d, n) => api.lockdown([api, d], n)")(api, dispatch, limits.max_array_length)
    return context, dispatch


# A spare: the limits it was built for, the context, its dispatch function and
# how many runs it has served.
_Spare = tuple[EvaluationLimits, Any, Any, int]


def prepare_handler_contexts(limits: EvaluationLimits) -> None:
    """Make this thread's next handler context ready now, if it has run a handler before.

    Building and locking one down is most of a short event's engine time
    (~3.5 ms); a host calls this when the thread is idle (after sending a
    response) so that the next handler on this thread starts at once, unless
    a clean run handed its context back (:meth:`HandlerContext.recycle`).
    The garbage a run leaves is QuickJS's own collector's: the binding's
    ``gc()`` also runs Python's collector, ~60 ms in a Django process.
    """
    spare: list[_Spare] | None = getattr(_spare, "contexts", None)
    if spare is None or len(spare) >= _SPARE_HANDLER_CONTEXTS:
        return  # a thread that never ran a handler keeps no contexts
    # On failure HandlerContext builds its own, and reports why.
    with contextlib.suppress(quickjs.JSException, quickjs.StackOverflow):
        spare.append((limits, *_locked_handler_context(limits), 0))


class HandlerContext:
    """A locked-down QuickJS context for one event handler run at a time.

    :mod:`runtime.triggers` drives it; this class only owns the engine.
    Every value crossing the boundary is a JSON string, and each call runs
    under the time ``budget`` it is given. A call that fails raises the
    :class:`BindingError` saying why (time, memory, stack, or an exception).
    The context comes from this thread's spares when one was made for these
    limits (built ahead by :func:`prepare_handler_contexts`, or handed back by
    an earlier run's :meth:`recycle`), else it is built now. Nothing a
    handler does reaches another run: the intrinsics and the global object
    are frozen, and ``install`` starts from nothing of the last run's.
    """

    def __init__(self, setup_json: str, limits: EvaluationLimits) -> None:
        self.limits = limits
        spare: list[_Spare] = _spare.__dict__.setdefault("contexts", [])
        built = None
        while spare and built is None:
            made_for, *found = spare.pop()
            built = found if made_for == limits else None
        # Until a call fails: only a context whose every call returned is handed back.
        self._clean = True
        try:
            context, self._dispatch, runs = built or (*_locked_handler_context(limits), 0)
            # After the lockdown: the scope is this run's own, unfrozen data.
            self._dispatch("install", setup_json)
        except (quickjs.JSException, quickjs.StackOverflow) as exc:
            raise EngineCrashed(f"could not set up the handler sandbox: {exc}") from exc
        self.context = context
        self._runs = runs + 1

    def recycle(self) -> None:
        """After a run that ended cleanly: keep the context for this thread's next run.

        Only if every call returned (no exception, interrupt or limit), no
        Promise job is left (checking runs one, still this run's code, and
        then drops the context) and it has served fewer than
        ``_RUNS_PER_HANDLER_CONTEXT`` runs. The run's requests, Promises,
        timers and scope are dropped at once. Call it once, when the run is over.
        """
        if not self._clean or self._runs >= _RUNS_PER_HANDLER_CONTEXT:
            return
        self._clean = False  # handed back once
        seconds = max(self.limits.time_limit_s, 0.001)
        if _has_pending_job(self.context, seconds):
            return
        try:
            with _time_limit(self.context, seconds):
                self._dispatch("reset", "")
        except (quickjs.JSException, quickjs.StackOverflow):
            return
        spare: list[_Spare] = _spare.__dict__.setdefault("contexts", [])
        if len(spare) < _SPARE_HANDLER_CONTEXTS:
            spare.append((self.limits, self.context, self._dispatch, self._runs))

    def add_function(self, text: str, budget: float) -> None:
        """Compile one handler function (already checked by ``check_handler_function``)."""
        self._guard(budget, lambda: self._dispatch("add", self.context.eval(f"({text})")))

    def call(self, op: str, arg: str, budget: float) -> str:
        """One operation of ``js/triggers.js``'s ``dispatch``; its answer as a string."""
        return str(self._guard(budget, lambda: self._dispatch(op, arg)))

    def run_job(self, budget: float) -> bool:
        """Run one pending Promise job; False if there was none."""
        return bool(self._guard(budget, self.context.execute_pending_job))

    def _guard(self, budget: float, call: Any) -> Any:
        try:
            with _time_limit(self.context, max(budget, 0.001)):
                return call()
        except quickjs.StackOverflow as exc:
            self._clean = False
            raise StackLimitExceeded(_first_line(exc)) from exc
        except quickjs.JSException as exc:
            self._clean = False
            message = _first_line(exc)
            if "interrupted" in message:
                metrics.sandbox_timeout("handler")
                raise TimeLimitExceeded("interrupted by the time limit") from exc
            if "out of memory" in message:
                raise MemoryLimitExceeded("memory limit exceeded") from exc
            name, _, text = message.partition(": ")
            raise JavaScriptException(text or message, name=name if text else None) from exc
        except BaseException:
            self._clean = False
            raise


def check_handler_function(text: str, limits: EvaluationLimits) -> BindingError | None:
    """Why ``text`` (an async function wrapping handler code) cannot be loaded, or None.

    Compiled in a throwaway context: a text that escapes its wrapper runs
    there, harmlessly, and is then refused for not being one function.
    User code starts on the wrapper's second line.
    """
    error = _syntax_error_in(_limited_context(limits), f"({text})", limits)
    if error is not None:
        return error
    if _verify_texts([text], limits):
        return JavaScriptSyntaxError("the engine does not read this handler as one function body")
    return None


def _remember_verified(fingerprint: str) -> None:
    with _verified_lock:
        if len(_verified) > _MAX_VERIFIED:
            _verified.clear()
        _verified.add(fingerprint)


def forget_verified() -> None:
    """Forget which programs passed verification (cold benchmarks use it)."""
    with _verified_lock:
        _verified.clear()


def _limited_context(limits: EvaluationLimits) -> Any:
    """A new context with the memory and stack limits; calls take their time limit.

    The binding's own limit is armed but out of reach, so that its interrupt
    check runs in every call (see :func:`_time_limit`); armed, it also
    refuses calls from JavaScript into Python, which Brace never makes.
    """
    context = quickjs.Context()
    context.set_memory_limit(limits.memory_limit_bytes)
    context.set_max_stack_size(limits.max_stack_bytes)
    context.set_time_limit(_BINDING_LIMIT_S)
    return context


# The binding's context object (module.c's RuntimeData, 64-bit): its time limit
# and, for the call running, the interrupt check's ``start`` and ``limit``,
# all clock_t in CLOCKS_PER_SEC (POSIX: one million) units.
_CONTEXT_SIZE = 80
_HAS_TIME_LIMIT = 32  # int
_TIME_LIMIT = 40
_CALL_START = 56
_CALL_LIMIT = 64
_CLOCKS_PER_SEC = 1_000_000
_BINDING_LIMIT_S = 1e6  # ~11 days of process CPU time: never reached first


def _field(context: Any, offset: int) -> ctypes.c_long:
    return ctypes.c_long.from_address(id(context) + offset)


def _time_limit(context: Any, seconds: float) -> CpuLimit:
    """Interrupt the calls into ``context`` in the body once this thread has spent ``seconds``."""

    def interrupt() -> None:
        # The call's check is `clock() - start >= limit`: with 0 it fires at the next poll.
        _field(context, _CALL_LIMIT).value = 0

    return CpuLimit(seconds, interrupt)


def _check_binding_layout() -> None:
    """Confirm that the binding's fields are where ``_time_limit`` writes; refuse it otherwise."""
    context = quickjs.Context()
    context.set_time_limit(2.5)
    before = time.process_time() * _CLOCKS_PER_SEC
    context.eval("0")
    after = time.process_time() * _CLOCKS_PER_SEC
    found = (
        type(context).__basicsize__ == _CONTEXT_SIZE
        and ctypes.c_int.from_address(id(context) + _HAS_TIME_LIMIT).value == 1
        and _field(context, _TIME_LIMIT).value == 2_500_000
        and _field(context, _CALL_LIMIT).value == 2_500_000
        and before - 1 <= _field(context, _CALL_START).value <= after + 1
    )
    if not found:
        raise ImportError(
            "the installed quickjs-ng binding does not lay out its context as the pinned "
            "version does; Brace cannot enforce per-evaluation time limits with it"
        )


_check_binding_layout()


def _evaluate_api(context: Any, source: str, name: str) -> Any:
    """Run one of ``js/*.js`` and take what it left in ``globalThis[name]``.

    The global is deleted at once, so user code cannot reach it by name.
    """
    context.eval(source)
    api = context.eval(f"globalThis.{name}")
    context.eval(f"delete globalThis.{name}")
    return api


def _verify_texts(texts: Sequence[str], limits: EvaluationLimits) -> set[int]:
    """Positions in ``texts`` that do not compile to exactly one function."""
    if not texts:
        return set()
    context = _limited_context(limits)
    try:
        check = context.eval(_COMPILE_JS)
        with _time_limit(context, limits.time_limit_s):
            answer = check(context.parse_json(json.dumps(list(texts))), False)
    except (quickjs.JSException, quickjs.StackOverflow):
        # Something ran away (or broke the context): check one by one, each
        # in a context of its own, so the culprit is the only one refused.
        if len(texts) == 1:
            return {0}
        return {i for i, text in enumerate(texts) if _verify_texts([text], limits)}
    return {int(i) for i in str(answer).split(",") if i}


def _has_pending_job(context: Any, seconds: float) -> bool:
    """True if this evaluation left Promise jobs behind.

    They are callbacks queued by this evaluation and must never run during
    another one, so the context is dropped instead of drained. Checking runs
    one job (QuickJS has no peek); whatever it does, it is still this
    evaluation's code, under the time limit, on a context about to go.
    """
    try:
        with _time_limit(context, seconds):
            return bool(context.execute_pending_job())
    except (quickjs.JSException, quickjs.StackOverflow):
        return True


def _partial(ctl: Any, start: int) -> RunResult:
    """What a batch finished, decoded unit by unit (an interrupted one, before it stopped)."""
    try:
        data = json.loads(ctl.json())
    except Exception:
        return RunResult()
    values: list[Any] = []
    deep: list[int] = []
    for k, item in enumerate(data.get("out", [])):
        try:
            values.append(json.loads(item))
        except RecursionError:
            values.append(None)
            deep.append(k)
    result = RunResult.from_wire([values, data.get("ex", [])], start)
    for k in deep:
        result.missing[k] = _TOO_DEEP
    return _refuse_too_deep(result)


_TOO_DEEP = (
    NestedTooDeep.code,
    NestedTooDeep.name,
    f"the value nests arrays and objects more than {MAX_JSON_DEPTH} levels deep",
)


def _refuse_too_deep(result: RunResult) -> RunResult:
    """Values nested deeper than Brace keeps become errors on their properties.

    Checked on what crossed, not inside the sandbox, where a getter could
    answer a shallow value to the check and a deep one to JSON.stringify.
    """
    for k, value in enumerate(result.values):
        if isinstance(value, (dict, list)) and nests_deeper_than(value, MAX_JSON_DEPTH):
            result.values[k] = None
            result.missing[k] = _TOO_DEEP
    return result


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _syntax_error_in(
    context: Any, source: str, limits: EvaluationLimits
) -> JavaScriptSyntaxError | None:
    """QuickJS's syntax error for ``source`` in a throwaway ``context``; else None."""
    try:
        with _time_limit(context, limits.time_limit_s):
            context.eval(source)
    except quickjs.JSException as exc:
        if str(exc).startswith("SyntaxError"):
            return JavaScriptSyntaxError.from_engine_message(str(exc))
    except quickjs.StackOverflow:
        pass
    return None
