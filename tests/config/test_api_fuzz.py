"""The whole OpenAPI schema, fuzzed as a workspace admin: no server error, and
every answer is what the schema says.

Schemathesis generates requests for every operation of /api/schema/, valid and
invalid ones (wrong types, missing fields, boundary numbers, methods a route
does not take), from a fixed seed and derandomized, so every run sends the
same requests; `MAX_EXAMPLES` bounds each operation. Each answer must not be a
5xx, and its status code, content type and body must be documented.

Requests go in-process to Django's WSGI application with the admin's API
token, against a demo-like workspace: the seed's Dropbox portal (datasource,
application, page, action), published, with a second member. Half of the
generated ids are swapped for the fixture's own, so that answers of success
are checked too, not only the 404s of ids that do not exist. Each request runs
in a savepoint that is rolled back: every one starts from the same data.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

MAX_EXAMPLES = 20
SEED = 20261128

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "generation": {
            "deterministic": True,
            # Every request is the admin's: the token goes in below, never a generated one.
            "with-security-parameters": False,
        },
        "phases": {"stateful": {"enabled": False}},
        "checks": {
            "enabled": False,
            "not_a_server_error": {"enabled": True},
            "status_code_conformance": {"enabled": True},
            "content_type_conformance": {"enabled": True},
            "response_schema_conformance": {"enabled": True},
        },
    }
)

schema = schemathesis.openapi.from_wsgi(
    "/api/schema/",
    get_wsgi_application(),
    config=CONFIG,
    headers={"Accept": "application/vnd.oai.openapi+json"},
)

# The fixture's ids by kind, filled in by `demo` for the test that runs.
KNOWN: dict[str, int] = {}

# Which kind of object a path parameter names, by the path's first part.
_PATH_KINDS = {
    "workspaces": "workspace",
    "applications": "application",
    "pages": "page",
    "actions": "action",
    "datasources": "datasource",
}
# Query parameters and body fields that refer to an object by id.
_REFERENCES = ("workspace", "application", "page", "datasource")


def _kind(path: str, parameter: str) -> str | None:
    if parameter == "workspace_pk":
        return "workspace"
    if parameter == "user_pk":
        return "member"
    if "/runtime/jobs/" in path:
        return None
    match = re.match(r"/api/v1/(?:runtime/)?(\w+)/", path)
    return _PATH_KINDS.get(match.group(1)) if match else None


def _or_known(generated: Any, known: Callable[[], Any]) -> st.SearchStrategy[Any]:
    """The generated values or, as often, the same with the fixture's ids in."""
    if not isinstance(generated, dict):
        return st.just(generated)
    return st.sampled_from([False, True]).map(lambda swap: known() if swap else generated)


@schema.hook
def flatmap_path_parameters(context: Any, parameters: dict[str, Any]) -> Any:
    path = context.operation.path

    def known() -> dict[str, Any]:
        swapped = dict(parameters)
        for name in parameters:
            kind = _kind(path, name)
            if kind is not None:
                swapped[name] = KNOWN[kind]
        return swapped

    return _or_known(parameters, known)


@schema.hook
def flatmap_query(context: Any, query: dict[str, Any]) -> Any:
    return _or_known(query, lambda: _with_references(query))


@schema.hook
def flatmap_body(context: Any, body: Any) -> Any:
    return _or_known(body, lambda: _with_references(body))


def _with_references(values: dict[str, Any]) -> dict[str, Any]:
    swapped = copy.copy(values)
    for name in _REFERENCES:
        if isinstance(values.get(name), int):
            swapped[name] = KNOWN[name]
    return swapped


@pytest.fixture
def demo(
    make_user: Callable[..., Any], dropbox_portal: dict[str, Any], settings: Any, tmp_path: Any
) -> Iterator[dict[str, str]]:
    """The seed's portal in a workspace of a signed-in admin; the admin's headers.

    Built through the API, as the editor builds it. Its datasource points at a
    closed loopback port, so that nothing a request runs leaves the machine.
    """
    settings.MEDIA_ROOT = str(tmp_path / "media")
    admin = make_user("fuzz_admin")
    member = make_user("fuzz_developer")
    client = APIClient()
    client.force_authenticate(admin)

    def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = client.post(f"/api/v1/{path}", body, format="json")
        assert response.status_code == 201, response.json()
        return response.json()

    workspace = post("workspaces/", {"name": "Demo"})["id"]
    post(f"workspaces/{workspace}/members/", {"username": member.username, "role": "developer"})
    datasource_body = dropbox_portal["datasource"]
    datasource_body["url"] = "http://127.0.0.1:9/"
    datasource_body["authentication"].update(
        authorization_url="http://127.0.0.1:9/authorize",
        access_token_url="http://127.0.0.1:9/token",
    )
    datasource = post("datasources/", {"workspace": workspace, **datasource_body})["id"]
    application = post("applications/", {"workspace": workspace, "name": "Dropbox portal"})
    page = application["pages"][0]["id"]
    saved = client.patch(
        f"/api/v1/pages/{page}/", {"layout": dropbox_portal["page"]["layout"]}, format="json"
    )
    assert saved.status_code == 200, saved.json()
    (action_body,) = dropbox_portal["actions"]
    action = post(
        "actions/",
        {
            "page": page,
            "name": action_body["name"],
            "datasource": datasource,
            "config": action_body["config"],
        },
    )["id"]
    post(f"applications/{application['id']}/publish/", {})
    KNOWN.update(
        workspace=workspace,
        member=member.pk,
        application=application["id"],
        page=page,
        action=action,
        datasource=datasource,
    )
    key = Token.objects.create(user=admin).key
    # Like Django's test client: the requests share the test's transaction,
    # which closing "old" connections at each request's end would break.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield {"Authorization": f"Token {key}"}
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        KNOWN.clear()


@schema.parametrize()
@hypothesis.settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    # `demo` is set up once per operation; the savepoint below resets it per request.
    suppress_health_check=[
        hypothesis.HealthCheck.function_scoped_fixture,
        hypothesis.HealthCheck.too_slow,
    ],
)
def test_every_operation_answers_as_documented(case: Any, demo: dict[str, str]) -> None:
    with transaction.atomic():
        try:
            case.call_and_validate(headers=demo)
        finally:
            transaction.set_rollback(True)
