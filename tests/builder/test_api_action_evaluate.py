"""POST /api/v1/actions/{id}/evaluate/: what the query editor shows under each field.

The bindings are evaluated as the Run button evaluates them (the page as
first loaded, EDIT mode, `this.params`), keyed by config path, and nothing is
sent: the upstream of these tests must never hear from them.
"""

from __future__ import annotations

import pytest

from builder.models import Action
from datasources.models import AuthType, Datasource
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


@pytest.fixture
def named_page(page):
    page.layout = layout(widget("Name", "Input", {"defaultText": "Ann O'Neil"}))
    page.save()
    return page


def make_action(page, datasource=None, name="Api1", **config):
    return Action.objects.create(page=page, name=name, datasource=datasource, config=config)


def url(action) -> str:
    return f"/api/v1/actions/{action.pk}/evaluate/"


def evaluate(client, action, body=None):
    response = client.post(url(action), body or {}, format="json")
    assert response.status_code == 200, response.json()
    return response.json()


class TestValues:
    def test_the_saved_config_by_field_as_the_run_would_send_it(
        self, client_as, named_page, api, upstream
    ):
        action = make_action(
            named_page,
            api,
            method="POST",
            path="people/{{ Name.text }}",
            headers=[
                {"key": "X-Plain", "value": "no binding"},
                {"key": "Dropbox-API-Arg", "value": '{"path": "/{{ Name.text }}.txt"}'},
            ],
            query_params=[{"key": "mode", "value": "{{ appsmith.mode }}"}],
            body_type="json",
            body='{"name": {{ Name.text }}, "id": {{ this.params.id }}}',
        )
        answer = evaluate(client_as("developer"), action, {"params": {"id": 7}})
        assert answer == {
            "values": {
                # Percent-encoded where it sits, as the run sends it.
                "config.path": "people/Ann%20O%27Neil",
                # A JSON header value gets the string JSON-escaped inside its string.
                "config.headers[1].value": '{"path": "/Ann O\'Neil.txt"}',
                "config.query_params[0].value": "EDIT",
                "config.body": '{"name": "Ann O\'Neil", "id": 7}',
            },
            "errors": {},
        }
        assert upstream.received == []

    def test_a_draft_config_instead_of_the_saved_one(self, client_as, named_page, api, upstream):
        action = make_action(named_page, api, path="saved/{{ Name.text }}")
        draft = {"path": "draft", "headers": [{"key": "X-Who", "value": "{{ Name.text }}!"}]}
        answer = evaluate(client_as("developer"), action, {"config": draft})
        assert answer == {"values": {"config.headers[0].value": "Ann O'Neil!"}, "errors": {}}
        action.refresh_from_db()
        assert action.config == {"path": "saved/{{ Name.text }}"}  # nothing saved
        assert upstream.received == []

    def test_smart_json_substitution_off_puts_values_in_as_text(self, client_as, named_page, api):
        action = make_action(named_page, api)
        draft = {
            "body_type": "json",
            "body": '{"name": "{{ Name.text }}"}',
            "smart_json_substitution": False,
        }
        answer = evaluate(client_as("developer"), action, {"config": draft})
        assert answer["values"] == {"config.body": '{"name": "Ann O\'Neil"}'}

    def test_a_binary_body_with_no_file_picked_yet(self, client_as, page, api):
        page.layout = layout(widget("FilePicker1", "FilePicker"))
        page.save()
        action = make_action(page, api, body_type="binary", body="{{ FilePicker1.files[0].data }}")
        answer = evaluate(client_as("developer"), action)
        assert answer["values"] == {}
        (error,) = answer["errors"]["config.body"]
        assert error["name"] == "TypeError"
        assert error["binding"] == "{{ FilePicker1.files[0].data }}"


