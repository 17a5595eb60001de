"""Actions (queries) on a page through the editor API."""

from __future__ import annotations

import pytest

from builder.models import Action
from datasources.models import Datasource
from tests.builder.helpers import assert_error
from workspaces.models import Workspace

URL = "/api/v1/actions/"

DEFAULT_CONFIG = {
    "method": "GET",
    "path": "",
    "headers": [],
    "query_params": [],
    "body_type": "none",
    "body": "",
    "timeout_s": 60,
    "run_on_page_load": None,
    "confirm_before_run": False,
    "smart_json_substitution": True,
    "encode_query_params": True,
}
SETTINGS = {key: DEFAULT_CONFIG[key] for key in list(DEFAULT_CONFIG)[-4:]}


@pytest.fixture
def dropbox_page(page, dropbox_portal):
    page.layout = dropbox_portal["page"]["layout"]
    page.save()
    return page


@pytest.fixture
def upload_body(dropbox_page, datasource, dropbox_portal):
    action = dropbox_portal["actions"][0]
    return {
        "page": dropbox_page.pk,
        "name": action["name"],
        "datasource": datasource.pk,
        "config": action["config"],
    }


@pytest.mark.django_db
class TestCreating:
    def test_the_dropbox_upload_query(self, client_as, upload_body, dropbox_portal):
        response = client_as("developer").post(URL, upload_body, format="json")
        assert response.status_code == 201
        body = response.json()
        assert body["name"] == "UploadFileToDropbox"
        assert body["datasource"] == upload_body["datasource"]
        assert body["config"] == {**SETTINGS, **dropbox_portal["actions"][0]["config"]}
        assert Action.objects.get(pk=body["id"]).config["body_type"] == "binary"

    def test_config_keys_default(self, client_as, page):
        response = client_as("developer").post(
            URL, {"page": page.pk, "name": "Fetch", "config": {"method": "POST"}}, format="json"
        )
        assert response.status_code == 201
        assert response.json()["config"] == {**DEFAULT_CONFIG, "method": "POST"}
        assert response.json()["datasource"] is None

    def test_a_missing_config_is_all_defaults(self, client_as, page):
        response = client_as("developer").post(
            URL, {"page": page.pk, "name": "Fetch"}, format="json"
        )
        assert response.status_code == 201
        assert Action.objects.get().config == DEFAULT_CONFIG

    @pytest.mark.parametrize("body", ["raw text {{Input1.text}}", {"a": [1, 2]}, [1, "x"], 3, True])
    def test_a_body_may_be_a_string_or_json(self, client_as, page, body):
        response = client_as("developer").post(
            URL,
            {"page": page.pk, "name": "Send", "config": {"body_type": "json", "body": body}},
            format="json",
        )
        assert response.status_code == 201
        assert response.json()["config"]["body"] == body

    @pytest.mark.parametrize(
        ("name", "code"),
        [
            ("1st", "invalid_identifier"),
            ("my query", "invalid_identifier"),
            ("class", "reserved_word"),
            ("showAlert", "reserved_global"),
            ("Math", "reserved_global"),
            ("toString", "reserved_property"),
            ("constructor", "reserved_property"),
            ("hasOwnProperty", "reserved_property"),
            ("__proto__", "reserved_prefix"),
            ("FilePicker1", "duplicate_name"),
            ("MainContainer", "duplicate_name"),
        ],
    )
    def test_names_are_checked_against_identifiers_and_widgets(
        self, client_as, upload_body, name, code
    ):
        response = client_as("developer").post(URL, {**upload_body, "name": name}, format="json")
        assert_error(response, 400, code, "name")
        assert not Action.objects.exists()

    def test_two_actions_on_a_page_cannot_share_a_name(self, client_as, upload_body):
        client = client_as("developer")
        assert client.post(URL, upload_body, format="json").status_code == 201
        assert_error(client.post(URL, upload_body, format="json"), 400, "duplicate_name", "name")
        assert Action.objects.count() == 1

    def test_a_datasource_of_another_workspace_is_refused(self, client_as, upload_body):
        elsewhere = Datasource.objects.create(
            workspace=Workspace.objects.create(name="Other"), name="Theirs", url="https://x.test/"
        )
        response = client_as("developer").post(
            URL, {**upload_body, "datasource": elsewhere.pk}, format="json"
        )
        assert_error(response, 400, "invalid_datasource", "datasource")
        assert not Action.objects.exists()

    def test_a_missing_datasource_is_refused(self, client_as, upload_body):
        response = client_as("developer").post(
            URL, {**upload_body, "datasource": 999999}, format="json"
        )
        assert_error(response, 400, "invalid_datasource", "datasource")

    def test_a_page_elsewhere_is_refused(self, client_as, upload_body):
        response = client_as("developer").post(URL, {**upload_body, "page": 999999}, format="json")
        assert_error(response, 400, "does_not_exist", "page")

    @pytest.mark.parametrize(
        ("config", "code", "field"),
        [
            ({"method": "FETCH"}, "invalid_choice", "config.method"),
            ({"method": "get"}, "invalid_choice", "config.method"),
            ({"path": 12}, "invalid", "config.path"),
            ({"headers": {"a": "b"}}, "not_a_list", "config.headers"),
            ({"headers": [{"key": "A"}]}, "required", "config.headers[0].value"),
            ({"headers": [{"key": "A", "value": 1}]}, "invalid", "config.headers[0].value"),
            (
                {"headers": [{"key": "A", "value": "1", "on": True}]},
                "unknown_field",
                "config.headers[0].on",
            ),
            ({"query_params": ["a=b"]}, "invalid", "config.query_params[0]"),
            ({"body_type": "form-data"}, "invalid_choice", "config.body_type"),
            ({"body": None}, "null", "config.body"),
            ({"timeout_s": 0}, "min_value", "config.timeout_s"),
            ({"timeout_s": 301}, "max_value", "config.timeout_s"),
            ({"timeout_s": "60"}, "invalid", "config.timeout_s"),
            ({"timeout_s": 1.5}, "invalid", "config.timeout_s"),
            ({"retries": 3}, "unknown_field", "config.retries"),
            ({"run_on_page_load": "auto"}, "invalid", "config.run_on_page_load"),
            ({"confirm_before_run": None}, "null", "config.confirm_before_run"),
            ({"confirm_before_run": 1}, "invalid", "config.confirm_before_run"),
            ({"smart_json_substitution": "yes"}, "invalid", "config.smart_json_substitution"),
            ({"encode_query_params": 0}, "invalid", "config.encode_query_params"),
        ],
    )
    def test_config_faults_name_the_field(self, client_as, page, config, code, field):
        response = client_as("developer").post(
            URL, {"page": page.pk, "name": "Fetch", "config": config}, format="json"
        )
        assert_error(response, 400, code, field)
        assert not Action.objects.exists()

    @pytest.mark.parametrize(
        ("body", "code", "field"),
        [
            ({"name": "Fetch"}, "required", "page"),
            ({"page": "{page}"}, "required", "name"),
            ({"page": "{page}", "name": "Fetch", "config": "GET /"}, "invalid", "config"),
            ({"page": "{page}", "name": "Fetch", "datasource": "7"}, "invalid", "datasource"),
            (
                {"page": "{page}", "name": "Fetch", "run_on_load": True},
                "unknown_field",
                "run_on_load",
            ),
        ],
    )
    def test_bad_bodies_name_the_field(self, client_as, page, body, code, field):
        body = {k: page.pk if v == "{page}" else v for k, v in body.items()}
        assert_error(client_as("developer").post(URL, body, format="json"), 400, code, field)


