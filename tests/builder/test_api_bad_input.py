"""Input the fuzzer found answered 500: OPTIONS, and numbers no database column holds.

Every route answers OPTIONS with the view's description. An id beyond 64 bits
in a path is an id that cannot exist: 404, as for any unknown id. In a query
parameter or a body it is a 400 naming the parameter or the field. A URL
under /api/ that no route matches answers the API's JSON 404, not a page.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.builder.helpers import assert_error

HUGE = 2**70
BEYOND_64_BITS = 2**63  # one past the largest signed 64-bit integer
THOUSANDS_OF_DIGITS = "9" * 5000  # over the 4,300 digits int() converts


@pytest.fixture
def admin(client_as: Any) -> Any:
    return client_as("admin")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "workspaces/",
        "workspaces/{workspace}/",
        "workspaces/{workspace}/members/",
        "applications/",
        "applications/{application}/publish/",
        "pages/{page}/",
        "pages/{page}/evaluate/",
        "actions/",
        "datasources/",
        "datasources/{datasource}/token/",
        "runtime/files/",
        "runtime/pages/{page}/events/",
        "auth/token/",
    ],
)
def test_options_describes_the_route(
    admin: Any, path: str, workspace: Any, application: Any, page: Any, datasource: Any
) -> None:
    ids = {
        "workspace": workspace.pk,
        "application": application.pk,
        "page": page.pk,
        "datasource": datasource.pk,
    }
    response = admin.options("/api/v1/" + path.format(**ids))

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["name"] and "application/json" in body["renders"]
    assert "OPTIONS" in response["Allow"]


@pytest.mark.django_db
@pytest.mark.parametrize("number", [HUGE, BEYOND_64_BITS, THOUSANDS_OF_DIGITS])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "workspaces/{}/"),
        ("patch", "workspaces/{}/"),
        ("delete", "workspaces/{}/"),
        ("get", "workspaces/{}/members/"),
        ("patch", "workspaces/{workspace}/members/{}/"),
        ("get", "applications/{}/"),
        ("post", "applications/{}/publish/"),
        ("get", "pages/{}/"),
        ("post", "pages/{}/evaluate/"),
        ("get", "actions/{}/"),
        ("post", "actions/{}/run/"),
        ("get", "datasources/{}/"),
        ("get", "datasources/{}/token/"),
        ("get", "runtime/pages/{}/"),
        ("post", "runtime/pages/{}/events/"),
    ],
)
def test_an_id_beyond_64_bits_in_a_path_is_not_found(
    admin: Any, workspace: Any, method: str, path: str, number: Any
) -> None:
    url = "/api/v1/" + path.format(number, workspace=workspace.pk)

    response = getattr(admin, method)(url, {}, format="json")

    assert_error(response, 404, "not_found")


@pytest.mark.django_db
@pytest.mark.parametrize("number", [HUGE, BEYOND_64_BITS, THOUSANDS_OF_DIGITS])
@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("applications/", "workspace"),
        ("pages/", "application"),
        ("actions/", "page"),
        ("actions/", "application"),
        ("datasources/", "workspace"),
    ],
)
def test_an_integer_beyond_64_bits_in_a_query_parameter_is_refused_naming_it(
    admin: Any, path: str, parameter: str, number: Any
) -> None:
    response = admin.get(f"/api/v1/{path}", {parameter: number})

    assert_error(response, 400, "invalid", field=parameter)


@pytest.mark.django_db
@pytest.mark.parametrize("number", [HUGE, BEYOND_64_BITS, -HUGE])
@pytest.mark.parametrize(
    ("path", "field", "body"),
    [
        ("applications/", "workspace", {"name": "App"}),
        ("pages/", "application", {"name": "Page2"}),
        ("datasources/", "workspace", {"name": "API", "url": "https://api.example.com/"}),
    ],
)
def test_an_integer_beyond_64_bits_in_a_body_is_refused_naming_it(
    admin: Any, path: str, field: str, body: dict[str, Any], number: int
) -> None:
    response = admin.post(f"/api/v1/{path}", {**body, field: number}, format="json")

    code = "max_value" if number > 0 else "min_value"
    assert_error(response, 400, code, field=field)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["pages/0.5/", "datasources/%C2%84/", "actions/1,2/", "no-such-route/"]
)
def test_a_url_no_api_route_matches_answers_the_api_404(admin: Any, path: str) -> None:
    response = admin.get(f"/api/v1/{path}")

    assert response["Content-Type"] == "application/json"
    assert_error(response, 404, "not_found")


@pytest.mark.django_db
def test_a_url_outside_the_api_keeps_the_html_404(admin: Any) -> None:
    response = admin.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
