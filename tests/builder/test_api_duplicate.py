"""Duplicating applications and pages: copies beside the original, names made unique."""

from __future__ import annotations

from typing import Any

import pytest

from builder.models import Action, Application, Page
from builder.services.applications import copy_name, publish_application
from tests.builder.helpers import assert_error

API = "/api/v1/"


@pytest.fixture
def seeded(page: Page, dropbox_portal: dict[str, Any], datasource: Any) -> Page:
    page.layout = dropbox_portal["page"]["layout"]
    page.version = 4
    page.save()
    config = dropbox_portal["actions"][0]["config"]
    Action.objects.create(
        page=page, name="UploadFileToDropbox", datasource=datasource, config=config
    )
    return page


def test_copy_names_count_up_and_fit() -> None:
    assert copy_name("Orders", set()) == "Orders (copy)"
    assert copy_name("Orders", {"Orders (copy)"}) == "Orders (copy 2)"
    assert copy_name("Orders", {"Orders (copy)", "Orders (copy 2)"}) == "Orders (copy 3)"
    long = copy_name("x" * 120, set())
    assert len(long) == 120 and long.endswith("x (copy)")


@pytest.mark.django_db
class TestDuplicatingAPage:
    def test_the_copy_goes_last_with_the_layout_and_the_actions(self, client_as, seeded):
        response = client_as("developer").post(f"{API}pages/{seeded.pk}/duplicate/")

        assert response.status_code == 201, response.json()
        body = response.json()
        assert (body["name"], body["slug"], body["order"]) == ("Page1 (copy)", "page1-copy", 1)
        assert (body["layout"], body["version"]) == (seeded.layout, 1)
        copied = Action.objects.get(page_id=body["id"])
        original = Action.objects.get(page=seeded)
        assert (copied.name, copied.datasource_id, copied.config) == (
            original.name,
            original.datasource_id,
            original.config,
        )
        assert copied.pk != original.pk

    def test_a_second_copy_gets_the_next_name(self, client_as, seeded):
        client = client_as("developer")
        client.post(f"{API}pages/{seeded.pk}/duplicate/")
        second = client.post(f"{API}pages/{seeded.pk}/duplicate/").json()
        assert (second["name"], second["order"]) == ("Page1 (copy 2)", 2)

    def test_a_body_is_refused(self, client_as, seeded):
        response = client_as("developer").post(
            f"{API}pages/{seeded.pk}/duplicate/", {"name": "X"}, format="json"
        )
        assert response.status_code == 400
        assert Page.objects.count() == 1

    def test_a_viewer_is_refused(self, client_as, seeded):
        response = client_as("viewer").post(f"{API}pages/{seeded.pk}/duplicate/")
        assert_error(response, 403, "permission_denied")


@pytest.mark.django_db
class TestDuplicatingAnApplication:
    def test_the_copy_has_every_page_and_action_and_is_not_published(
        self, client_as, application, seeded, members
    ):
        Page.objects.create(
            application=application, name="Two", slug="two", order=1, layout=seeded.layout
        )
        publish_application(application=application, user=members["developer"])

        response = client_as("developer").post(f"{API}applications/{application.pk}/duplicate/")

        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["name"] == f"{application.name} (copy)"
        assert body["workspace"] == application.workspace_id
        assert body["published_version"] is None
        assert [(page["name"], page["order"]) for page in body["pages"]] == [
            ("Page1", 0),
            ("Two", 1),
        ]
        copy = Application.objects.get(pk=body["id"])
        assert copy.slug != application.slug
        assert copy.created_by == members["developer"]
        copied_page = copy.pages.get(name="Page1")
        assert copied_page.layout == seeded.layout and copied_page.version == 1
        assert list(
            Action.objects.filter(page__application=copy).values_list("name", flat=True)
        ) == ["UploadFileToDropbox"]
        assert Action.objects.filter(page=seeded).count() == 1

    def test_copies_of_copies_count_up(self, client_as, application):
        client = client_as("developer")
        first = client.post(f"{API}applications/{application.pk}/duplicate/").json()
        second = client.post(f"{API}applications/{application.pk}/duplicate/").json()
        assert second["name"] == f"{application.name} (copy 2)"
        assert first["id"] != second["id"]

    def test_a_viewer_is_refused(self, client_as, application):
        response = client_as("viewer").post(f"{API}applications/{application.pk}/duplicate/")
        assert_error(response, 403, "permission_denied")
        assert Application.objects.count() == 1

    def test_an_outsider_finds_nothing(self, client_as, application):
        response = client_as("outsider").post(f"{API}applications/{application.pk}/duplicate/")
        assert response.status_code == 404
