"""Running a query: its `{{ }}` bindings evaluated, then sent by `runtime.http`.

    scope = evaluate_page(...).scope
    result = run_action(snapshot, datasource=ds, user=request.user, scope=scope,
                        params={"id": 3}, files=RuntimeFileResolver(user, application))
    result.is_execution_success        # a runtime.http.ExecutionResult, whatever happened
    action_state(result)               # {"data", "isLoading", "responseMeta"}: what bindings read
    result.to_dict()                   # the editor's run answer
    evaluate_draft_config(action, user=user, config=draft).to_json()
                                       # {values, errors} by config path, nothing sent

Bindings read the page's entities and `appsmith`, plus `this.params` (the
arguments of `Query.run(params)`, as in Appsmith). A JSON body, and a header
value written as a JSON document (Dropbox's `Dropbox-API-Arg`), are filled in
JSON-aware: a string inserted inside a JSON string is escaped there, so a
quote in a picked file's name cannot break the JSON (unless the config's
`smart_json_substitution` is false: then as plain text). In the path each binding
is percent-encoded for where it sits (`runtime.url_template`), so an end
user's `../admin?x=1` stays one segment under the datasource URL. Every binding failure is a
failed result naming the config field (`config.headers[0].value`), never an
exception, and nothing is sent. The datasource's credentials come as an
`httpx.Auth` from `datasources`; when it cannot get a token the result
says why (`needs_reauthorization`, `not_authorized`, `token_refresh_failed`).
A datasource whose preset declares a chunked-upload protocol (Dropbox) gets
it too, built for the BRACE_UPLOAD_SESSION_* settings: a picked file larger
than the threshold then goes through the API's upload session, each step
retried under the BRACE_UPLOAD_RETRY_* settings (`runtime.http.retry`).

A config the executor refuses (a header name with a space, a `blob:` that is
not the caller's) raises `runtime.http.InvalidActionConfigError`, whose `field` names the
input: a 400 for the editor's Run button.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User

from builder.action_config import query_settings
from builder.errors import Conflict
from builder.execution.evaluation import evaluate_page
from builder.execution.files import RuntimeFileResolver
from builder.execution.sandbox import js_engine, js_limits
from builder.execution.state import RuntimeState, user_info
from builder.models import Action
from datasources.auth import datasource_auth
from datasources.errors import InvalidDatasourceConfigError, TokenUnavailableError
from datasources.models import Datasource
from datasources.presets import chunked_upload_protocol
from datasources.transport import outbound_policy
from outbound import OutboundPolicy
from runtime import (
    UNDEFINED,
    EvalError,
    TemplateResult,
    evaluate_form_template,
    evaluate_json_template,
    evaluate_template,
    evaluate_url_template,
    is_dynamic,
    split_segments,
)
from runtime.checks import upload_retry_policy
from runtime.http import (
    BindingFailure,
    ChunkedUpload,
    ExecutionError,
    ExecutionResult,
    FileResolver,
    HttpExecutor,
    RetryPolicy,
    UploadCheckpoints,
    upload_protocol,
)
from widgets import LayoutValidationError

__all__ = [
    "ConfigEvaluation",
    "action_snapshot",
    "action_state",
    "chunked_upload_for",
    "evaluate_config",
    "evaluate_draft_config",
    "failed_result",
    "query_executor",
    "run_action",
    "run_draft_action",
]


def action_snapshot(action: Action) -> dict[str, Any]:
    """A draft action in the shape a published version stores it."""
    return {
        "id": action.pk,
        "page": action.page_id,
        "name": action.name,
        "datasource": action.datasource_id,
        "config": action.config,
    }


def action_state(result: ExecutionResult) -> dict[str, Any]:
    """A run's result as bindings read it: `Api1.data`, `Api1.responseMeta.statusCode`..."""
    return {
        "data": result.data,
        "isLoading": False,
        "responseMeta": {
            "statusCode": result.status_code,
            "headers": dict(result.headers),
            "isExecutionSuccess": result.is_execution_success,
        },
    }


@lru_cache(maxsize=4)
def _executor(policy: OutboundPolicy, max_response_bytes: int, retry: RetryPolicy) -> HttpExecutor:
    # One per configuration for the process: its transport pools connections.
    return HttpExecutor(policy, max_response_bytes=max_response_bytes, retry=retry)


