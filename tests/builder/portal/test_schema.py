"""The portal runtime routes in the OpenAPI schema: present, valid and warning-free."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import call_command

RUNTIME_PATHS = {
    "/api/v1/runtime/files/": {"post"},
    "/api/v1/runtime/pages/{id}/": {"get"},
    "/api/v1/runtime/pages/{id}/events/": {"post"},
    "/api/v1/runtime/pages/{id}/load/": {"post"},
    "/api/v1/runtime/jobs/{id}/": {"get"},
}


@pytest.mark.django_db
def test_the_runtime_part_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command(
        "spectacular",
        "--urlconf=tests.builder.portal.runtime_urlconf",
        "--validate",
        "--fail-on-warn",
        f"--file={out}",
    )
    schema = yaml.safe_load(out.read_text())
    assert {path: set(ops) for path, ops in schema["paths"].items()} == RUNTIME_PATHS
    events = schema["paths"]["/api/v1/runtime/pages/{id}/events/"]["post"]
    assert {"200", "400", "401", "404", "409", "413"} <= set(events["responses"])
    body = schema["components"]["schemas"]["EventInRequest"]
    assert set(body["properties"]) == {"widget", "event", "meta", "confirm", "cancel"}
    assert set(body["required"]) == {"widget", "event"}
    answer = schema["components"]["schemas"]["EventOut"]
    assert set(answer["required"]) == {"effects", "widgets", "actions", "errors", "store", "jobs"}
    job = schema["components"]["schemas"]["JobOut"]
    assert set(job["properties"]) == {
        "id",
        "action",
        "status",
        "progress",
        "bytes_done",
        "total_bytes",
        "attempts",
        "result",
        "error",
    }
    assert "cancelled" in job["properties"]["status"]["description"]


@pytest.mark.django_db
def test_the_served_schema_lists_them(client):
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()[
        "paths"
    ]
    for path, methods in RUNTIME_PATHS.items():
        assert methods <= set(paths[path]), path