@pytest.mark.django_db
class TestEditing:
    @pytest.fixture
    def action(self, client_as, upload_body):
        return Action.objects.get(
            pk=client_as("developer").post(URL, upload_body, format="json").json()["id"]
        )

    def test_the_list_filters_by_page_and_application(self, client_as, action, application):
        client = client_as("developer")
        assert [a["id"] for a in client.get(URL).json()] == [action.pk]
        assert [a["id"] for a in client.get(URL, {"page": action.page_id}).json()] == [action.pk]
        assert [a["id"] for a in client.get(URL, {"application": application.pk}).json()] == [
            action.pk
        ]
        assert client.get(URL, {"page": action.page_id + 1000}).json() == []
        assert_error(client.get(URL, {"page": "one"}), 400, "invalid", "page")

    def test_an_action_reads_with_its_config(self, client_as, action):
        body = client_as("developer").get(f"{URL}{action.pk}/").json()
        assert body["config"]["headers"][0]["key"] == "Dropbox-API-Arg"

    def test_renaming(self, client_as, action):
        response = client_as("developer").patch(
            f"{URL}{action.pk}/", {"name": "Upload"}, format="json"
        )
        assert response.status_code == 200
        assert response.json()["name"] == "Upload"

    def test_renaming_to_its_own_name_is_fine(self, client_as, action):
        response = client_as("developer").patch(
            f"{URL}{action.pk}/", {"name": "UploadFileToDropbox"}, format="json"
        )
        assert response.status_code == 200
        assert response.json()["name"] == "UploadFileToDropbox"

    @pytest.mark.parametrize(
        ("name", "code"),
        [
            ("toString", "reserved_property"),
            ("__proto__", "reserved_prefix"),
            ("JSON", "reserved_global"),
        ],
    )
    def test_renaming_to_a_name_javascript_gives_meaning_is_refused(
        self, client_as, action, name, code
    ):
        response = client_as("developer").patch(f"{URL}{action.pk}/", {"name": name}, format="json")
        assert_error(response, 400, code, "name")
        action.refresh_from_db()
        assert action.name == "UploadFileToDropbox"

    def test_renaming_to_a_widget_name_is_refused(self, client_as, action):
        response = client_as("developer").patch(
            f"{URL}{action.pk}/", {"name": "Result"}, format="json"
        )
        assert_error(response, 400, "duplicate_name", "name")
        action.refresh_from_db()
        assert action.name == "UploadFileToDropbox"

    def test_a_new_config_replaces_the_old_one(self, client_as, action):
        response = client_as("developer").patch(
            f"{URL}{action.pk}/", {"config": {"method": "DELETE", "path": "x"}}, format="json"
        )
        assert response.status_code == 200
        assert response.json()["config"] == {**DEFAULT_CONFIG, "method": "DELETE", "path": "x"}

    def test_the_datasource_can_be_unset(self, client_as, action):
        response = client_as("developer").patch(
            f"{URL}{action.pk}/", {"datasource": None}, format="json"
        )
        assert response.status_code == 200
        assert response.json()["datasource"] is None

    def test_a_bad_edit_changes_nothing(self, client_as, action):
        response = client_as("developer").patch(
            f"{URL}{action.pk}/", {"name": "Other", "config": {"timeout_s": 0}}, format="json"
        )
        assert_error(response, 400, "min_value", "config.timeout_s")
        action.refresh_from_db()
        assert action.name == "UploadFileToDropbox"
        assert action.config["timeout_s"] == 60

    def test_a_bad_datasource_in_an_edit_changes_nothing(self, client_as, action):
        response = client_as("developer").patch(
            f"{URL}{action.pk}/", {"name": "Other", "datasource": 999999}, format="json"
        )
        assert_error(response, 400, "invalid_datasource", "datasource")
        action.refresh_from_db()
        assert action.name == "UploadFileToDropbox"

    def test_the_page_of_an_action_cannot_change(self, client_as, action):
        response = client_as("developer").patch(f"{URL}{action.pk}/", {"page": 1}, format="json")
        assert_error(response, 400, "unknown_field", "page")

    def test_deleting(self, client_as, action):
        assert client_as("developer").delete(f"{URL}{action.pk}/").status_code == 204
        assert not Action.objects.exists()
        assert_error(client_as("developer").get(f"{URL}{action.pk}/"), 404, "not_found")
