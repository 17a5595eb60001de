"""Evaluating one template against a scope: ``evaluate_template``, query URLs and bodies.

This is the path for one-off evaluation (a query's URL, headers and body, a
preview in the editor). Pages use :mod:`runtime.page`, which compiles every
binding of a page into one program instead.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from runtime.engines import Engine, get_engine
from runtime.errors import (
    BindingError,
    EvalError,
    InputTooLarge,
    InvalidRuntimeInput,
    JavaScriptSyntaxError,
)
from runtime.js_analysis import analyse_expression
from runtime.limits import DEFAULT_LIMITS, EvaluationLimits
from runtime.program import (
    MIXED,
    SINGLE,
    THIS_KEY,
    Outcome,
    Program,
    RunResult,
    Unit,
    is_identifier,
    split_template,
)
from runtime.segments import Binding, Template, parse_template
from runtime.url_template import substitute_form, substitute_url
from runtime.values import UNDEFINED, substitute_json


@dataclass(frozen=True)
class TemplateResult:
    """The value of a template (``UNDEFINED`` if it failed) and its errors."""

    value: Any
    errors: tuple[EvalError, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"errors": [e.to_dict() for e in self.errors]}
        if self.value is not UNDEFINED:
            data["value"] = self.value
        return data


def check_binding(code: str, engine: Engine, limits: EvaluationLimits) -> BindingError | None:
    """Why ``code`` cannot be compiled, or None. Syntax errors use the engine's words."""
    if len(code) > limits.max_binding_chars:
        return InputTooLarge(
            f"binding is {len(code)} characters; the limit is {limits.max_binding_chars}"
        )
    analysis = analyse_expression(code, limits.max_nesting_depth)
    if analysis.error is None:
        return None
    if not isinstance(analysis.error, JavaScriptSyntaxError):
        return analysis.error
    engine_error = engine.syntax_error(code)
    return engine_error if engine_error is not None else analysis.error


@lru_cache(maxsize=1024)
def _program(
    text: str,
    names: frozenset[str],
    per_binding: bool,
    engine: Engine,
    limits: EvaluationLimits,
    bind_this: bool = False,
) -> tuple[Program, tuple[EvalError, ...]]:
    template = parse_template(text)
    program = Program()
    errors: list[EvalError] = []
    codes: list[str] = []
    visible: set[str] = set()
    for binding in template.bindings:
        problem = check_binding(binding.code, engine, limits)
        if problem is not None:
            errors.append(problem.to_record(binding.segment))
            continue
        reads = analyse_expression(binding.code, limits.max_nesting_depth).roots
        own = {n for n in reads & names if is_identifier(n)}
        if per_binding:
            index = program.add_function([binding.code], own, bind_this=bind_this)
            program.add_unit(Unit(binding.segment, SINGLE, (index,), None, binding.segment))
        codes.append(binding.code)
        visible |= own
    if per_binding or errors:
        return _verified(program, errors, engine, text)
    if template.is_single_binding:
        index = program.add_function(codes, visible, bind_this=bind_this)
        program.add_unit(Unit(text, SINGLE, (index,), None, text))
    else:
        texts, _ = split_template(template.parts)
        index = program.add_function(codes, visible, as_list=True, bind_this=bind_this)
        program.add_unit(Unit(text, MIXED, (index, *texts), None, text))
    return _verified(program, errors, engine, text)


def _verified(
    program: Program, errors: list[EvalError], engine: Engine, text: str
) -> tuple[Program, tuple[EvalError, ...]]:
    """The program, or none at all if the engine refuses any of its functions."""
    if program.functions and engine.verify(program):
        refused = JavaScriptSyntaxError("the engine does not read this binding as one expression")
        return Program(), (*errors, refused.to_record(text))
    return program, tuple(errors)


