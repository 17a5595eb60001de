"""Credentials typed into a query's headers and parameters are write-only.

Like a datasource's secrets: a literal value under a credential's name
(`outbound.credentials`) comes back as `{"key", "value": "", "value_set":
true}`, a config sent back so keeps it, and the stored value is what a run
sends. A value with a `{{ }}` binding is shown as written.
"""

from __future__ import annotations

from typing import Any

import pytest

from builder.models import Action
from datasources.models import Datasource
from tests.builder.helpers import assert_error, layout, widget
from tests.builder.portal.support import answer, fire, publish_page

pytestmark = pytest.mark.django_db

URL = "/api/v1/actions/"
KEY = "typed-api-key-value"
TOKEN = "typed-token-value"
HIDDEN = {"value": "", "value_set": True}

HEADERS = [
    {"key": "X-API-Key", "value": KEY},
    {"key": "Authorization", "value": "Bearer {{ appsmith.store.token || 'none' }}"},
    {"key": "Accept", "value": "application/json"},
]
PARAMS = [{"key": "access_token", "value": TOKEN}, {"key": "q", "value": "books"}]


@pytest.fixture
def api(workspace: Any, upstream: Any) -> Datasource:
    return Datasource.objects.create(workspace=workspace, name="Api", url=upstream.url)


@pytest.fixture
def created(client_as: Any, page: Any, api: Datasource) -> dict[str, Any]:
    body = {
        "page": page.pk,
        "name": "Search",
        "datasource": api.pk,
        "config": {"path": "search", "headers": HEADERS, "query_params": PARAMS},
    }
    response = client_as("developer").post(URL, body, format="json")
    assert response.status_code == 201, response.content
    created: dict[str, Any] = response.json()
    return created


def stored(action_id: int) -> dict[str, Any]:
    config: dict[str, Any] = Action.objects.get(pk=action_id).config
    return config


class TestShown:
    def test_a_typed_credential_comes_back_only_as_set(self, created: dict[str, Any]) -> None:
        config = created["config"]
        assert config["headers"] == [
            {"key": "X-API-Key", **HIDDEN},
            {"key": "Authorization", "value": "Bearer {{ appsmith.store.token || 'none' }}"},
            {"key": "Accept", "value": "application/json"},
        ]
        assert config["query_params"] == [
            {"key": "access_token", **HIDDEN},
            {"key": "q", "value": "books"},
        ]
        assert stored(created["id"])["headers"] == HEADERS
        assert stored(created["id"])["query_params"] == PARAMS

    def test_reads_and_lists_never_show_it(self, client_as: Any, created: dict[str, Any]) -> None:
        client = client_as("developer")
        for response in (
            client.get(f"{URL}{created['id']}/"),
            client.get(URL, {"page": created["page"]}),
            client.patch(f"{URL}{created['id']}/", {"name": "Find"}, format="json"),
        ):
            assert response.status_code == 200
            text = response.content.decode()
            assert KEY not in text and TOKEN not in text

    @pytest.mark.parametrize(
        "name",
        [
            "Authorization",
            "proxy-authorization",
            "COOKIE",
            "X-Auth-Token",
            "client_secret",
            "apikey",
            "db_password",
        ],
    )
    def test_every_credential_name_without_case(self, client_as: Any, page: Any, name: str) -> None:
        config = {"headers": [{"key": name, "value": "literal"}]}
        response = client_as("developer").post(
            URL, {"page": page.pk, "name": "Q", "config": config}, format="json"
        )
        assert response.json()["config"]["headers"] == [{"key": name, **HIDDEN}]


