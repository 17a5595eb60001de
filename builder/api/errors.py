"""API errors and the one exception handler that renders them.

Every error leaves the API as {"code", "message", "field"?} with a 4xx status
(a 5xx only for Brace's own faults):

    APIError                      400 code=<given>
    ├── NotFound                  404 not_found
    ├── Conflict                  409 conflict
    └── PayloadTooLarge           413 payload_too_large

The errors of `workspaces` and `datasources` (Django-free, each with code,
message and field) get their status from their class: see `_workspace_status`
and `_datasource_status`. DRF's own exceptions (validation, authentication,
throttling, parse errors) and Django's Http404 / PermissionDenied are
translated to the same shape; a serializer's field errors name the first
faulty field, dotted for nested ones (`authentication.client_id`,
`layout.children[0].props.label`).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from datasources.errors import (
    DatasourceError,
    DatasourceInUseError,
    TokenRefreshError,
    TokenUnavailableError,
)
from workspaces.errors import MembershipConflict, NotAMember, RoleTooLow, WorkspaceError


class APIError(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"
    default_detail = "The request is invalid."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        field: str | None = None,
        extra: dict[str, Any] | None = None,
    ):
        self.message = message or str(self.default_detail)
        self.code = code or self.default_code
        self.field = field
        # More keys for the body, e.g. `errors`: every fault of a layout.
        self.extra = extra or {}
        super().__init__(detail=self.message, code=self.code)


class NotFound(APIError):
    status_code = status.HTTP_404_NOT_FOUND
    default_code = "not_found"
    default_detail = "Not found."


class Conflict(APIError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "The request conflicts with the current state."


class PayloadTooLarge(APIError):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"
    default_detail = "The request body is too large."


def error_body(code: str, message: str, field: str | None = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if field:
        body["field"] = field
    body.update(extra)
    return body


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


def _workspace_status(exc: WorkspaceError) -> int:
    if isinstance(exc, NotAMember):
        return status.HTTP_404_NOT_FOUND
    if isinstance(exc, RoleTooLow):
        return status.HTTP_403_FORBIDDEN
    if isinstance(exc, MembershipConflict):
        return status.HTTP_409_CONFLICT
    return status.HTTP_400_BAD_REQUEST


def _datasource_status(exc: DatasourceError) -> int:
    if isinstance(exc, DatasourceInUseError):
        return status.HTTP_409_CONFLICT
    if isinstance(exc, TokenRefreshError) and exc.retryable:
        return status.HTTP_502_BAD_GATEWAY  # the provider failed, not the request
    if isinstance(exc, TokenUnavailableError):
        return status.HTTP_409_CONFLICT
    return status.HTTP_400_BAD_REQUEST


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, APIError):
        return Response(
            error_body(exc.code, exc.message, exc.field, **exc.extra), status=exc.status_code
        )
    if isinstance(exc, WorkspaceError):
        return Response(error_body(exc.code, exc.message, exc.field), status=_workspace_status(exc))
    if isinstance(exc, DatasourceError):
        field = getattr(exc, "field", None)
        return Response(error_body(exc.code, exc.message, field), status=_datasource_status(exc))
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
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        response.data = error_body(str(code), str(detail))
    return response
