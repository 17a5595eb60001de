"""Event handlers: run one trigger property (``onClick``, ``onFilesSelected``) in QuickJS.

::

    run = run_handler(
        "{{UploadFileToDropbox.run().then(() => showAlert('Uploaded', 'success'))}}",
        scope, host, action_names={"UploadFileToDropbox"},
    )
    run.effects      # [{"type": "showAlert", "message": "Uploaded", "style": "success"}]
    run.error        # None, or an EvalError (syntax error, uncaught exception, limit)

The contract with ``builder`` is ``docs/triggers.md``. JavaScript never calls
into Python (quickjs-ng cannot while a time limit is set): bridged functions
in ``js/triggers.js`` append a request to a queue and return a pending
Promise. This module is the host loop: start the handler, then per *turn*
read the queue, record effects, run queries through ``host.run_query``
(outside the JavaScript time budget), settle the Promises by id and drain the
pending jobs; when neither requests nor jobs are left, fire the next
``setTimeout`` callback (virtual time, no waiting); stop when nothing is left.

Each handler segment (``{{ ... }}``) becomes an async function: its code is
an expression whose value is awaited, or else a statement body. Segments run
one after another; text outside braces is ignored. Each run gets a
locked-down context (:class:`runtime.engine.HandlerContext`) with nothing of
another run's in it: a run that ends cleanly hands it back for the thread's
next run (its state is reset), a run stopped by an error or a limit drops it.
``prepare_handler_contexts(limits)``, called while the thread is idle,
builds the thread's next one ahead, or collects the garbage of the one
handed back.

Bounds: each turn's JavaScript ≤ ``limits.time_limit_s``; the whole
handler's JavaScript ≤ ``TOTAL_TIME_FACTOR`` times that (both in the thread's
own CPU time, so other threads' work never counts); ≤ ``max_queries``
queries, ``MAX_EFFECTS`` effects, ``MAX_TURNS`` turns; each request (an
effect or query params) ≤ ``MAX_REQUEST_CHARS`` of JSON; the memory and
stack limits of ``limits``. Hitting one ends the handler with the error;
effects made before it are kept.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

from runtime.effects import BRIDGED_NAMES, EffectType
from runtime.engine import HandlerContext, check_handler_function, prepare_handler_contexts
from runtime.errors import (
    BindingError,
    EngineCrashed,
    EvalError,
    InputTooLarge,
    InvalidRuntimeInput,
    JavaScriptException,
    LimitExceeded,
    NestedTooDeep,
    TimeLimitExceeded,
)
from runtime.limits import DEFAULT_LIMITS, EvaluationLimits
from runtime.program import is_identifier
from runtime.segments import parse_template
from runtime.values import MAX_JSON_DEPTH, nests_deeper_than

EFFECT_TYPES = frozenset(EffectType)
MAX_REQUEST_CHARS = 1024 * 1024
MAX_EFFECTS = 500
MAX_TURNS = 1000
TOTAL_TIME_FACTOR = 3
NEVER_RUN = {"data": None, "isLoading": False, "responseMeta": None}


@dataclass(frozen=True)
class QueryOutcome:
    """What ``TriggerHost.run_query`` answers: the action's new state, and why it failed."""

    ok: bool
    state: dict[str, Any]
    error_message: str | None = None


class TriggerHost(Protocol):
    """What a handler needs from its caller (``builder``)."""

    def run_query(
        self, name: str, params: Mapping[str, Any], store: Mapping[str, Any]
    ) -> QueryOutcome:
        """Run the named query now (in Python, outside the JS time budget).

        ``store`` is ``appsmith.store`` as the handler has left it so far, so a
        query that runs after ``storeValue`` reads the new value.
        """
        ...