class TestKept:
    def test_a_patch_without_the_config_keeps_it(
        self, client_as: Any, created: dict[str, Any]
    ) -> None:
        client_as("developer").patch(f"{URL}{created['id']}/", {"name": "Find"}, format="json")
        assert stored(created["id"])["headers"] == HEADERS

    def test_the_config_sent_back_as_read_keeps_it(
        self, client_as: Any, created: dict[str, Any]
    ) -> None:
        client = client_as("developer")
        config = client.get(f"{URL}{created['id']}/").json()["config"]
        config["timeout_s"] = 30

        response = client.patch(f"{URL}{created['id']}/", {"config": config}, format="json")

        assert response.status_code == 200, response.content
        assert response.json()["config"]["headers"][0] == {"key": "X-API-Key", **HIDDEN}
        assert stored(created["id"])["headers"] == HEADERS
        assert stored(created["id"])["query_params"] == PARAMS
        assert stored(created["id"])["timeout_s"] == 30

    def test_a_value_replaces_it(self, client_as: Any, created: dict[str, Any]) -> None:
        config = {"headers": [{"key": "X-API-Key", "value": "new-key", "value_set": True}]}
        client_as("developer").patch(f"{URL}{created['id']}/", {"config": config}, format="json")
        assert stored(created["id"])["headers"] == [{"key": "X-API-Key", "value": "new-key"}]

    def test_a_config_without_the_row_drops_it(
        self, client_as: Any, created: dict[str, Any]
    ) -> None:
        config = {"headers": [{"key": "Accept", "value": "text/plain"}]}
        client_as("developer").patch(f"{URL}{created['id']}/", {"config": config}, format="json")
        assert stored(created["id"])["headers"] == [{"key": "Accept", "value": "text/plain"}]

    def test_rows_of_one_name_keep_theirs_in_order(self, client_as: Any, page: Any) -> None:
        client = client_as("developer")
        rows = [{"key": "X-Key", "value": "first"}, {"key": "x-key", "value": "second"}]
        body = {"page": page.pk, "name": "Q", "config": {"headers": rows}}
        action = client.post(URL, body, format="json").json()

        client.patch(f"{URL}{action['id']}/", {"config": action["config"]}, format="json")

        assert stored(action["id"])["headers"] == rows

    def test_a_renamed_row_cannot_keep_it(self, client_as: Any, created: dict[str, Any]) -> None:
        # The secret must not move under a name that would show it.
        config = {"headers": [{"key": "X-Shown", **HIDDEN}]}
        response = client_as("developer").patch(
            f"{URL}{created['id']}/", {"config": config}, format="json"
        )
        assert_error(response, 400, "no_stored_value", "config.headers[0].value")
        assert stored(created["id"])["headers"] == HEADERS

    def test_a_new_action_has_nothing_to_keep(self, client_as: Any, page: Any) -> None:
        config = {"query_params": [{"key": "q", "value": "x"}, {"key": "api_key", **HIDDEN}]}
        response = client_as("developer").post(
            URL, {"page": page.pk, "name": "Q", "config": config}, format="json"
        )
        assert_error(response, 400, "no_stored_value", "config.query_params[1].value")

    def test_value_set_must_be_a_boolean(self, client_as: Any, created: dict[str, Any]) -> None:
        config = {"headers": [{"key": "X-API-Key", "value": "", "value_set": "yes"}]}
        response = client_as("developer").patch(
            f"{URL}{created['id']}/", {"config": config}, format="json"
        )
        assert_error(response, 400, "invalid", "config.headers[0].value_set")


class TestRun:
    def test_the_stored_value_reaches_the_upstream_and_the_summary_hides_it(
        self, client_as: Any, created: dict[str, Any], upstream: Any
    ) -> None:
        client = client_as("developer")
        config = client.get(f"{URL}{created['id']}/").json()["config"]
        client.patch(f"{URL}{created['id']}/", {"config": config}, format="json")

        result = client.post(f"{URL}{created['id']}/run/", {}, format="json").json()

        assert result["error"] is None, result
        sent = upstream.last
        assert sent.headers["x-api-key"] == KEY
        assert ("access_token", TOKEN) in sent.query
        summary = str(result["request"])
        assert KEY not in summary and TOKEN not in summary
        assert result["request"]["headers"]["x-api-key"] == "[REDACTED]"

    def test_a_datasources_kept_header_reaches_the_upstream(
        self, client_as: Any, workspace: Any, page: Any, upstream: Any
    ) -> None:
        client = client_as("developer")
        body = {
            "workspace": workspace.pk,
            "name": "Keyed",
            "url": upstream.url,
            "headers": [{"key": "X-API-Key", "value": KEY}],
        }
        datasource = client.post("/api/v1/datasources/", body, format="json").json()
        client.patch(
            f"/api/v1/datasources/{datasource['id']}/",
            {"headers": datasource["headers"]},
            format="json",
        )
        action = {"page": page.pk, "name": "Q", "datasource": datasource["id"]}
        action_id = client.post(URL, action, format="json").json()["id"]

        result = client.post(f"{URL}{action_id}/run/", {}, format="json").json()

        assert datasource["headers"] == [{"key": "X-API-Key", **HIDDEN}]
        assert upstream.last.headers["x-api-key"] == KEY
        assert result["request"]["headers"]["x-api-key"] == "[REDACTED]"

    def test_the_portal_runs_the_published_value_and_never_shows_it(
        self, client_as: Any, page: Any, members: Any, api: Datasource, upstream: Any
    ) -> None:
        publish_page(
            page,
            members["developer"],
            layout(widget("Go", "Button", {"text": "Go", "onClick": "{{ Search.run() }}"})),
            Search=(api, {"path": "search", "headers": HEADERS, "query_params": PARAMS}),
        )
        viewer = client_as("viewer")

        loaded = viewer.get(f"/api/v1/runtime/pages/{page.pk}/")
        fired = fire(viewer, page, "Go", "onClick")

        answer(fired)
        assert upstream.last.headers["x-api-key"] == KEY
        for response in (loaded, fired):
            text = response.content.decode()
            assert KEY not in text and "X-API-Key" not in text