def query_executor() -> HttpExecutor:
    """The executor for the current settings (BRACE_OUTBOUND_*, BRACE_QUERY_*,
    BRACE_UPLOAD_RETRY_*)."""
    return _executor(
        outbound_policy(), int(settings.BRACE_QUERY_MAX_RESPONSE_BYTES), upload_retry_policy()
    )


@lru_cache(maxsize=8)
def _upload_protocol(name: str, threshold_bytes: int, chunk_bytes: int) -> ChunkedUpload:
    return upload_protocol(name, threshold_bytes=threshold_bytes, chunk_bytes=chunk_bytes)


def chunked_upload_for(datasource: Datasource | None) -> ChunkedUpload | None:
    """The chunked-upload protocol of the datasource's preset, for the current settings."""
    name = chunked_upload_protocol(datasource.preset) if datasource is not None else ""
    if not name:
        return None
    return _upload_protocol(
        name,
        int(settings.BRACE_UPLOAD_SESSION_THRESHOLD_BYTES),
        int(settings.BRACE_UPLOAD_SESSION_CHUNK_BYTES),
    )


def failed_result(
    code: str,
    message: str,
    *,
    duration_ms: int = 0,
    field: str | None = None,
    bindings: tuple[BindingFailure, ...] = (),
    retryable: bool | None = None,
) -> ExecutionResult:
    """A run that did not reach the upstream, in the shape of a real result."""
    error = ExecutionError(code, message, field=field, bindings=bindings, retryable=retryable)
    return ExecutionResult.failed(error, duration_ms=duration_ms)


class _Binder:
    """Evaluates config fields against one scope and remembers every failure."""

    def __init__(
        self, scope: Mapping[str, Any], params: Mapping[str, Any], *, smart_json: bool = True
    ) -> None:
        self.scope = scope
        self.smart_json = smart_json
        # Appsmith query bindings read run() params as `this.params`.
        self.this = {"params": dict(params)}
        self.failures: list[tuple[str, str, EvalError]] = []
        # What each binding field gave, by config path, for the editor to show.
        self.values: dict[str, Any] = {}

    def _run(self, evaluate: Callable[..., TemplateResult], field: str, text: Any) -> Any:
        if not isinstance(text, str) or not is_dynamic(text):
            return text
        result = evaluate(
            text, self.scope, this_value=self.this, limits=js_limits(), engine=js_engine()
        )
        self.failures.extend((field, text, error) for error in result.errors)
        value = None if result.value is UNDEFINED else result.value
        self.values[field] = value
        return value

    def value(self, field: str, text: Any) -> Any:
        return self._run(evaluate_template, field, text)

    def json(self, field: str, text: Any) -> Any:
        """JSON text: each binding a JSON value, unless smart JSON substitution is off."""
        if not self.smart_json:
            return self.value(field, text)
        return self._run(evaluate_json_template, field, text)

    def url(self, field: str, text: Any, *, has_base_url: bool, encode_query: bool = True) -> Any:
        """The path: each binding percent-encoded for where it sits (`a/b` -> `a%2Fb`).

        ``encode_query`` False: values in its query string go in as typed.
        """
        evaluate = partial(
            evaluate_url_template, has_base_url=has_base_url, encode_query=encode_query
        )
        return self._run(evaluate, field, text)

    def form(self, field: str, text: Any) -> Any:
        """A form body typed as text: each binding encoded as a form value."""
        return self._run(evaluate_form_template, field, text)

    def header_value(self, field: str, text: Any) -> Any:
        """A header value; one written as a JSON document is filled in JSON-aware.

        ``Dropbox-API-Arg: {"path": "/{{FilePicker1.files[0].name}}"}`` must stay
        valid JSON whatever the name holds: a quote in it is escaped inside its
        string, as in a JSON body, instead of ending the string.
        """
        if _is_json_document(text):
            return self.json(field, text)
        return self.value(field, text)

    def rows(self, field: str, rows: Any, *, value: Callable[[str, Any], Any] | None = None) -> Any:
        """Key/value rows; ``value`` evaluates the values (plain text by default)."""
        if not isinstance(rows, list):
            return rows
        evaluate = {"key": self.value, "value": value or self.value}
        evaluated = []
        for index, row in enumerate(rows):
            if isinstance(row, Mapping):
                row = dict(row)
                for key in ("key", "value"):
                    if key in row:
                        row[key] = evaluate[key](f"{field}[{index}].{key}", row[key])
            evaluated.append(row)
        return evaluated

    def nested(self, field: str, value: Any) -> Any:
        """Every string inside a JSON value (a body stored as an object)."""
        if isinstance(value, str):
            return self.value(field, value)
        if isinstance(value, list):
            return [self.nested(f"{field}[{i}]", item) for i, item in enumerate(value)]
        if isinstance(value, Mapping):
            return {key: self.nested(f"{field}.{key}", item) for key, item in value.items()}
        return value


