"""builder.api.errors: one table maps every app's errors to a status and one body shape."""

from __future__ import annotations

import pytest
from rest_framework.response import Response

from builder import errors as builder_errors
from builder.api.errors import ERROR_STATUSES, exception_handler
from datasources import errors as datasources_errors
from outbound import errors as outbound_errors
from restapi import errors as restapi_errors
from runtime import errors as runtime_errors
from runtime.http import errors as http_errors
from widgets import errors as widgets_errors
from workspaces import errors as workspaces_errors


def answer(error: Exception) -> Response | None:
    return exception_handler(error, {})


@pytest.mark.parametrize(
    ("error", "status", "body"),
    [
        # builder
        (
            builder_errors.Invalid("Taken.", code="duplicate_name", field="name"),
            400,
            {"code": "duplicate_name", "message": "Taken.", "field": "name"},
        ),
        (builder_errors.NotFound(), 404, {"code": "not_found", "message": "Not found."}),
        (
            builder_errors.NotFound("Not published.", code="not_published"),
            404,
            {"code": "not_published", "message": "Not published."},
        ),
        # restapi
        (restapi_errors.UnknownId(), 404, {"code": "not_found", "message": "Not found."}),
        (
            restapi_errors.RequestBodyTooLarge("The request body is over 10 bytes."),
            413,
            {"code": "payload_too_large", "message": "The request body is over 10 bytes."},
        ),
        (
            restapi_errors.InvalidId("workspace must be a positive integer id.", field="workspace"),
            400,
            {
                "code": "invalid",
                "message": "workspace must be a positive integer id.",
                "field": "workspace",
            },
        ),
        # workspaces
        (
            workspaces_errors.RoleTooLow(),
            403,
            {"code": "permission_denied", "message": "You do not have permission to do this."},
        ),
        (workspaces_errors.NotAMember(), 404, {"code": "not_found", "message": "Not found."}),
        (
            builder_errors.Conflict("Keep an admin.", code="last_admin", field="role"),
            409,
            {"code": "last_admin", "message": "Keep an admin.", "field": "role"},
        ),
        (
            builder_errors.PayloadTooLarge(),
            413,
            {"code": "payload_too_large", "message": "The request body is too large."},
        ),
        # datasources
        (
            datasources_errors.InvalidDatasourceConfigError(
                "Required.", field="authentication.client_id"
            ),
            400,
            {"code": "invalid", "message": "Required.", "field": "authentication.client_id"},
        ),
        (
            datasources_errors.DatasourceInUseError("Queries use it."),
            409,
            {"code": "datasource_in_use", "message": "Queries use it."},
        ),
        (
            datasources_errors.TokenRefreshError("Try later.", retryable=True),
            502,
            {"code": "token_refresh_failed", "message": "Try later."},
        ),
        (
            datasources_errors.TokenRefreshError("Refused.", retryable=False),
            409,
            {"code": "token_refresh_failed", "message": "Refused."},
        ),
        (
            datasources_errors.NeedsReauthorizationError("Authorize again.", datasource_name="D"),
            409,
            {"code": "needs_reauthorization", "message": "Authorize again."},
        ),
        (
            datasources_errors.InvalidStateError("Start again."),
            400,
            {"code": "invalid_state", "message": "Start again."},
        ),
        # runtime.http
        (
            http_errors.InvalidHeaderError("Bad name.", field="config.headers[0].key"),
            400,
            {"code": "invalid_header", "message": "Bad name.", "field": "config.headers[0].key"},
        ),
        (
            http_errors.FileReferenceError("Not yours.", field="config.body", reference="blob:f_x"),
            400,
            {"code": "invalid_file_reference", "message": "Not yours.", "field": "config.body"},
        ),
        # widgets
        (
            widgets_errors.EntityNameError(
                "Reserved.", name="class", code="reserved_word", path="name"
            ),
            400,
            {"code": "reserved_word", "message": "Reserved.", "field": "name"},
        ),
        (
            widgets_errors.LayoutValidationError(
                [
                    widgets_errors.FieldError("layout.type", "unknown_widget_type", "Unknown."),
                    widgets_errors.FieldError("layout.props.x", "unknown_property", "No x."),
                ]
            ),
            400,
            {
                "code": "invalid_layout",
                "message": "Invalid layout: layout.type: Unknown. (and 1 more error)",
                "field": "layout.type",
                "errors": [
                    {"code": "unknown_widget_type", "message": "Unknown.", "field": "layout.type"},
                    {"code": "unknown_property", "message": "No x.", "field": "layout.props.x"},
                ],
            },
        ),
        # runtime
        (
            runtime_errors.JavaScriptSyntaxError("Unexpected token", line=1, column=3),
            400,
            {"code": "syntax_error", "message": "Unexpected token"},
        ),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else None,
)
def test_each_apps_error_renders_with_its_status(error, status, body):
    response = answer(error)
    assert response is not None
    assert (response.status_code, response.data) == (status, body)


@pytest.mark.parametrize(
    "error",
    [
        runtime_errors.InvalidRuntimeInput("bad limits"),
        runtime_errors.EngineCrashed("the sandbox broke"),
        runtime_errors.EngineUnavailable("js2py is not installed"),
        outbound_errors.BlockedAddressError("refused", host="h", address=None, reason="metadata"),
        widgets_errors.RegistryError("inconsistent type"),
        ValueError("not an app's error"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_brace_s_own_faults_are_left_to_a_500(error):
    assert answer(error) is None


def test_no_row_is_hidden_behind_a_broader_one_above_it():
    classes = [cls for cls, _ in ERROR_STATUSES]
    for index, cls in enumerate(classes):
        broader = [above for above in classes[:index] if issubclass(cls, above)]
        assert broader == [], f"{cls.__name__} is shadowed by {broader}"


def test_every_apps_error_root_has_a_row():
    classes = {cls for cls, _ in ERROR_STATUSES}
    assert {
        builder_errors.BuilderError,
        workspaces_errors.WorkspaceError,
        restapi_errors.RequestValueError,
        datasources_errors.DatasourceError,
        outbound_errors.OutboundPolicyError,
        http_errors.HttpExecutorError,
        widgets_errors.WidgetsError,
        runtime_errors.BraceRuntimeError,
    } <= classes


def test_a_policy_the_settings_make_invalid_answers_400_naming_the_setting():
    error = outbound_errors.InvalidPolicyError("Must be 0..20.", field="policy.max_redirects")
    response = answer(error)
    assert response is not None
    assert response.status_code == 400
    assert response.data == {
        "code": "invalid_config",
        "message": "Must be 0..20.",
        "field": "policy.max_redirects",
    }
