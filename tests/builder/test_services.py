"""Builder services called directly: the rules hold without the HTTP layer."""

from __future__ import annotations

import pytest

from builder.errors import Invalid
from builder.layouts import default_layout
from builder.models import Action, Application, Page, PublishedVersion
from builder.services import actions, applications, pages
from builder.services.workspaces import delete_workspace
from datasources.models import Datasource
from widgets import EntityNameError, LayoutValidationError, validate_layout
from workspaces.models import Workspace


def container(name: str, *children: dict) -> dict:
    return {
        "widgetName": name,
        "type": "Container",
        "props": {},
        "position": {"x": 0, "y": 0, "w": 30, "h": 20},
        "children": list(children),
    }


def text(name: str) -> dict:
    return {
        "widgetName": name,
        "type": "Text",
        "props": {"text": "t"},
        "position": {"x": 0, "y": 0, "w": 5, "h": 2},
    }


@pytest.mark.django_db
class TestWorkspaces:
    def test_deleting_takes_actions_that_protect_pages_and_datasources(self, workspace, page):
        source = Datasource.objects.create(workspace=workspace, name="D", url="https://d.test/")
        Action.objects.create(page=page, name="Q", datasource=source, config={})
        delete_workspace(workspace=workspace)
        assert not Workspace.objects.exists()
        assert not Datasource.objects.exists()


@pytest.mark.django_db
class TestApplications:
    def test_the_first_page_holds_a_valid_empty_layout(self, workspace, members):
        application = applications.create_application(
            user=members["developer"], workspace=workspace, name="A"
        )
        page = application.pages.get()
        assert (page.name, page.slug, page.order) == ("Page1", "page1", 0)
        validate_layout(page.layout)
        assert application.created_by == members["developer"]

    def test_nothing_is_left_when_the_first_page_fails(self, workspace, members, monkeypatch):
        def fail(**kwargs):
            raise RuntimeError("disk full")

        monkeypatch.setattr(Page.objects, "create", fail)
        with pytest.raises(RuntimeError):
            applications.create_application(user=members["admin"], workspace=workspace, name="A")
        assert not Application.objects.exists()

    def test_unique_slug(self):
        assert applications.unique_slug("My App", set(), fallback="app") == "my-app"
        assert applications.unique_slug("My App", {"my-app"}, fallback="app") == "my-app-2"
        assert applications.unique_slug("!!", set(), fallback="app") == "app"
        assert len(applications.unique_slug("x" * 300, set(), fallback="app")) <= 140

    def test_publishing_snapshots_and_numbers(self, application, page, members):
        Action.objects.create(page=page, name="Q", config={"method": "GET"})
        first = applications.publish_application(application=application, user=members["admin"])
        page.layout = {**default_layout(), "children": [text("T")]}
        page.save()
        second = applications.publish_application(application=application, user=None)
        assert (first.number, second.number) == (1, 2)
        assert first.snapshot["pages"][0]["layout"]["children"] == []
        assert second.snapshot["pages"][0]["layout"]["children"][0]["widgetName"] == "T"
        assert second.snapshot["actions"] == [
            {"id": Action.objects.get().pk, "page": page.pk, "name": "Q", "datasource": None,
             "config": {"method": "GET"}}
        ]  # fmt: skip
        assert set(second.compiled) == {str(page.pk)}
        application.refresh_from_db()
        assert application.published_version == second

    def test_deleting_an_application_takes_its_versions(self, application, page):
        Action.objects.create(page=page, name="Q", config={})
        applications.publish_application(application=application, user=None)
        applications.delete_application(application=application)
        assert not PublishedVersion.objects.exists()
        assert not Page.objects.exists()


@pytest.mark.django_db
class TestPages:
    def test_pages_are_appended_in_order(self, application):
        second = pages.create_page(application=application, name="Two")
        third = pages.create_page(application=application, name="Two!")
        assert (second.order, third.order) == (1, 2)
        assert (second.slug, third.slug) == ("two", "two-2")

    def test_a_renamed_page_gets_a_new_slug(self, page):
        page = pages.update_page(page=page, name="Home Page")
        assert (page.name, page.slug) == ("Home Page", "home-page")

    def test_a_nested_widget_named_like_an_action_is_found_by_path(self, page):
        Action.objects.create(page=page, name="Fetch", config={})
        layout = {**default_layout(), "children": [container("Box", text("A"), text("Fetch"))]}
        with pytest.raises(Invalid) as caught:
            pages.update_page(page=page, layout=layout)
        assert caught.value.field == "layout.children[0].children[1].widgetName"
        assert caught.value.code == "duplicate_name"

    def test_every_layout_fault_is_carried(self, page):
        layout = {**default_layout(), "children": [{"widgetName": "1x"}, text("T")]}
        with pytest.raises(LayoutValidationError) as caught:
            pages.update_page(page=page, layout=layout)
        errors = caught.value.to_dict()["errors"]
        assert isinstance(errors, list)
        assert caught.value.path == errors[0]["field"] == "layout.children[0].type"
        assert len(errors) >= 3

    def test_a_page_is_deleted_with_its_actions(self, application, page):
        pages.create_page(application=application, name="Two")
        Action.objects.create(page=page, name="Q", config={})
        pages.delete_page(page=page)
        assert not Action.objects.exists()
        assert list(application.pages.values_list("name", flat=True)) == ["Two"]


@pytest.mark.django_db
class TestActions:
    def test_a_name_used_by_a_widget_is_refused(self, page):
        page.layout = {**default_layout(), "children": [text("Title")]}
        page.save()
        with pytest.raises(EntityNameError) as caught:
            actions.create_action(page=page, name="Title", config={})
        assert (caught.value.code, caught.value.path) == ("duplicate_name", "name")

    def test_the_datasource_must_share_the_workspace(self, page):
        other = Workspace.objects.create(name="Other")
        source = Datasource.objects.create(workspace=other, name="D", url="https://d.test/")
        with pytest.raises(Invalid) as caught:
            actions.create_action(page=page, name="Q", config={}, datasource_id=source.pk)
        assert caught.value.field == "datasource"
        assert not Action.objects.exists()

    def test_update_changes_only_what_is_given(self, page, datasource):
        action = actions.create_action(
            page=page, name="Q", config={"method": "GET"}, datasource_id=datasource.pk
        )
        action = actions.update_action(action=action, config={"method": "POST"})
        assert (action.name, action.datasource, action.config) == (
            "Q",
            datasource,
            {"method": "POST"},
        )
        action = actions.update_action(action=action, datasource_id=None, name="R")
        assert (action.name, action.datasource) == ("R", None)

    def test_deleting(self, page):
        action = actions.create_action(page=page, name="Q", config={})
        actions.delete_action(action=action)
        assert not Action.objects.exists()