def _is_json_document(text: Any) -> bool:
    """Whether a header value is written as JSON: ``{`` or ``[`` before any binding.

    A value that opens with a binding (``{{Api1.token}}``) is plain text.
    """
    if not isinstance(text, str):
        return False
    first = split_segments(text)[0]
    return not is_dynamic(first) and first.lstrip().startswith(("{", "["))


def _body(binder: _Binder, body_type: Any, body: Any) -> Any:
    if body_type in (None, "none"):
        return body  # never sent, so its bindings must not fail the run
    if body_type == "json":
        return (
            binder.json("config.body", body)
            if isinstance(body, str)
            else binder.nested("config.body", body)
        )
    if body_type == "form_urlencoded" and isinstance(body, str):
        return binder.form("config.body", body)
    if body_type in ("form_urlencoded", "multipart") and isinstance(body, list):
        # Key/value rows: a value may be a picked file, which stays an object.
        return binder.rows("config.body", body)
    # binary: `{{FilePicker1.files[0].data}}` gives a `blob:` reference (or the
    # file object); it stays a reference for the executor to stream.
    return binder.nested("config.body", body)


def _bind(
    config: Mapping[str, Any],
    scope: Mapping[str, Any],
    params: Mapping[str, Any] | None,
    has_base_url: bool,
) -> tuple[dict[str, Any], _Binder]:
    settings = query_settings(config)
    binder = _Binder(scope, params or {}, smart_json=settings.smart_json_substitution)
    evaluated = dict(config)
    evaluated["path"] = binder.url(
        "config.path",
        config.get("path"),
        has_base_url=has_base_url,
        encode_query=settings.encode_query_params,
    )
    evaluated["headers"] = binder.rows(
        "config.headers", config.get("headers"), value=binder.header_value
    )
    evaluated["query_params"] = binder.rows("config.query_params", config.get("query_params"))
    evaluated["body"] = _body(binder, config.get("body_type"), config.get("body"))
    return evaluated, binder


def evaluate_config(
    config: Mapping[str, Any],
    scope: Mapping[str, Any],
    params: Mapping[str, Any] | None = None,
    *,
    has_base_url: bool = True,
) -> tuple[dict[str, Any], list[BindingFailure]]:
    """The config with every binding evaluated, and the bindings that failed.

    ``has_base_url``: the path is joined to a datasource URL (see `runtime.url_template`).
    The config's `smart_json_substitution` and `encode_query_params` say how
    values go into JSON text and into the query string (builder.action_config).
    """
    evaluated, binder = _bind(config, scope, params, has_base_url)
    failures = [
        BindingFailure(field=field, binding=text, name=error.name, message=error.message)
        for field, text, error in binder.failures
    ]
    return evaluated, failures


@dataclass(frozen=True)
class ConfigEvaluation:
    """What each `{{ }}` field of a config gives, by config path, and what failed.

    ``values`` holds only fields with a binding that did not fail (a literal's
    value is what the field shows); ``errors`` holds the failures of each
    failing field, in the shape of a page evaluation's errors.
    """

    values: dict[str, Any]
    errors: dict[str, list[dict[str, Any]]]

    def to_json(self) -> dict[str, Any]:
        return {"values": self.values, "errors": self.errors}


def _evaluation(binder: _Binder) -> ConfigEvaluation:
    errors: dict[str, list[dict[str, Any]]] = {}
    for field, _text, error in binder.failures:
        errors.setdefault(field, []).append(error.to_dict())
    values = {field: value for field, value in binder.values.items() if field not in errors}
    return ConfigEvaluation(values=values, errors=errors)