@dataclass
class HandlerRun:
    """What one handler run did, in order; ``error`` is why it stopped early, if it did."""

    effects: list[dict[str, Any]] = field(default_factory=list)
    store: dict[str, Any] = field(default_factory=dict)
    actions: dict[str, dict[str, Any]] = field(default_factory=dict)
    error: EvalError | None = None
    queries_run: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Compiled:
    functions: tuple[str, ...]
    error: EvalError | None = None


def _wrap(code: str, names: tuple[str, ...], expression: bool) -> str:
    # User code sits alone from the second line on, so QuickJS's line numbers
    # are the segment's own plus one, as for bindings.
    params = ", ".join(names)
    body = f"return (\n{code}\n);" if expression else f"{{\n{code}\n}}"
    return f'async function ({params}) {{ "use strict"; {body} }}'


def _located(error: BindingError, code: str) -> BindingError:
    """Keep a syntax error's position inside the segment (the wrapper's last line is not)."""
    lines = code.split("\n")
    if error.line is not None and error.line > len(lines):
        error.line, error.column = len(lines), len(lines[-1]) + 1
    return error


@lru_cache(maxsize=512)
def _compile(code: str, names: tuple[str, ...], limits: EvaluationLimits) -> _Compiled:
    functions = []
    for binding in parse_template(code).bindings:
        body = binding.code
        if not body.strip():
            continue
        if len(body) > limits.max_binding_chars:
            problem: BindingError = InputTooLarge(
                f"handler code is {len(body)} characters; the limit is {limits.max_binding_chars}"
            )
            return _Compiled((), problem.to_record(binding.segment))
        as_expression = _wrap(body, names, True)
        expression_error = check_handler_function(as_expression, limits)
        if expression_error is None:
            functions.append(as_expression)
            continue
        as_statements = _wrap(body, names, False)
        statements_error = check_handler_function(as_statements, limits)
        if statements_error is None:
            functions.append(as_statements)
            continue
        # A reading that compiled but is not one function (it escapes the
        # wrapper) is reported as such; otherwise the reading that got
        # further, which is most likely the one meant.
        problem = max(
            (expression_error, statements_error),
            key=lambda e: (e.line is None, e.line or 0, e.column or 0),
        )
        return _Compiled((), _located(problem, body).to_record(binding.segment))
    return _Compiled(tuple(functions))


