"""Deeply nested JSON bodies: a 400 naming the body on every route that reads JSON.

The routes come from the OpenAPI schema (every operation with a JSON request
body), each called with objects that exist and a role that may use it, so
that the body is what the route answers about.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator

from builder.services.actions import create_action
from builder.services.applications import publish_application
from datasources.models import AuthType
from runtime.values import MAX_JSON_DEPTH
from tests.builder.helpers import assert_error

pytestmark = pytest.mark.django_db


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def json_operations() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        (method, path)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if "application/json" in operation.get("requestBody", {}).get("content", {})
    )


OPERATIONS = json_operations()


def test_the_schema_lists_the_json_routes() -> None:
    assert ("post", "/api/v1/auth/token/") in OPERATIONS
    assert ("post", "/api/v1/runtime/pages/{id}/events/") in OPERATIONS
    assert len(OPERATIONS) > 10


@pytest.fixture
def ids(application: Any, page: Any, datasource: Any, members: dict[str, Any]) -> dict[str, int]:
    """Path parameters by name, `{id}` by the resource it follows."""
    action = create_action(page=page, name="Q", config={"method": "GET", "path": "x"})
    datasource.auth_type = AuthType.OAUTH2  # only OAuth 2.0 datasources have a token route
    datasource.save()
    publish_application(application=application, user=members["developer"])
    return {
        "workspaces": application.workspace.pk,
        "workspace_pk": application.workspace.pk,
        "user_pk": members["viewer"].pk,
        "applications": application.pk,
        "pages": page.pk,
        "actions": action.pk,
        "datasources": datasource.pk,
    }


def concrete(path: str, ids: dict[str, int]) -> str:
    parts = path.split("/")
    for index, part in enumerate(parts):
        if part == "{id}":
            parts[index] = str(ids[parts[index - 1]])
        elif part.startswith("{"):
            parts[index] = str(ids[part[1:-1]])
    return "/".join(parts)


@pytest.mark.parametrize("depth", [1_000, 100_000, MAX_JSON_DEPTH + 1])
@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_a_body_nested_too_deep_is_a_400_naming_the_body(
    method: str,
    path: str,
    depth: int,
    ids: dict[str, int],
    client_as: Any,
    api_client: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The token login is anonymous; the rest run as an admin of the workspace.
    client = api_client if path == "/api/v1/auth/token/" else client_as("admin")
    url = concrete(path, ids)
    with caplog.at_level(logging.WARNING):
        response = getattr(client, method)(url, nested(depth), content_type="application/json")
    body = assert_error(response, 400, "too_deep", "body")
    assert str(MAX_JSON_DEPTH) in body["message"]
    assert not [record for record in caplog.records if record.exc_info], "a traceback was logged"


def test_a_body_as_deep_as_the_limit_is_read(client_as: Any, ids: dict[str, int]) -> None:
    name: Any = "Deep"
    for _ in range(MAX_JSON_DEPTH - 1):
        name = [name]
    response = client_as("admin").patch(
        f"/api/v1/workspaces/{ids['workspaces']}/", {"name": name}, format="json"
    )
    assert_error(response, 400, "invalid", "name")  # the name, not the depth


@pytest.mark.parametrize("charset", ["utf-16", "latin-1"])
def test_a_body_in_another_encoding_is_measured_once_read(
    charset: str, client_as: Any, ids: dict[str, int]
) -> None:
    # The bytes of a UTF-8 body are scanned for its depth; other encodings
    # are measured on the value parsed.
    url = f"/api/v1/workspaces/{ids['workspaces']}/"
    client = client_as("admin")
    content_type = f"application/json; charset={charset}"
    deep = client.patch(url, nested(MAX_JSON_DEPTH + 1).encode(charset), content_type=content_type)
    assert_error(deep, 400, "too_deep", "body")
    name: Any = '"Deep ["'
    for _ in range(MAX_JSON_DEPTH - 1):
        name = [name]
    body = json.dumps({"name": name}).encode(charset)
    assert_error(client.patch(url, body, content_type=content_type), 400, "invalid", "name")
    renamed = client.patch(url, '{"name": "Dépôt"}'.encode(charset), content_type=content_type)
    assert renamed.status_code == 200, renamed.content
    assert renamed.json()["name"] == "Dépôt"


# Python's json reads "\ud800" into a string that no UTF-8 can hold; left in,
# it failed later (weighing a layout, the sandbox) as a 500.
LONE_SURROGATE = '"\\ud800"'


@pytest.mark.parametrize(
    ("text", "lone"),
    [
        (b'"\\ud800"', True),  # a high half alone
        (b'"\\ude00"', True),  # a low half alone
        (b'"\\ud83d x\\ude00"', True),  # halves apart
        (b'"\\ud83d\\ud83d\\ude00"', True),  # two highs, one low
        (b'"\\\\\\ud800"', True),  # an escaped backslash, then the escape
        (b'"\\ud83d\\ude00"', False),  # a pair: one emoji
        (b'"\\uD83D\\uDE00 \\uD83D\\uDE01"', False),  # pairs in capitals
        (b'"\\ud83d\\\\ude00"', True),  # a high half, then an escaped backslash and text
        (b'"\\\\\\\\\\ud83d\\ude00"', False),  # two escaped backslashes, then a pair
        (b'"\\\\ud800"', False),  # an escaped backslash, then plain text
        (b'"caf\\u00e9"', False),
        ('"caf\u00e9 \U0001f600"'.encode(), False),  # UTF-8 holds no surrogates
    ],
)
def test_lone_surrogate_escapes_are_found(text: bytes, lone: bool) -> None:
    from builder.api.parsers import has_lone_surrogate_escape

    assert has_lone_surrogate_escape(text) is lone
    assert has_lone_surrogate_escape(text) is (
        not _encodes(json.loads(text))  # the same verdict as encoding the value
    )


def _encodes(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@pytest.mark.parametrize("charset", ["utf-8", "utf-16"])
def test_a_lone_surrogate_in_a_layout_is_a_400_naming_the_body(
    charset: str, client_as: Any, ids: dict[str, int]
) -> None:
    client = client_as("developer")
    layout = (
        '{"widgetName": "MainContainer", "type": "Container", "props": {},'
        ' "position": {"x": 0, "y": 0, "w": 64, "h": 60}, "children": ['
        '{"widgetName": "Text1", "type": "Text", "props": {"text": ' + LONE_SURROGATE + "},"
        ' "position": {"x": 0, "y": 0, "w": 10, "h": 4}, "children": []}]}'
    )
    content_type = f"application/json; charset={charset}"
    for url, body in (
        (f"/api/v1/pages/{ids['pages']}/", '{"layout": ' + layout + "}"),
        (f"/api/v1/pages/{ids['pages']}/evaluate/", '{"layout": ' + layout + "}"),
    ):
        response = client.generic(
            "PATCH" if url.endswith(f"{ids['pages']}/") else "POST",
            url,
            body.encode(charset),
            content_type=content_type,
        )
        body_json = assert_error(response, 400, "invalid_unicode", "body")
        assert "surrogate" in body_json["message"]