def _datasource_config(datasource: Datasource | None) -> dict[str, Any] | None:
    if datasource is None:
        return None
    return {
        "url": datasource.url,
        "headers": datasource.headers,
        "query_params": datasource.query_params,
    }


def run_action(
    action: Mapping[str, Any],
    *,
    datasource: Datasource | None,
    user: User,
    scope: Mapping[str, Any],
    params: Mapping[str, Any] | None = None,
    files: FileResolver | None = None,
    executor: HttpExecutor | None = None,
    upload_checkpoints: UploadCheckpoints | None = None,
) -> ExecutionResult:
    """Run one action (a published snapshot or `action_snapshot`) and return its result.

    Whatever happens, the result is an `ExecutionResult` (its ``to_dict`` is
    the editor's run answer): ``request`` is the request as sent with
    credentials redacted (None if nothing was sent), ``error`` says why a run
    failed. Raises `runtime.http.InvalidActionConfigError` (``field`` names the input) for a
    config the executor refuses. ``upload_checkpoints`` lets a chunked upload resume where
    an earlier run of a background job stopped; what it raises propagates.
    """
    started = time.perf_counter()
    has_base_url = datasource is not None and bool(datasource.url)
    config, failures = evaluate_config(
        action.get("config") or {}, scope, params, has_base_url=has_base_url
    )
    if failures:
        first = failures[0]
        return failed_result(
            "binding_error",
            f"{first.field}: {first.name}: {first.message}",
            field=first.field,
            bindings=tuple(failures),
        )
    try:
        auth = datasource_auth(datasource, user) if datasource is not None else None
    except InvalidDatasourceConfigError as error:
        return failed_result("invalid_datasource", error.message, field=error.field)
    executor = executor or query_executor()
    try:
        return executor.execute(
            config,
            _datasource_config(datasource),
            auth=auth,
            files=files,
            chunked_upload=chunked_upload_for(datasource),
            upload_checkpoints=upload_checkpoints,
        )
    except TokenUnavailableError as error:
        # Raised by the OAuth 2.0 auth while sending: the run cannot be authorized.
        return failed_result(
            error.code,
            error.message,
            duration_ms=round((time.perf_counter() - started) * 1000),
            retryable=error.retryable,
        )


def _draft_scope(action: Action, user: User) -> Mapping[str, Any]:
    """The page of a draft action as first loaded: no picked files, no earlier
    results, `appsmith.mode` "EDIT"."""
    page = action.page
    names = list(page.actions.values_list("name", flat=True))
    try:
        evaluated = evaluate_page(
            page.layout, names, RuntimeState(user=user_info(user), mode="EDIT")
        )
    except LayoutValidationError as error:
        raise Conflict(
            f"The page's saved layout is not valid: {error.message}", code="invalid_layout"
        ) from error
    return evaluated.scope


def run_draft_action(
    action: Action, *, user: User, params: Mapping[str, Any] | None = None
) -> ExecutionResult:
    """The editor's Run button: the draft action against its page's default state.

    Bindings see the draft page as first loaded (no picked files, no earlier
    results), `appsmith.mode` "EDIT". A config the executor refuses raises
    `runtime.http.InvalidActionConfigError` naming the field.
    """
    return run_action(
        action_snapshot(action),
        datasource=action.datasource,
        user=user,
        scope=_draft_scope(action, user),
        params=params,
        files=RuntimeFileResolver(user, action.page.application_id),
    )


def evaluate_draft_config(
    action: Action,
    *,
    user: User,
    config: Mapping[str, Any] | None = None,
    params: Mapping[str, Any] | None = None,
) -> ConfigEvaluation:
    """The evaluated value of each binding of `config` (the saved one if None),
    as the Run button would evaluate it, without sending anything."""
    datasource = action.datasource
    has_base_url = datasource is not None and bool(datasource.url)
    given = action.config if config is None else config
    _evaluated, binder = _bind(
        given if isinstance(given, Mapping) else {},
        _draft_scope(action, user),
        params,
        has_base_url,
    )
    return _evaluation(binder)
