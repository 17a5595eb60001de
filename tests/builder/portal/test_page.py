"""GET /api/v1/runtime/pages/{id}/: the published page, evaluated for the user's session."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps as django_apps

from builder.models import Page, PublishedPageRef, PublishedVersion
from builder.services.applications import create_application, publish_application
from tests.builder.helpers import assert_error, layout, widget
from tests.builder.portal.support import answer, fire, page_url, pick, publish_page

pytestmark = pytest.mark.django_db


class TestThePage:
    def test_a_viewer_gets_the_evaluated_seed_page(self, client_as, seed_app):
        body = answer(client_as("viewer").get(page_url(seed_app.page)))
        assert set(body) == {
            "application",
            "page",
            "pages",
            "layout",
            "widgets",
            "actions",
            "errors",
            "store",
            "url",
            "page_load",
            "jobs",
        }
        assert body["jobs"] == []
        application = seed_app.application
        assert body["application"] == {
            "id": application.pk,
            "name": application.name,
            "slug": application.slug,
            "published_version": 1,
        }
        assert body["page"] == {"id": seed_app.page.pk, "name": "Page1", "slug": "page1"}
        assert body["pages"] == [body["page"]]
        assert body["actions"] == {
            "UploadFileToDropbox": {"data": None, "isLoading": False, "responseMeta": None}
        }
        assert body["errors"] == {}
        assert body["store"] == {}
        # The upload is a POST run by its FilePicker: nothing runs on page load.
        assert body["page_load"] == {"actions": [], "widgets": {}, "errors": []}

    def test_widgets_hold_every_evaluated_property(self, client_as, seed_app):
        widgets = answer(client_as("viewer").get(page_url(seed_app.page)))["widgets"]
        assert set(widgets) == {"MainContainer", "Title", "FilePicker1", "Result"}
        picker = widgets["FilePicker1"]
        assert picker["type"] == "FilePicker"
        assert picker["label"] == "Select a file"
        assert picker["maxNumFiles"] == 1
        assert picker["files"] == []
        assert picker["isValid"] is False  # isRequired and nothing picked
        assert picker["isVisible"] is True
        assert "onFilesSelected" not in picker
        assert widgets["Result"]["text"] == "Nothing uploaded yet"
        assert widgets["MainContainer"]["type"] == "Container"
        assert widgets["MainContainer"]["isVisible"] is True

    def test_the_layout_has_no_handler_code(self, client_as, seed_app, dropbox_portal):
        body = answer(client_as("viewer").get(page_url(seed_app.page)))
        expected = dropbox_portal["page"]["layout"]
        del expected["children"][1]["props"]["onFilesSelected"]
        assert body["layout"] == expected
        assert "UploadFileToDropbox.run" not in str(body["layout"])

    def test_failing_bindings_are_errors_not_failures(self, client_as, page, members):
        publish_page(
            page,
            members["developer"],
            layout(widget("Broken", "Text", {"text": "{{ nope.x }}"})),
        )
        body = answer(client_as("viewer").get(page_url(page)))
        (error,) = body["errors"]["Broken.text"]
        assert error["name"] == "ReferenceError"
        assert error["binding"] == "{{ nope.x }}"
        assert "text" not in body["widgets"]["Broken"]

    def test_pages_are_listed_in_order(self, client_as, application, members):
        second = Page.objects.create(application=application, name="Page2", slug="page2", order=5)
        second.layout = layout()
        second.save()
        publish_application(application=application, user=members["developer"])
        body = answer(client_as("viewer").get(page_url(second)))
        assert [page["name"] for page in body["pages"]] == ["Page1", "Page2"]
        assert body["page"]["name"] == "Page2"


class TestTheUrl:
    def test_from_the_url_parameter(self, client_as, seed_app):
        url = page_url(seed_app.page) + "?url=https://brace.example.com/apps/1/pages/2/%3Fq%3D1"
        body = answer(client_as("viewer").get(url, HTTP_REFERER="https://other.example/"))
        assert body["url"] == {
            "host": "brace.example.com",
            "pathname": "/apps/1/pages/2/",
            "queryParams": {"q": "1"},
        }

    def test_from_the_referer(self, client_as, seed_app):
        response = client_as("viewer").get(
            page_url(seed_app.page), HTTP_REFERER="http://testserver/apps/3/pages/4/?tab=files"
        )
        assert answer(response)["url"] == {
            "host": "testserver",
            "pathname": "/apps/3/pages/4/",
            "queryParams": {"tab": "files"},
        }

    def test_none(self, client_as, seed_app):
        body = answer(client_as("viewer").get(page_url(seed_app.page)))
        assert body["url"] == {"host": "", "pathname": "", "queryParams": {}}

    def test_bindings_read_it(self, client_as, page, members):
        publish_page(
            page,
            members["developer"],
            layout(widget("Tab", "Text", {"text": "{{ appsmith.URL.queryParams.tab }}"})),
        )
        response = client_as("viewer").get(page_url(page) + "?url=/x%3Ftab%3Dfiles")
        body = answer(response)
        assert body["widgets"]["Tab"].get("text") == "files", body

    def test_too_long(self, client_as, seed_app):
        response = client_as("viewer").get(page_url(seed_app.page) + "?url=" + "a" * 2001)
        assert_error(response, 400, "too_long", "url")


class TestWhoSeesIt:
    @pytest.mark.parametrize("role", ["admin", "developer", "viewer"])
    def test_members(self, client_as, seed_app, role):
        assert client_as(role).get(page_url(seed_app.page)).status_code == 200

    def test_outsiders_get_404(self, client_as, seed_app):
        assert_error(client_as("outsider").get(page_url(seed_app.page)), 404, "not_found")

    def test_a_viewer_of_another_workspace_gets_404(
        self, seed_app, make_user, token_client, members
    ):
        from workspaces.models import Membership, Role, Workspace

        other = Workspace.objects.create(name="Other")
        stranger = make_user("stranger")
        Membership.objects.create(workspace=other, user=stranger, role=Role.VIEWER)
        response = token_client(stranger).get(page_url(seed_app.page))
        assert_error(response, 404, "not_found")

    def test_anonymous_gets_401(self, api_client, seed_app):
        response = api_client.get(page_url(seed_app.page))
        assert_error(response, 401, "not_authenticated")

    def test_an_unpublished_application(self, client_as, page):
        assert_error(client_as("viewer").get(page_url(page)), 404, "not_published")

    def test_a_page_added_after_publishing(self, client_as, seed_app):
        later = Page.objects.create(
            application=seed_app.application, name="Later", slug="later", layout=layout()
        )
        assert_error(client_as("viewer").get(page_url(later)), 404, "not_published")

    @pytest.mark.parametrize("page_id", ["999999", "abc", "0"])
    def test_no_such_page(self, client_as, seed_app, page_id):
        assert_error(client_as("viewer").get(page_url(page_id)), 404, "not_found")

    def test_another_applications_page_id_is_its_own(self, client_as, workspace, seed_app):
        other = create_application(user=None, workspace=workspace, name="Other")
        assert_error(client_as("viewer").get(page_url(other.pages.get())), 404, "not_published")


class TestADraftPageDeletedAfterPublishing:
    """The portal serves the published version: a page deleted from the draft stays
    until the next publish leaves it out."""

    @pytest.fixture
    def second(self, page, members, client_as):
        second = Page.objects.create(
            application=page.application, name="Second", slug="second", order=1
        )
        text = widget("Greeting", "Text", {"text": "Hello {{Input1.text}}"})
        publish_page(second, members["developer"], layout(widget("Input1", "Input", {}), text))
        response = client_as("developer").delete(f"/api/v1/pages/{second.pk}/")
        assert response.status_code == 204, response.content
        assert not Page.objects.filter(pk=second.pk).exists()
        return second.pk

    def test_it_is_still_served_and_its_events_run(self, client_as, second, members):
        viewer = client_as("viewer")
        body = answer(viewer.get(page_url(second)))
        assert body["page"] == {"id": second, "name": "Second", "slug": "second"}
        assert body["widgets"]["Greeting"]["text"] == "Hello "
        changed = answer(fire(viewer, second, "Input1", "", {"text": "Ann"}))
        assert changed["widgets"]["Greeting"]["text"] == "Hello Ann"

    def test_roles_still_apply(self, token_client, make_user, second):
        stranger = make_user("stranger")
        assert_error(token_client(stranger).get(page_url(second)), 404, "not_found")

    def test_it_goes_with_the_next_publish(self, client_as, second, page, members):
        publish_application(application=page.application, user=members["developer"])
        assert_error(client_as("viewer").get(page_url(second)), 404, "not_published")
        assert answer(client_as("viewer").get(page_url(page)))["pages"] == [
            {"id": page.pk, "name": page.name, "slug": page.slug}
        ]

    def test_it_goes_with_its_application(self, client_as, second, page):
        page.application.delete()
        assert_error(client_as("viewer").get(page_url(second)), 404, "not_found")


def test_the_migration_records_pages_published_before_it(page, members):
    publish_application(application=page.application, user=members["developer"])
    PublishedPageRef.objects.all().delete()
    backfill = import_module("builder.migrations.0003_published_page_ref").backfill
    backfill(django_apps, None)
    backfill(django_apps, None)  # a second run adds nothing
    assert list(PublishedPageRef.objects.values_list("page_id", "application_id")) == [
        (page.pk, page.application_id)
    ]


def test_a_broken_published_layout_is_a_conflict(client_as, seed_app):
    version = PublishedVersion.objects.get(application=seed_app.application)
    version.snapshot["pages"][0]["layout"] = {"widgetName": "MainContainer"}
    version.save()
    assert_error(client_as("viewer").get(page_url(seed_app.page)), 409, "invalid_layout")


class TestSessionState:
    def test_picked_files_show_after_a_meta_only_event(self, client_as, seed_app):
        viewer = client_as("viewer")
        picked = pick(viewer, seed_app.page, b"hello")
        answer(fire(viewer, seed_app.page, "FilePicker1", "", {"files": [picked]}))
        widgets = answer(viewer.get(page_url(seed_app.page)))["widgets"]
        assert widgets["FilePicker1"]["files"] == [picked]
        assert widgets["FilePicker1"]["isValid"] is True

    def test_each_user_has_their_own(self, client_as, seed_app):
        viewer = client_as("viewer")
        picked = pick(viewer, seed_app.page, b"hello")
        answer(fire(viewer, seed_app.page, "FilePicker1", "", {"files": [picked]}))
        widgets = answer(client_as("developer").get(page_url(seed_app.page)))["widgets"]
        assert widgets["FilePicker1"]["files"] == []

    def test_reading_writes_nothing(self, client_as, seed_app):
        from builder.models import RuntimeSession

        answer(client_as("viewer").get(page_url(seed_app.page)))
        assert not RuntimeSession.objects.exists()