class TestErrors:
    def test_each_failing_binding_is_named_by_its_field(self, client_as, named_page, api, upstream):
        action = make_action(
            named_page,
            api,
            path="ok/{{ Name.text }}",
            headers=[
                {"key": "X-A", "value": "{{ Missing.value }}"},
                {"key": "X-B", "value": "{{ (1 }}"},
            ],
        )
        answer = evaluate(client_as("developer"), action)
        assert answer["values"] == {"config.path": "ok/Ann%20O%27Neil"}
        assert set(answer["errors"]) == {"config.headers[0].value", "config.headers[1].value"}
        (missing,) = answer["errors"]["config.headers[0].value"]
        assert missing["name"] == "ReferenceError"
        assert "Missing" in missing["message"]
        assert missing["binding"] == "{{ Missing.value }}"
        (syntax,) = answer["errors"]["config.headers[1].value"]
        assert syntax["name"] == "SyntaxError"
        assert upstream.received == []

    def test_the_run_refuses_the_same_field(self, client_as, named_page, api, upstream):
        action = make_action(
            named_page, api, headers=[{"key": "X-A", "value": "{{ Missing.value }}"}]
        )
        run = client_as("developer").post(f"/api/v1/actions/{action.pk}/run/", {}, format="json")
        assert run.json()["error"]["code"] == "binding_error"
        assert run.json()["error"]["field"] == "config.headers[0].value"
        assert set(evaluate(client_as("developer"), action)["errors"]) == {
            "config.headers[0].value"
        }
        assert upstream.received == []

    def test_a_none_body_is_not_evaluated(self, client_as, named_page, api):
        # A body that is never sent cannot fail the run, so it shows no error.
        action = make_action(named_page, api, body_type="none", body="{{ Missing.x }}")
        assert evaluate(client_as("developer"), action) == {"values": {}, "errors": {}}


class TestAccessAndBody:
    @pytest.mark.parametrize(
        ("role", "status", "code"),
        [
            ("viewer", 403, "permission_denied"),
            ("outsider", 404, "not_found"),
            ("anonymous", 401, "not_authenticated"),
        ],
    )
    def test_developers_and_admins_only(self, client_as, page, api, role, status, code):
        action = make_action(page, api, path="{{ appsmith.mode }}")
        assert_error(client_as(role).post(url(action), {}, format="json"), status, code)

    def test_an_admin_may(self, client_as, page, api):
        action = make_action(page, api, path="{{ appsmith.mode }}")
        assert evaluate(client_as("admin"), action)["values"] == {"config.path": "EDIT"}

    def test_an_unknown_action(self, client_as, workspace):
        response = client_as("developer").post(
            "/api/v1/actions/999999/evaluate/", {}, format="json"
        )
        assert_error(response, 404, "not_found")

    @pytest.mark.parametrize(
        ("body", "code", "field"),
        [
            ({"conf": {}}, "unknown_field", "conf"),
            ({"params": [1]}, "not_a_dict", "params"),
            ({"config": {"timeout_s": "5"}}, "invalid", "config.timeout_s"),
            ({"config": {"run_on_page_load": "yes"}}, "invalid", "config.run_on_page_load"),
            ({"config": {"method": "FETCH"}}, "invalid_choice", "config.method"),
            ({"config": {"headers": [{"key": "A"}]}}, "required", "config.headers[0].value"),
            (
                {"config": {"headers": [{"key": "Authorization", "value": "", "value_set": True}]}},
                "no_stored_value",
                "config.headers[0].value",
            ),
        ],
    )
    def test_a_config_is_validated_as_a_save_is(self, client_as, page, api, body, code, field):
        action = make_action(page, api)
        assert_error(
            client_as("developer").post(url(action), body, format="json"), 400, code, field
        )

    def test_a_stored_credential_is_kept_and_not_shown(self, client_as, page, api):
        action = make_action(
            page, api, headers=[{"key": "Authorization", "value": "Bearer s3cret"}]
        )
        shown = client_as("developer").get(f"/api/v1/actions/{action.pk}/").json()["config"]
        answer = evaluate(client_as("developer"), action, {"config": shown})
        assert answer == {"values": {}, "errors": {}}
        assert "s3cret" not in str(answer)

    def test_a_saved_layout_that_is_not_valid(self, client_as, page, api):
        action = make_action(page, api, path="{{ appsmith.mode }}")
        page.layout = {"widgetName": "MainContainer"}
        page.save()
        assert_error(
            client_as("developer").post(url(action), {}, format="json"), 409, "invalid_layout"
        )
