"""The OpenAPI schema at /api/schema/ is the full, true reference: it generates
without a warning and names every route of docs/editor-api.md and docs/runtime-api.md."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

API_ROUTES = {
    "/api/v1/auth/token/": {"post"},
    "/api/v1/workspaces/": {"get", "post"},
    "/api/v1/workspaces/{workspace_pk}/members/": {"get", "post"},
    "/api/v1/applications/": {"get", "post"},
    "/api/v1/applications/{id}/publish/": {"post"},
    "/api/v1/pages/{id}/": {"get", "patch", "delete"},
    "/api/v1/pages/{id}/evaluate/": {"post"},
    "/api/v1/datasources/": {"get", "post"},
    "/api/v1/datasources/{id}/": {"get", "patch", "delete"},
    "/api/v1/datasources/{id}/authorize/": {"get"},
    "/api/v1/datasources/oauth2/callback/": {"get"},
    "/api/v1/datasources/{id}/token/": {"get", "post", "delete"},
    "/api/v1/actions/": {"get", "post"},
    "/api/v1/actions/{id}/run/": {"post"},
    "/api/v1/runtime/pages/{id}/": {"get"},
    "/api/v1/runtime/pages/{id}/events/": {"post"},
    "/api/v1/runtime/files/": {"post"},
    "/api/v1/runtime/jobs/{id}/": {"get"},
}


@pytest.mark.django_db
def test_the_whole_schema_validates_without_warnings(tmp_path: Path) -> None:
    out = tmp_path / "schema.yaml"
    # Raises on any warning or validation error.
    call_command("spectacular", "--validate", "--fail-on-warn", f"--file={out}")
    paths = yaml.safe_load(out.read_text())["paths"]
    missing = {
        route: sorted(methods - set(paths.get(route, {})))
        for route, methods in API_ROUTES.items()
        if not methods <= set(paths.get(route, {}))
    }
    assert missing == {}


@pytest.mark.django_db
def test_the_schema_is_served(client) -> None:
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Brace API"


@pytest.mark.django_db
def test_every_error_response_is_documented_with_the_error_body(client) -> None:
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    error = {"$ref": "#/components/schemas/Error"}
    wrong = []
    for route, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if status.startswith("4") and response.get("content") != {
                    "application/json": {"schema": error}
                }:
                    wrong.append(f"{method.upper()} {route} {status}")
    assert wrong == []


@pytest.mark.django_db
def test_every_operation_that_takes_a_body_documents_the_413_of_the_size_guard(client) -> None:
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    missing = [
        f"{method.upper()} {route}"
        for route, operations in schema["paths"].items()
        for method, operation in operations.items()
        # Signing in is the one body without the guard (no editor view).
        if "requestBody" in operation and route != "/api/v1/auth/token/"
        if "413" not in operation["responses"]
    ]
    assert missing == []
