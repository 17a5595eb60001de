"""POST /api/v1/actions/{id}/run/: the editor's Run button, against a real API on loopback."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import call_command

from builder.api.editor_serializers import ActionConfigIn
from builder.models import Action
from datasources.models import AuthType, Datasource, OAuthToken, TokenSharing, TokenStatus
from runtime.http import executor as executor_module
from runtime.http.deadline import Deadline
from tests.builder.helpers import assert_error, layout, widget

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(workspace, upstream):
    return Datasource.objects.create(
        workspace=workspace,
        name="Api",
        url=upstream.url,
        auth_type=AuthType.BEARER,
        bearer_token="tok-123",
    )


def make_action(page, datasource=None, name="Api1", **config):
    return Action.objects.create(page=page, name=name, datasource=datasource, config=config)


def url(action) -> str:
    return f"/api/v1/actions/{action.pk}/run/"


class TestRunning:
    def test_a_query_with_params_and_page_bindings(self, client_as, page, api, upstream):
        page.layout = layout(widget("Name", "Input", {"defaultText": "Ann"}))
        page.save()
        action = make_action(
            page,
            api,
            method="POST",
            path="people/{{ this.params.id }}",
            headers=[{"key": "X-User", "value": "{{ appsmith.user.username }}"}],
            body_type="json",
            body='{"name": "{{ Name.text }}", "mode": "{{ appsmith.mode }}"}',
        )
        response = client_as("developer").post(url(action), {"params": {"id": 5}}, format="json")
        assert response.status_code == 200
        result = response.json()
        assert set(result) == {"data", "response_meta", "duration_ms", "request", "error"}
        assert result["error"] is None
        assert result["response_meta"]["status_code"] == 200
        assert result["response_meta"]["is_execution_success"] is True
        assert result["data"]["path"] == "/people/5"
        sent = upstream.last
        assert sent.json() == {"name": "Ann", "mode": "EDIT"}
        assert sent.headers["x-user"] == "dave_developer"
        assert sent.headers["authorization"] == "Bearer tok-123"
        assert result["request"]["headers"]["authorization"] == "[REDACTED]"
        assert "tok-123" not in response.content.decode()

    def test_the_dropbox_query_in_the_editor_has_no_file_yet(
        self, client_as, page, dropbox_portal, api, upstream
    ):
        page.layout = dropbox_portal["page"]["layout"]
        page.save()
        action = make_action(
            page, api, name="UploadFileToDropbox", **dropbox_portal["actions"][0]["config"]
        )
        response = client_as("developer").post(url(action), {}, format="json")
        assert response.status_code == 200
        error = response.json()["error"]
        assert error["code"] == "binding_error"
        assert error["field"] == "config.headers[0].value"
        assert upstream.received == []

    def test_an_upstream_4xx_is_a_result(self, client_as, page, api):
        action = make_action(page, api, path="status/404")
        response = client_as("admin").post(url(action), format="json")
        assert response.status_code == 200
        result = response.json()
        assert result["response_meta"]["status_code"] == 404
        assert result["response_meta"]["is_execution_success"] is False
        assert result["error"]["code"] == "http_status"

    def test_a_binding_error_is_a_result(self, client_as, page, api, upstream):
        action = make_action(page, api, query_params=[{"key": "q", "value": "{{ nope.x }}"}])
        response = client_as("developer").post(url(action), {}, format="json")
        assert response.status_code == 200
        error = response.json()["error"]
        assert error["field"] == "config.query_params[0].value"
        assert error["message"].startswith("config.query_params[0].value: ReferenceError")
        assert upstream.received == []

    def test_a_config_the_executor_refuses_is_a_400_naming_the_field(self, client_as, page, api):
        action = make_action(page, api, headers=[{"key": "Bad Header", "value": "1"}])
        response = client_as("developer").post(url(action), {}, format="json")
        assert_error(response, 400, "invalid_header", "config.headers[0].key")

    def test_an_unknown_file_reference_is_a_400(self, client_as, page, api):
        action = make_action(page, api, method="POST", body_type="binary", body="blob:f_nope")
        response = client_as("developer").post(url(action), {}, format="json")
        assert_error(response, 400, "invalid_file_reference", "config.body")

    def test_a_query_without_a_datasource(self, client_as, page, upstream):
        action = make_action(page, path=upstream.url + "plain")
        response = client_as("developer").post(url(action), {}, format="json")
        assert response.json()["response_meta"]["is_execution_success"] is True
        assert "authorization" not in upstream.last.headers

    def test_a_config_stored_without_a_timeout_runs_with_the_documented_default(
        self, client_as, page, api, upstream, monkeypatch
    ):
        # The editor's API writes timeout_s on save; a config stored without it (the
        # seed, an import) must get the same 60 s from the runtime, not a default of its own.
        budgets: list[float] = []

        class RecordingDeadline(Deadline):
            def __init__(self, timeout_s: float) -> None:
                budgets.append(timeout_s)
                super().__init__(timeout_s)

        monkeypatch.setattr(executor_module, "Deadline", RecordingDeadline)
        action = make_action(page, api, path="plain")
        assert "timeout_s" not in action.config
        response = client_as("developer").post(url(action), {}, format="json")
        assert response.json()["response_meta"]["is_execution_success"] is True
        assert budgets == [60]
        assert ActionConfigIn().run_validation({})["timeout_s"] == 60

    def test_a_broken_saved_layout_is_a_conflict(self, client_as, page, api):
        action = make_action(page, api)
        type(page).objects.filter(pk=page.pk).update(layout={"widgetName": "MainContainer"})
        assert_error(
            client_as("developer").post(url(action), {}, format="json"), 409, "invalid_layout"
        )


class TestTokens:
    @pytest.fixture
    def per_user(self, workspace, upstream, members):
        datasource = Datasource.objects.create(
            workspace=workspace,
            name="Docs",
            url=upstream.url,
            auth_type=AuthType.OAUTH2,
            token_sharing=TokenSharing.PER_USER,
            client_id="c",
        )
        OAuthToken.objects.create(
            datasource=datasource,
            user=members["admin"],
            access_token="admins-token",
            status=TokenStatus.AUTHORIZED,
        )
        return datasource

    def test_per_user_tokens_use_the_requesting_user(self, client_as, page, per_user, upstream):
        action = make_action(page, per_user, path="v1")
        response = client_as("admin").post(url(action), {}, format="json")
        assert response.json()["error"] is None
        assert upstream.last.headers["authorization"] == "Bearer admins-token"

    def test_a_user_without_a_token_is_told_to_authorize(self, client_as, page, per_user, upstream):
        action = make_action(page, per_user, path="v1")
        response = client_as("developer").post(url(action), {}, format="json")
        assert response.status_code == 200
        result = response.json()
        assert result["error"]["code"] == "not_authorized"
        assert result["response_meta"]["is_execution_success"] is False
        assert upstream.received == []

    def test_needs_reauthorization(self, client_as, page, per_user):
        OAuthToken.objects.filter(datasource=per_user).update(
            status=TokenStatus.NEEDS_REAUTHORIZATION
        )
        action = make_action(page, per_user, path="v1")
        error = client_as("admin").post(url(action), {}, format="json").json()["error"]
        assert error == {
            "code": "needs_reauthorization",
            "message": "Datasource 'Docs' needs to be authorized again.",
            "retryable": False,
        }


class TestAccessAndBody:
    @pytest.mark.parametrize(
        ("role", "status", "code"),
        [
            ("viewer", 403, "permission_denied"),
            ("outsider", 404, "not_found"),
            ("anonymous", 401, "not_authenticated"),
        ],
    )
    def test_developers_and_admins_only(self, client_as, page, api, upstream, role, status, code):
        action = make_action(page, api)
        assert_error(client_as(role).post(url(action), {}, format="json"), status, code)
        assert upstream.received == []

    def test_an_unknown_action(self, client_as, workspace):
        response = client_as("developer").post("/api/v1/actions/999999/run/", {}, format="json")
        assert_error(response, 404, "not_found")

    @pytest.mark.parametrize(
        ("body", "code", "field"),
        [
            ({"param": {}}, "unknown_field", "param"),
            ({"params": [1]}, "not_a_dict", "params"),
        ],
    )
    def test_a_strict_body(self, client_as, page, api, body, code, field):
        action = make_action(page, api)
        assert_error(
            client_as("developer").post(url(action), body, format="json"), 400, code, field
        )


def test_the_schema_documents_the_routes(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command(
        "spectacular",
        "--urlconf=tests.builder.run_urlconf",
        "--validate",
        "--fail-on-warn",
        f"--file={out}",
    )
    paths = yaml.safe_load(out.read_text())["paths"]
    assert set(paths["/api/v1/actions/{id}/run/"]["post"]["responses"]) >= {"200", "400", "403"}
    assert set(paths["/api/v1/pages/{id}/evaluate/"]["post"]["responses"]) >= {"200", "400", "404"}
    evaluate = paths["/api/v1/actions/{id}/evaluate/"]["post"]["responses"]
    assert set(evaluate) >= {"200", "400", "403", "404"}
    files = paths["/api/v1/runtime/files/"]["post"]
    assert "multipart/form-data" in files["requestBody"]["content"]
    assert set(files["responses"]) >= {"201", "400", "404", "413"}


def test_the_served_schema_has_the_routes(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path in (
        "/api/v1/actions/{id}/run/",
        "/api/v1/actions/{id}/evaluate/",
        "/api/v1/pages/{id}/evaluate/",
    ):
        assert "post" in schema["paths"][path]
    assert "post" in schema["paths"]["/api/v1/runtime/files/"]