class _Loop:
    """The host side of one run: turns, budgets, requests. See the module docstring."""

    def __init__(
        self,
        context: HandlerContext,
        host: TriggerHost,
        run: HandlerRun,
        actions: frozenset[str],
        max_queries: int,
        limits: EvaluationLimits,
    ) -> None:
        self.context = context
        self.host = host
        self.run = run
        self.actions = actions
        self.max_queries = max_queries
        self.limits = limits
        self.total_left = limits.time_limit_s * TOTAL_TIME_FACTOR
        self.turn_left = 0.0

    def new_turn(self) -> None:
        self.turn_left = self.limits.time_limit_s

    def _spend(self, work: Any) -> Any:
        budget = min(self.turn_left, self.total_left)
        if budget <= 0:
            raise self._timeout()
        # This thread's CPU time, as the engine counts each call's limit.
        start = time.thread_time()
        try:
            return work(budget)
        except TimeLimitExceeded as exc:
            raise self._timeout() from exc
        finally:
            spent = time.thread_time() - start
            self.turn_left -= spent
            self.total_left -= spent

    def _timeout(self) -> TimeLimitExceeded:
        if self.total_left <= self.turn_left:
            total = self.limits.time_limit_s * TOTAL_TIME_FACTOR
            return TimeLimitExceeded(f"the handler used up its {total:g} s of JavaScript time")
        return TimeLimitExceeded(
            f"the handler took longer than the {self.limits.time_limit_s:g} s time limit"
        )

    def call(self, op: str, arg: str = "") -> str:
        return str(self._spend(lambda budget: self.context.call(op, arg, budget)))

    def drain(self) -> None:
        while self._spend(self.context.run_job):
            pass

    def go(self, functions: tuple[str, ...]) -> None:
        self.new_turn()
        for text in functions:
            self._spend(lambda budget, text=text: self.context.add_function(text, budget))
        self.call("start")
        self.drain()
        for _ in range(MAX_TURNS):
            self.new_turn()
            requests = self._take()
            if requests:
                outcomes = [self._perform(*request) for request in requests]
                self.call("settle", json.dumps(outcomes, allow_nan=False))
            elif self.call("timer") != "1":
                return
            self.drain()
        raise LimitExceeded(f"the handler took more than {MAX_TURNS} turns (requests and timers)")

    def salvage(self) -> None:
        """After a stop, keep the effects the handler made before it (queries are not run)."""
        self.turn_left = self.total_left = self.limits.time_limit_s
        try:
            requests = self._take()
        except BindingError:
            return
        for _id, kind, _name, body in requests:
            if kind == "effect" and len(self.run.effects) < MAX_EFFECTS and not _too_deep(body):
                self._effect(body)

    def _effect(self, effect: Any) -> None:
        if not isinstance(effect, dict) or effect.get("type") not in EFFECT_TYPES:
            raise EngineCrashed(f"the handler sandbox sent a malformed effect: {effect!r:.200}")
        self.run.effects.append(effect)
        store = self.run.store
        if effect["type"] == EffectType.STORE_VALUE:
            store[effect["key"]] = effect["value"]
        elif effect["type"] == EffectType.REMOVE_VALUE:
            store.pop(effect["key"], None)
        elif effect["type"] == EffectType.CLEAR_STORE:
            store.clear()

    def _take(self) -> list[Any]:
        try:
            return list(json.loads(self.call("take")))
        except RecursionError:  # deeper than Python's parser goes
            raise _nested_too_deep() from None

    def _perform(self, request_id: int, kind: str, name: str, body: Any) -> list[Any]:
        if _too_deep(body):
            raise _nested_too_deep()
        if kind == "effect":
            if len(self.run.effects) >= MAX_EFFECTS:
                raise LimitExceeded(f"the handler made more than {MAX_EFFECTS} effects")
            self._effect(body)
            return [request_id, True, {"state": None}]
        if name not in self.actions or kind not in ("query", "clear"):
            # Bridged functions only exist for action_names; this is a bug, not user code.
            raise EngineCrashed(f"the handler sandbox sent a {kind!r} request for {name!r}")
        if kind == "clear":
            self.run.actions[name] = dict(NEVER_RUN)
            return [request_id, True, {"state": dict(NEVER_RUN)}]
        if len(self.run.queries_run) >= self.max_queries:
            raise LimitExceeded(f"the handler ran more than {self.max_queries} queries")
        self.run.queries_run.append(name)
        outcome = self.host.run_query(name, body, copy.deepcopy(self.run.store))
        try:  # a copy, and proof that it is JSON before it reaches JavaScript
            state = json.loads(json.dumps(dict(outcome.state), allow_nan=False))
        except (TypeError, ValueError) as exc:
            raise InvalidRuntimeInput(
                f"QueryOutcome.state of {name} must be JSON data: {exc}"
            ) from exc
        self.run.actions[name] = state
        error = outcome.error_message or f"{name} failed to execute"
        payload = {"state": state, "value": state.get("data"), "error": error}
        return [request_id, bool(outcome.ok), payload]


def _too_deep(body: Any) -> bool:
    # The effect or the query's params, as Brace would keep and serve them.
    return nests_deeper_than(body, MAX_JSON_DEPTH)


def _nested_too_deep() -> NestedTooDeep:
    return NestedTooDeep(
        f"a request of the handler nests arrays and objects more than {MAX_JSON_DEPTH} levels deep"
    )