def _run(
    text: str,
    scope: Mapping[str, Any] | None,
    per_binding: bool,
    limits: EvaluationLimits | None,
    engine: Engine | None,
    this_value: Any,
) -> tuple[RunResult, tuple[EvalError, ...]]:
    limits = limits or DEFAULT_LIMITS
    engine = engine or get_engine("quickjs", limits)
    scope = scope or {}
    bind_this = this_value is not UNDEFINED
    if THIS_KEY in scope:
        raise InvalidRuntimeInput(f"scope name {THIS_KEY!r} is reserved")
    try:
        state_json = json.dumps(scope, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidRuntimeInput(f"scope must be JSON data: {exc}") from exc
    if bind_this:
        try:
            this_json = json.dumps(this_value, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise InvalidRuntimeInput(f"this_value must be JSON data: {exc}") from exc
        # Appended as text: the scope was serialised above, once.
        head = state_json[:-1] + ("," if scope else "")
        state_json = f'{head}"{THIS_KEY}":{this_json}}}'
    program, errors = _program(text, frozenset(scope), per_binding, engine, limits, bind_this)
    if errors and not per_binding:
        return RunResult(), errors
    return engine.run(program, state_json), errors


def _record(outcome: Outcome, binding: str) -> EvalError | None:
    if outcome.error is None:
        return None
    code, name, message = outcome.error
    return EvalError(code=code, name=name, message=message, binding=binding)


def evaluate_template(
    text: str,
    scope: Mapping[str, Any] | None = None,
    *,
    limits: EvaluationLimits | None = None,
    engine: Engine | None = None,
    this_value: Any = UNDEFINED,
) -> TemplateResult:
    """Evaluate ``text`` with the names in ``scope`` (JSON data) visible to its bindings.

    Exactly one binding keeps the JavaScript type of its result; text with
    bindings is concatenated as a string. Text without bindings is returned
    as is. Failures come back in ``errors``, never as exceptions.

    ``this_value`` (JSON data) is what ``this`` is in the bindings, e.g.
    ``{"params": {...}}`` for a query run with params; by default ``this``
    is ``undefined``.
    """
    if not isinstance(text, str) or not parse_template(text).bindings:
        return TemplateResult(text)
    outcomes, errors = _run(text, scope, False, limits, engine, this_value)
    if errors:
        return TemplateResult(UNDEFINED, errors)
    outcome = outcomes.outcome(0)
    record = _record(outcome, text)
    if record is not None:
        return TemplateResult(UNDEFINED, (record,))
    return TemplateResult(UNDEFINED if outcome.undefined else outcome.value)


def evaluate_json_template(
    text: str,
    scope: Mapping[str, Any] | None = None,
    *,
    limits: EvaluationLimits | None = None,
    engine: Engine | None = None,
    this_value: Any = UNDEFINED,
) -> TemplateResult:
    """Evaluate a JSON query body: bindings are substituted as JSON values.

    A body that is exactly one binding keeps its value (so a file reference
    stays a reference for the HTTP executor to stream). Otherwise each
    binding is written as a JSON value, or as escaped string content when it
    sits inside a JSON string. A failed binding becomes ``null`` (or nothing,
    inside a string) and its error is reported. ``this_value``: as for
    :func:`evaluate_template`.
    """
    template = parse_template(text) if isinstance(text, str) else None
    if template is None or not template.bindings:
        return TemplateResult(text)
    if template.is_single_binding:
        return evaluate_template(text, scope, limits=limits, engine=engine, this_value=this_value)
    parts, values, records = _binding_values(template, scope, limits, engine, this_value)
    return TemplateResult(substitute_json(parts, values), records)


def evaluate_url_template(
    text: str,
    scope: Mapping[str, Any] | None = None,
    *,
    limits: EvaluationLimits | None = None,
    engine: Engine | None = None,
    this_value: Any = UNDEFINED,
    has_base_url: bool = True,
    encode_query: bool = True,
) -> TemplateResult:
    """Evaluate a query's URL path: each binding percent-encoded for where it sits.

    In a path segment a value is one segment (``a/b`` -> ``a%2Fb``), in the
    query string a query value; a binding in a full URL's scheme, host or
    port is an error. ``has_base_url`` False (a query without a datasource
    URL): a binding opening the path is the URL's start, as it is. The
    rules: :mod:`runtime.url_template`. Any failed binding makes the value
    ``UNDEFINED``. ``this_value``: as for :func:`evaluate_template`.
    ``encode_query`` False: values in the query string go in as typed.
    """

    def substitute(parts: Sequence[str | None], values: Sequence[Any]) -> str:
        return substitute_url(parts, values, has_base_url=has_base_url, encode_query=encode_query)

    return _evaluate_filled(text, scope, limits, engine, this_value, substitute)


def evaluate_form_template(
    text: str,
    scope: Mapping[str, Any] | None = None,
    *,
    limits: EvaluationLimits | None = None,
    engine: Engine | None = None,
    this_value: Any = UNDEFINED,
) -> TemplateResult:
    """Evaluate a form-encoded body typed as text: each binding encoded as a form value.

    ``a={{x}}&b=2`` with ``x`` = ``1&admin=1`` stays two fields. A body that
    is exactly one binding keeps its value, as :func:`evaluate_template`
    has it: the binding wrote the whole body (or an object of fields).
    """
    template = parse_template(text) if isinstance(text, str) else None
    if template is not None and template.is_single_binding:
        return evaluate_template(text, scope, limits=limits, engine=engine, this_value=this_value)
    return _evaluate_filled(text, scope, limits, engine, this_value, substitute_form)


def _evaluate_filled(
    text: str,
    scope: Mapping[str, Any] | None,
    limits: EvaluationLimits | None,
    engine: Engine | None,
    this_value: Any,
    substitute: Callable[[Sequence[str | None], Sequence[Any]], str],
) -> TemplateResult:
    """Text whose bindings ``substitute`` writes in; ``UNDEFINED`` if any binding fails."""
    template = parse_template(text) if isinstance(text, str) else None
    if template is None or not template.bindings:
        return TemplateResult(text)
    parts, values, records = _binding_values(template, scope, limits, engine, this_value)
    if records:
        return TemplateResult(UNDEFINED, records)
    try:
        return TemplateResult(substitute(parts, values))
    except BindingError as error:
        return TemplateResult(UNDEFINED, (error.to_record(text),))


def _binding_values(
    template: Template,
    scope: Mapping[str, Any] | None,
    limits: EvaluationLimits | None,
    engine: Engine | None,
    this_value: Any,
) -> tuple[list[str | None], list[Any], tuple[EvalError, ...]]:
    """Each binding evaluated on its own: the template's text with ``None`` where
    each binding goes, the values (``UNDEFINED`` where one failed) and the errors."""
    outcomes, errors = _run(template.text, scope, True, limits, engine, this_value)
    failed = {e.binding for e in errors}
    results = iter(range(len(outcomes)))
    records = list(errors)
    parts: list[str | None] = []
    values: list[Any] = []
    for part in template.parts:
        if not isinstance(part, Binding):
            parts.append(part)
            continue
        parts.append(None)
        if part.segment in failed:
            values.append(UNDEFINED)
            continue
        position = next(results, None)
        if position is None:  # the engine refused the program: already reported
            values.append(UNDEFINED)
            continue
        outcome = outcomes.outcome(position)
        record = _record(outcome, part.segment)
        if record is not None:
            records.append(record)
        values.append(UNDEFINED if outcome.undefined else outcome.value)
    return parts, values, tuple(records)
