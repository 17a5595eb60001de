"""The OpenAPI schema: served, complete for the editor API, valid and warning-free."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import call_command

EDITOR_PATHS = {
    "/api/v1/auth/token/": {"post"},
    "/api/v1/workspaces/": {"get", "post"},
    "/api/v1/workspaces/{id}/": {"get", "patch", "delete"},
    "/api/v1/workspaces/{workspace_pk}/members/": {"get", "post"},
    "/api/v1/workspaces/{workspace_pk}/members/{user_pk}/": {"patch", "delete"},
    "/api/v1/applications/": {"get", "post"},
    "/api/v1/applications/{id}/": {"get", "patch", "delete"},
    "/api/v1/applications/{id}/publish/": {"post"},
    "/api/v1/applications/{id}/published/": {"get"},
    "/api/v1/pages/": {"get", "post"},
    "/api/v1/pages/{id}/": {"get", "patch", "delete"},
    "/api/v1/actions/": {"get", "post"},
    "/api/v1/actions/{id}/": {"get", "patch", "delete"},
    "/api/v1/pages/{id}/evaluate/": {"post"},
    "/api/v1/actions/{id}/run/": {"post"},
    "/api/v1/actions/{id}/evaluate/": {"post"},
    "/api/v1/widget-types/": {"get"},
    "/api/v1/pages/{id}/rename/": {"post"},
    "/api/v1/pages/{id}/duplicate/": {"post"},
    "/api/v1/applications/{id}/duplicate/": {"post"},
    "/api/v1/actions/{id}/duplicate/": {"post"},
}


@pytest.mark.django_db
def test_the_schema_is_served_with_every_editor_route(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path, methods in EDITOR_PATHS.items():
        assert methods <= set(paths[path]), path


@pytest.mark.django_db
def test_the_editor_part_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    # Raises (SchemaGenerationError) on any warning or validation error.
    call_command(
        "spectacular",
        "--urlconf=tests.builder.editor_urlconf",
        "--validate",
        "--fail-on-warn",
        f"--file={out}",
    )
    schema = yaml.safe_load(out.read_text())
    assert set(schema["paths"]) == set(EDITOR_PATHS)


@pytest.mark.django_db
def test_errors_and_enums_are_documented(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    components = schema["components"]["schemas"]
    assert set(components["Error"]["properties"]) == {"code", "message", "field", "errors"}
    body_types = components["ActionConfigOut"]["properties"]["body_type"]
    assert "binary" in str(body_types) or "BodyTypeEnum" in str(body_types)
    page_patch = schema["paths"]["/api/v1/pages/{id}/"]["patch"]["responses"]
    assert {"200", "400", "403", "404", "413"} <= set(page_patch)