def _check(
    scope: Mapping[str, Any], action_names: Collection[str], engine_name: str, max_queries: int
) -> None:
    if engine_name != "quickjs":
        raise InvalidRuntimeInput(
            f"event handlers run only in the quickjs engine, not {engine_name!r}"
        )
    if not isinstance(scope, Mapping):
        raise InvalidRuntimeInput(f"scope must be a mapping of names to JSON data, got {scope!r}")
    if isinstance(action_names, str):
        raise InvalidRuntimeInput("action_names must be a collection of names, not one string")
    for name in action_names:
        if not isinstance(name, str) or not is_identifier(name) or name in BRIDGED_NAMES:
            raise InvalidRuntimeInput(f"action name {name!r} is not a usable JavaScript identifier")
    taken = set(scope) & set(BRIDGED_NAMES)
    if taken:
        raise InvalidRuntimeInput(f"scope names {sorted(taken)} are taken by handler functions")
    if not isinstance(max_queries, int) or max_queries < 0:
        raise InvalidRuntimeInput(
            f"max_queries must be a non-negative integer, got {max_queries!r}"
        )


def run_handler(
    code: str,
    scope: Mapping[str, Any],
    host: TriggerHost,
    *,
    action_names: Collection[str],
    limits: EvaluationLimits | None = None,
    engine_name: str = "quickjs",
    max_queries: int = 50,
) -> HandlerRun:
    """Run the event handler ``code`` (a trigger property's text) against ``scope``.

    ``scope`` is JSON: evaluated widgets, action states and ``appsmith``;
    names in ``action_names`` get ``.run()``/``.clear()``. User JavaScript
    failures never raise: they are ``HandlerRun.error``. Misuse (a scope that
    is not JSON, a bad name) raises :class:`InvalidRuntimeInput`.
    """
    _check(scope, action_names, engine_name, max_queries)
    limits = limits or DEFAULT_LIMITS
    actions = frozenset(action_names)
    names = tuple(sorted({n for n in scope if is_identifier(n)} | actions | {"appsmith"}))
    visible = {n: scope[n] for n in names if n in scope}
    try:
        setup = json.dumps(
            {
                "scope": visible,
                "actions": sorted(actions),
                "names": [*names, *BRIDGED_NAMES],
                "maxRequestChars": MAX_REQUEST_CHARS,
            },
            allow_nan=False,
        )
    except (TypeError, ValueError) as exc:
        raise InvalidRuntimeInput(f"scope must be JSON data: {exc}") from exc
    appsmith = scope.get("appsmith")
    store = appsmith.get("store") if isinstance(appsmith, Mapping) else None
    run = HandlerRun(store=copy.deepcopy(dict(store)) if isinstance(store, Mapping) else {})
    if not isinstance(code, str):
        return run
    compiled = _compile(code, (*names, *BRIDGED_NAMES), limits)
    if compiled.error is not None or not compiled.functions:
        run.error = compiled.error
        return run
    loop = _Loop(HandlerContext(setup, limits), host, run, actions, max_queries, limits)
    try:
        loop.go(compiled.functions)
    except BindingError as exc:
        run.error = exc.to_record(code)
        loop.salvage()
        return run
    loop.new_turn()
    loop.total_left = limits.time_limit_s  # reporting is the host's own bookkeeping
    try:
        report = json.loads(loop.call("report"))
    except BindingError as exc:
        run.error = exc.to_record(code)
        return run
    if report is not None:
        error_code, name, message = report
        run.error = EvalError(code=error_code, name=name, message=message, binding=code)
    # Every request answered, every job and timer run, every call returned:
    # the context can serve this thread's next run, unless the handler ran
    # out of memory or stack (QuickJS throws those as exceptions user code
    # sees): such a context is dropped, as a page sandbox would be.
    if run.error is None or run.error.code == JavaScriptException.code:
        loop.context.recycle()
    return run


__all__ = [
    "HandlerRun",
    "QueryOutcome",
    "TriggerHost",
    "prepare_handler_contexts",
    "run_handler",
]
