"""Renaming a widget or an action of a page: every reference on the page follows."""

from __future__ import annotations

from typing import Any

import pytest

from builder.models import Action, Page
from builder.services.pages import update_page
from builder.services.renaming import rename_entity
from tests.builder.helpers import assert_error
from tests.threads import race

URL = "/api/v1/pages/"


def _upload_config() -> dict[str, Any]:
    return {
        "method": "POST",
        "path": "2/files/{{FilePicker1.files[0].name}}",
        "headers": [
            {
                "key": "Dropbox-API-Arg",
                "value": '{"path": "/{{FilePicker1.files[0].name}}", "mode": "add"}',
            }
        ],
        "query_params": [{"key": "{{FilePicker1.label}}", "value": "FilePicker1"}],
        "body_type": "json",
        "body": {
            "name": "{{FilePicker1.files[0].name}}",
            "note": ["FilePicker1", "{{x.FilePicker1}}"],
        },
        "timeout_s": 60,
    }


@pytest.fixture
def seeded(page: Page, dropbox_portal: dict[str, Any]) -> Page:
    """The seed's page: FilePicker1, whose handler runs UploadFileToDropbox, and two Texts."""
    page.layout = dropbox_portal["page"]["layout"]
    page.save()
    Action.objects.create(page=page, name="UploadFileToDropbox", config=_upload_config())
    Action.objects.create(page=page, name="Other", config={"path": "{{UploadFileToDropbox.data}}"})
    return page


def _widgets(page: Page) -> dict[str, dict[str, Any]]:
    page.refresh_from_db()
    return {child["widgetName"]: child for child in page.layout["children"]}


def _rename(client: Any, page: Page, **body: Any) -> Any:
    return client.post(f"{URL}{page.pk}/rename/", body, format="json")


@pytest.mark.django_db
class TestRenamingAWidget:
    def test_its_bindings_handlers_and_queries_follow(self, client_as, seeded):
        response = _rename(
            client_as("developer"), seeded, old_name="FilePicker1", new_name="Picker"
        )

        assert response.status_code == 200, response.json()
        widgets = _widgets(seeded)
        assert "FilePicker1" not in widgets
        assert widgets["Picker"]["props"]["onFilesSelected"] == (
            "{{UploadFileToDropbox.run().then(() => showAlert('Uploaded ' + "
            "Picker.files[0].name, 'success')).catch(e => showAlert(e.message, 'error'))}}"
        )
        config = Action.objects.get(name="UploadFileToDropbox").config
        assert config["path"] == "2/files/{{Picker.files[0].name}}"
        assert (
            config["headers"][0]["value"] == '{"path": "/{{Picker.files[0].name}}", "mode": "add"}'
        )
        assert config["query_params"] == [{"key": "{{Picker.label}}", "value": "FilePicker1"}]
        assert config["body"] == {
            "name": "{{Picker.files[0].name}}",
            "note": ["FilePicker1", "{{x.FilePicker1}}"],
        }
        body = response.json()
        assert body["page"]["version"] == 2
        assert body["page"]["layout"] == seeded.layout
        assert [action["name"] for action in body["actions"]] == ["Other", "UploadFileToDropbox"]
        assert body["actions"][1]["config"]["path"] == "2/files/{{Picker.files[0].name}}"

    def test_a_nested_widget_is_renamed_too(self, client_as, seeded):
        layout = seeded.layout
        inner = {
            "widgetName": "Inner",
            "type": "Text",
            "props": {"text": "{{Title.text}}"},
            "position": {"x": 0, "y": 0, "w": 4, "h": 4},
        }
        box = {
            "widgetName": "Box",
            "type": "Container",
            "props": {},
            "position": {"x": 0, "y": 20, "w": 20, "h": 20},
            "children": [inner],
        }
        layout["children"].append(box)
        seeded.save()

        _rename(client_as("developer"), seeded, old_name="Title", new_name="Heading")

        assert _widgets(seeded)["Box"]["children"][0]["props"]["text"] == "{{Heading.text}}"
        assert "Heading" in _widgets(seeded)

    def test_with_the_current_version_it_is_written(self, client_as, seeded):
        response = _rename(
            client_as("developer"), seeded, old_name="Title", new_name="Heading", version=1
        )
        assert response.json()["page"]["version"] == 2

    def test_from_an_older_version_it_is_refused_and_writes_nothing(self, client_as, seeded):
        seeded.version = 3
        seeded.save()
        response = _rename(
            client_as("developer"), seeded, old_name="FilePicker1", new_name="Picker", version=2
        )
        assert_error(response, 409, "version_conflict", "version")
        assert "FilePicker1" in _widgets(seeded)
        assert "FilePicker1" in Action.objects.get(name="UploadFileToDropbox").config["path"]

    def test_to_the_same_name_changes_nothing(self, client_as, seeded):
        response = _rename(client_as("developer"), seeded, old_name="Title", new_name="Title")
        assert response.status_code == 200
        assert response.json()["page"]["version"] == 1


