"""Applications, publishing and the published version through the editor API."""

from __future__ import annotations

import pytest

from builder.layouts import default_layout
from builder.models import Action, Application, Page, PublishedVersion
from tests.builder.helpers import assert_error
from workspaces.models import Workspace

URL = "/api/v1/applications/"


@pytest.mark.django_db
class TestApplications:
    def test_a_new_application_has_one_page_with_an_empty_root_container(
        self, client_as, workspace
    ):
        response = client_as("developer").post(
            URL, {"workspace": workspace.pk, "name": "Upload portal"}, format="json"
        )
        assert response.status_code == 201
        body = response.json()
        assert body["name"] == "Upload portal"
        assert body["slug"] == "upload-portal"
        assert body["workspace"] == workspace.pk
        assert body["published_version"] is None
        assert [page["name"] for page in body["pages"]] == ["Page1"]
        page = Page.objects.get(pk=body["pages"][0]["id"])
        assert page.layout == default_layout()
        assert page.layout["widgetName"] == "MainContainer"
        assert page.layout["type"] == "Container"
        assert page.layout["children"] == []

    def test_names_may_repeat_but_slugs_do_not(self, client_as, workspace):
        client = client_as("developer")
        slugs = [
            client.post(URL, {"workspace": workspace.pk, "name": "CRM"}, format="json").json()[
                "slug"
            ]
            for _ in range(3)
        ]
        assert slugs == ["crm", "crm-2", "crm-3"]

    def test_a_name_without_slug_characters_still_gets_a_slug(self, client_as, workspace):
        body = (
            client_as("developer")
            .post(URL, {"workspace": workspace.pk, "name": "???"}, format="json")
            .json()
        )
        assert body["slug"] == "app"

    @pytest.mark.parametrize(
        ("body", "code", "field"),
        [
            ({"name": "X"}, "required", "workspace"),
            ({"workspace": "1", "name": "X"}, "invalid", "workspace"),
            ({"workspace": True, "name": "X"}, "invalid", "workspace"),
            ({"workspace": 0, "name": "X"}, "min_value", "workspace"),
            ({"workspace": 999999, "name": "X"}, "does_not_exist", "workspace"),
            ({"workspace": None, "name": "X"}, "null", "workspace"),
            ({"name": "X", "slug": "x"}, "unknown_field", "slug"),
        ],
    )
    def test_bad_bodies_name_the_field(self, client_as, workspace, body, code, field):
        response = client_as("developer").post(URL, body, format="json")
        assert_error(response, 400, code, field)
        assert not Application.objects.exists()

    def test_another_workspace_cannot_be_named(self, client_as, workspace):
        other = Workspace.objects.create(name="Other")
        response = client_as("developer").post(
            URL, {"workspace": other.pk, "name": "X"}, format="json"
        )
        assert_error(response, 400, "does_not_exist", "workspace")

    def test_the_list_filters_by_workspace(self, client_as, workspace, application):
        client = client_as("viewer")
        assert [a["id"] for a in client.get(URL).json()] == [application.pk]
        assert [a["id"] for a in client.get(URL, {"workspace": workspace.pk}).json()] == [
            application.pk
        ]
        other = Workspace.objects.create(name="Other")
        assert client.get(URL, {"workspace": other.pk}).json() == []

    def test_a_bad_workspace_filter_names_the_parameter(self, client_as):
        assert_error(client_as("viewer").get(URL, {"workspace": "x"}), 400, "invalid", "workspace")

    def test_renaming_keeps_the_slug(self, client_as, application):
        response = client_as("developer").patch(
            f"{URL}{application.pk}/", {"name": "Renamed"}, format="json"
        )
        assert response.status_code == 200
        assert (response.json()["name"], response.json()["slug"]) == ("Renamed", "portal")

    def test_an_empty_patch_changes_nothing(self, client_as, application):
        response = client_as("developer").patch(f"{URL}{application.pk}/", {}, format="json")
        assert response.status_code == 200
        assert response.json()["name"] == "Portal"

    def test_a_blank_name_is_refused(self, client_as, application):
        response = client_as("developer").patch(
            f"{URL}{application.pk}/", {"name": " "}, format="json"
        )
        assert_error(response, 400, "blank", "name")

    def test_the_workspace_of_an_application_cannot_be_changed(self, client_as, application):
        response = client_as("developer").patch(
            f"{URL}{application.pk}/", {"workspace": 2}, format="json"
        )
        assert_error(response, 400, "unknown_field", "workspace")

    def test_deleting_removes_pages_actions_and_versions(self, client_as, application, page):
        Action.objects.create(page=page, name="Q1", config={})
        client = client_as("developer")
        client.post(f"{URL}{application.pk}/publish/")
        assert client.delete(f"{URL}{application.pk}/").status_code == 204
        assert not Application.objects.exists()
        assert not Page.objects.exists()
        assert not Action.objects.exists()
        assert not PublishedVersion.objects.exists()
        assert_error(client.get(f"{URL}{application.pk}/"), 404, "not_found")


@pytest.mark.django_db
class TestPublishing:
    def test_publishing_freezes_pages_and_actions(self, client_as, application, page, members):
        Action.objects.create(page=page, name="Q1", config={"method": "GET"})
        response = client_as("developer").post(f"{URL}{application.pk}/publish/")
        assert response.status_code == 201
        body = response.json()
        assert body["number"] == 1
        assert body["is_current"] is True
        assert body["published_by"] == "dave_developer"
        assert body["action_count"] == 1
        assert [p["name"] for p in body["pages"]] == ["Page1"]
        version = PublishedVersion.objects.get(pk=body["id"])
        assert set(version.compiled) == {str(page.pk)}
        assert version.snapshot["pages"][0]["layout"] == page.layout
        assert version.snapshot["actions"][0]["name"] == "Q1"
        application.refresh_from_db()
        assert application.published_version == version

    def test_later_edits_do_not_change_a_published_version(self, client_as, application, page):
        client = client_as("developer")
        client.post(f"{URL}{application.pk}/publish/")
        client.patch(f"/api/v1/pages/{page.pk}/", {"name": "Home"}, format="json")
        version = PublishedVersion.objects.get()
        assert version.snapshot["pages"][0]["name"] == "Page1"

    def test_numbers_increment_and_the_latest_is_served(self, client_as, application):
        client = client_as("developer")
        numbers = [
            client.post(f"{URL}{application.pk}/publish/").json()["number"] for _ in range(3)
        ]
        assert numbers == [1, 2, 3]
        published = client_as("viewer").get(f"{URL}{application.pk}/published/")
        assert published.status_code == 200
        assert published.json()["number"] == 3
        assert client.get(f"{URL}{application.pk}/").json()["published_version"] == 3

    def test_an_unpublished_application_has_no_published_version(self, client_as, application):
        response = client_as("viewer").get(f"{URL}{application.pk}/published/")
        assert_error(response, 404, "not_published")

    def test_publish_accepts_an_empty_body(self, client_as, application):
        response = client_as("developer").post(f"{URL}{application.pk}/publish/", {}, format="json")
        assert response.status_code == 201
        assert response.json()["number"] == 1

    def test_publish_refuses_body_keys(self, client_as, application):
        response = client_as("developer").post(
            f"{URL}{application.pk}/publish/", {"number": 7}, format="json"
        )
        assert_error(response, 400, "unknown_field", "number")
        assert not PublishedVersion.objects.exists()
