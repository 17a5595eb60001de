"""The one exception handler of the API, and the one table it answers from.

Every app raises its own errors (`builder.errors`, `restapi.errors`, `workspaces.errors`,
`datasources.errors`, `outbound.errors`, `runtime.errors`, `runtime.http.errors`,
`widgets.errors`) and knows nothing of HTTP. ``ERROR_STATUSES`` maps each of
them to a status; the handler renders the error as {"code", "message",
"field"?} (a widgets error that holds several faults adds `errors`, every one
of them). Views call services and let their errors propagate.

A row whose status is None is a fault of Brace's own (misuse of the runtime's
Python API, an engine that crashed, an inconsistent widget type): not
rendered, so Django answers 500 and logs it with its traceback.

DRF's own exceptions (validation, authentication, throttling, parse errors)
and Django's Http404 / PermissionDenied are rendered in the same shape; a
serializer's field errors name the first faulty field, dotted for nested ones
(`authentication.client_id`, `layout.children[0].props.label`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from builder.errors import (
    BuilderError,
    Conflict,
    Invalid,
    NotFound,
    PayloadTooLarge,
    TooMany,
)
from datasources import errors as datasources_errors
from outbound import errors as outbound_errors
from restapi import errors as restapi_errors
from runtime import errors as runtime_errors
from runtime.http import errors as http_errors
from widgets import errors as widgets_errors
from workspaces import errors as workspaces_errors

Status = int | Callable[[Exception], int] | None


def _provider_or_conflict(error: Exception) -> int:
    """A refresh the provider failed (retryable) is its fault; one that needs the user is not."""
    if getattr(error, "retryable", False):
        return status.HTTP_502_BAD_GATEWAY
    return status.HTTP_409_CONFLICT


# The first row whose class the error is an instance of decides: most specific first.
ERROR_STATUSES: tuple[tuple[type[Exception], Status], ...] = (
    # builder
    (Invalid, status.HTTP_400_BAD_REQUEST),
    (NotFound, status.HTTP_404_NOT_FOUND),
    (Conflict, status.HTTP_409_CONFLICT),
    (PayloadTooLarge, status.HTTP_413_REQUEST_ENTITY_TOO_LARGE),
    (TooMany, status.HTTP_429_TOO_MANY_REQUESTS),
    (BuilderError, status.HTTP_400_BAD_REQUEST),
    # restapi: ids and values read from the request itself
    (restapi_errors.UnknownId, status.HTTP_404_NOT_FOUND),
    (restapi_errors.RequestBodyTooLarge, status.HTTP_413_REQUEST_ENTITY_TOO_LARGE),
    (restapi_errors.RequestValueError, status.HTTP_400_BAD_REQUEST),
    # workspaces
    (workspaces_errors.NotAMember, status.HTTP_404_NOT_FOUND),
    (workspaces_errors.RoleTooLow, status.HTTP_403_FORBIDDEN),
    (workspaces_errors.MembershipConflict, status.HTTP_409_CONFLICT),
    (workspaces_errors.WorkspaceError, status.HTTP_400_BAD_REQUEST),
    # datasources
    (datasources_errors.InvalidDatasourceConfigError, status.HTTP_400_BAD_REQUEST),
    (datasources_errors.DatasourceInUseError, status.HTTP_409_CONFLICT),
    (datasources_errors.TokenRefreshError, _provider_or_conflict),
    (datasources_errors.TokenUnavailableError, status.HTTP_409_CONFLICT),
    (datasources_errors.DatasourceError, status.HTTP_400_BAD_REQUEST),
    # runtime.http: an OutboundError is reported in the run's result; one raised is a fault.
    (http_errors.InvalidActionConfigError, status.HTTP_400_BAD_REQUEST),
    (http_errors.HttpExecutorError, None),
    # outbound: a policy the settings make invalid (check datasources.E002 reports it at
    # start-up); a refused address is reported in the run's result, one raised is a fault.
    (outbound_errors.InvalidPolicyError, status.HTTP_400_BAD_REQUEST),
    (outbound_errors.OutboundPolicyError, None),
    # widgets
    (widgets_errors.RegistryError, None),
    (widgets_errors.WidgetsError, status.HTTP_400_BAD_REQUEST),
    # runtime: user JavaScript's failures are reported per property; the rest are faults.
    (runtime_errors.BindingError, status.HTTP_400_BAD_REQUEST),
    (runtime_errors.BraceRuntimeError, None),
)


def status_for(error: Exception) -> int | None:
    """The HTTP status of an app's error; None if it is Brace's fault or no app's error."""
    for cls, answer in ERROR_STATUSES:
        if isinstance(error, cls):
            return answer(error) if callable(answer) else answer
    return None


def error_body(code: str, message: str, field: str | None = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if field:
        body["field"] = field
    body.update(extra)
    return body


def render(error: Exception) -> dict[str, Any]:
    """The body of an app's error: {code, message, field?}, and `errors` for documents."""
    if isinstance(error, widgets_errors.WidgetsError):
        return error.to_dict()
    return error_body(
        getattr(error, "code", "error"),
        getattr(error, "message", None) or str(error),
        getattr(error, "field", None),
    )


def _first_field_error(detail: Any, prefix: str = "") -> tuple[str | None, str, str]:
    """Walk DRF's nested error detail to the first leaf: (dotted field, message, code)."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            if key in ("non_field_errors", "__all__"):
                name = prefix
            elif isinstance(key, int):  # a ListSerializer's errors are keyed by index
                name = f"{prefix}[{key}]"
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            return _first_field_error(value, name)
    if isinstance(detail, list):
        for index, item in enumerate(detail):
            if isinstance(item, (dict, list)):
                return _first_field_error(item, f"{prefix}[{index}]")
            return _first_field_error(item, prefix)
    code = getattr(detail, "code", None) or "invalid"
    return (prefix or None, str(detail), str(code))


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    answer = status_for(exc)
    if answer is not None:
        retry_after = getattr(exc, "retry_after", None)
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
        return Response(render(exc), status=answer, headers=headers)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        field, message, code = _first_field_error(exc.detail)
        response.data = error_body(code, message, field, errors=exc.detail)
    else:
        detail = getattr(exc, "detail", str(exc))
        code = str(getattr(detail, "code", None) or getattr(exc, "default_code", "error"))
        response.data = error_body(code, str(detail))
    return response