@pytest.mark.django_db
class TestRenamingAnAction:
    def test_handlers_and_other_queries_follow(self, client_as, seeded):
        response = _rename(
            client_as("developer"), seeded, old_name="UploadFileToDropbox", new_name="Upload"
        )

        assert response.status_code == 200, response.json()
        widgets = _widgets(seeded)
        assert widgets["FilePicker1"]["props"]["onFilesSelected"].startswith("{{Upload.run()")
        assert widgets["Result"]["props"]["text"] == (
            "{{Upload.data ? 'Stored as ' + Upload.data.path_display : 'Nothing uploaded yet'}}"
        )
        assert set(Action.objects.values_list("name", flat=True)) == {"Upload", "Other"}
        assert Action.objects.get(name="Other").config["path"] == "{{Upload.data}}"
        assert [action["name"] for action in response.json()["actions"]] == ["Other", "Upload"]

    def test_a_patch_of_its_name_rewrites_the_references_too(self, client_as, seeded):
        action = Action.objects.get(name="UploadFileToDropbox")
        response = client_as("developer").patch(
            f"/api/v1/actions/{action.pk}/", {"name": "Upload"}, format="json"
        )

        assert response.status_code == 200, response.json()
        widgets = _widgets(seeded)
        assert widgets["FilePicker1"]["props"]["onFilesSelected"].startswith("{{Upload.run()")
        assert Action.objects.get(name="Other").config["path"] == "{{Upload.data}}"
        assert seeded.version == 2  # another tab's layout still says the old name

    def test_a_patch_without_a_new_name_leaves_the_page_alone(self, client_as, seeded):
        action = Action.objects.get(name="Other")
        client_as("developer").patch(
            f"/api/v1/actions/{action.pk}/", {"name": "Other"}, format="json"
        )
        seeded.refresh_from_db()
        assert seeded.version == 1


@pytest.mark.django_db
class TestRefusals:
    @pytest.mark.parametrize(
        ("new_name", "code"),
        [
            ("Title", "duplicate_name"),  # another widget
            ("Other", "duplicate_name"),  # an action
            ("showAlert", "reserved_global"),
            ("class", "reserved_word"),
            ("toString", "reserved_property"),
            ("__x", "reserved_prefix"),
            ("1abc", "invalid_identifier"),
            ("a b", "invalid_identifier"),
            ("", "blank"),
        ],
    )
    def test_a_name_that_cannot_be_used_names_new_name(self, client_as, seeded, new_name, code):
        response = _rename(
            client_as("developer"), seeded, old_name="FilePicker1", new_name=new_name
        )
        assert_error(response, 400, code, "new_name")
        assert "FilePicker1" in _widgets(seeded)
        assert seeded.version == 1

    def test_an_unknown_entity_names_old_name(self, client_as, seeded):
        response = _rename(client_as("developer"), seeded, old_name="Nope", new_name="Other2")
        body = assert_error(response, 404, "unknown_entity", "old_name")
        assert "Nope" in body["message"]

    def test_an_entity_of_another_page_is_unknown_here(self, client_as, seeded, application):
        other = Page.objects.create(application=application, name="Two", slug="two", order=1)
        Action.objects.create(page=other, name="Elsewhere", config={})
        response = _rename(client_as("developer"), seeded, old_name="Elsewhere", new_name="Here")
        assert_error(response, 404, "unknown_entity", "old_name")

    def test_the_root_container_keeps_its_name(self, client_as, seeded):
        response = _rename(
            client_as("developer"), seeded, old_name="MainContainer", new_name="Root"
        )
        assert_error(response, 400, "root_widget", "old_name")

    @pytest.mark.parametrize(
        "body",
        [
            {"new_name": "X"},
            {"old_name": "Title"},
            {"old_name": "Title", "new_name": "X", "extra": 1},
        ],
    )
    def test_bad_bodies_are_refused(self, client_as, seeded, body):
        response = client_as("developer").post(f"{URL}{seeded.pk}/rename/", body, format="json")
        assert response.status_code == 400

    def test_a_viewer_is_refused(self, client_as, seeded):
        response = _rename(client_as("viewer"), seeded, old_name="Title", new_name="Heading")
        assert_error(response, 403, "permission_denied")


@pytest.mark.django_db(transaction=True)
def test_a_rename_and_a_save_from_the_same_version_do_not_both_land(seeded):
    results = race(
        [
            lambda: rename_entity(page=seeded, old_name="Title", new_name="Heading", version=1),
            lambda: update_page(page=seeded, name="Renamed", version=1),
        ]
    )
    assert sum(isinstance(result, Exception) for result in results) == 1, results
    seeded.refresh_from_db()
    assert seeded.version == 2
