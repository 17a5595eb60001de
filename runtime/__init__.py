"""Brace runtime: bindings, the JavaScript sandbox, the dependency graph, evaluation.

Plain Python: no database, no Django (except ``apps.py``/``checks.py``).

Templates::

    split_segments("Hello {{ a }}")            # ["Hello ", "{{ a }}"], Appsmith's rules
    is_dynamic("{{ a }}")                      # True
    evaluate_template(text, scope) -> TemplateResult(value, errors)
    evaluate_json_template(body, scope)        # JSON-aware, for query bodies
    evaluate_url_template(path, scope)         # each value percent-encoded where it sits
    evaluate_form_template(body, scope)        # each value encoded as a form value
    evaluate_template(text, scope, this_value={"params": {...}})   # `this` in bindings

Exactly one binding keeps its JavaScript type; mixed text is a string.
``undefined`` is :data:`UNDEFINED`. Failures are :class:`EvalError` records
in ``errors``, never exceptions.

Pages::

    page = compile_page({"Text1": {"properties": {"text": "{{Input1.text}}"}},
                         "Input1": {"properties": {"text": ""}}})
    result = page.evaluate({"Input1": {"text": "Ann"}})
    result.values     # {"Text1.text": "Ann"}
    result.errors     # {"Text1.text": [EvalError, ...]} for failed properties
    result.to_json()  # JSON-ready for the API
    page.reevaluate(result, ["Input1.text"], new_state)   # only what changed
    CompiledPage.from_json(page.to_json())                # store at publish time

Entities are :class:`EntitySpec` (or the same as a dict): ``properties``,
``bindable``, ``triggers`` (never evaluated as data), ``derived``
(JavaScript over ``this``) and ``meta`` (properties whose value in the state
wins over their binding, e.g. an Input's typed ``text``). Limits are an
:class:`EvaluationLimits`; the engine is QuickJS, or js2py by name through
:func:`get_engine` (unsafe).
Errors: see :mod:`runtime.errors`.

Renaming an entity in bindings and handlers (free identifiers only)::

    rename_in_template("Hi {{Text1.text}}", "Text1", "Title")   # "Hi {{Title.text}}"

Event handlers (``docs/triggers.md``)::

    run = run_handler("{{Api1.run().then(() => showAlert('ok'))}}", scope, host,
                      action_names={"Api1"})
    run.effects, run.store, run.actions, run.error, run.queries_run
"""

from __future__ import annotations

from runtime.effects import STORE_EFFECTS, EffectType
from runtime.engine import QuickJSEngine
from runtime.engines import ENGINE_NAMES, Engine, get_engine
from runtime.errors import (
    AsyncInDataField,
    BindingError,
    BindingInUrlOrigin,
    BraceRuntimeError,
    DependencyCycle,
    EngineCrashed,
    EngineUnavailable,
    EvalError,
    InputTooLarge,
    InvalidRuntimeInput,
    JavaScriptException,
    JavaScriptSyntaxError,
    LimitExceeded,
    MemoryLimitExceeded,
    NestedTooDeep,
    NonJsonResult,
    StackLimitExceeded,
    TimeLimitExceeded,
)
from runtime.limits import DEFAULT_LIMITS, EvaluationLimits
from runtime.page import CompiledPage, EntitySpec, PageEvaluation
from runtime.page_compiler import compile_page
from runtime.renaming import rename_in_template
from runtime.segments import is_dynamic, split_segments
from runtime.templates import (
    TemplateResult,
    evaluate_form_template,
    evaluate_json_template,
    evaluate_template,
    evaluate_url_template,
)
from runtime.triggers import HandlerRun, QueryOutcome, TriggerHost, run_handler
from runtime.values import FILE_REFERENCE_PREFIX, UNDEFINED, is_file_reference


def clear_caches() -> None:
    """Drop every parse cache and this thread's engine contexts (for cold benchmarks)."""
    from runtime import engine as quickjs_engine
    from runtime import engines, js_analysis, segments, templates

    quickjs_engine.forget_verified()
    segments._split.cache_clear()
    segments.parse_template.cache_clear()
    js_analysis.analyse_expression.cache_clear()
    templates._program.cache_clear()
    for engine in list(engines._engines.values()):
        if isinstance(engine, QuickJSEngine):
            engine.discard_all()


__all__ = [
    "DEFAULT_LIMITS",
    "ENGINE_NAMES",
    "FILE_REFERENCE_PREFIX",
    "STORE_EFFECTS",
    "UNDEFINED",
    "AsyncInDataField",
    "BindingError",
    "BindingInUrlOrigin",
    "BraceRuntimeError",
    "CompiledPage",
    "DependencyCycle",
    "EffectType",
    "Engine",
    "EngineCrashed",
    "EngineUnavailable",
    "EntitySpec",
    "EvalError",
    "EvaluationLimits",
    "HandlerRun",
    "InputTooLarge",
    "InvalidRuntimeInput",
    "JavaScriptException",
    "JavaScriptSyntaxError",
    "LimitExceeded",
    "MemoryLimitExceeded",
    "NestedTooDeep",
    "NonJsonResult",
    "PageEvaluation",
    "QueryOutcome",
    "QuickJSEngine",
    "StackLimitExceeded",
    "TemplateResult",
    "TimeLimitExceeded",
    "TriggerHost",
    "clear_caches",
    "compile_page",
    "evaluate_form_template",
    "evaluate_json_template",
    "evaluate_template",
    "evaluate_url_template",
    "get_engine",
    "is_dynamic",
    "is_file_reference",
    "rename_in_template",
    "run_handler",
    "split_segments",
]
