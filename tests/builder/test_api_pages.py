"""Pages and their layouts through the editor API."""

from __future__ import annotations

import pytest

from builder.layouts import default_layout
from builder.models import Action, Page
from tests.builder.helpers import assert_error
from widgets import MAX_LAYOUT_BYTES, MAX_WIDGETS

URL = "/api/v1/pages/"


def text_widget(name: str, y: int = 0, text: str = "hi") -> dict:
    return {
        "widgetName": name,
        "type": "Text",
        "props": {"text": text},
        "position": {"x": 0, "y": y, "w": 10, "h": 2},
        "children": [],
    }


def layout_with(*children: dict) -> dict:
    return {**default_layout(), "children": list(children)}


@pytest.mark.django_db
class TestReadingAndCreating:
    def test_the_list_leaves_layouts_out_and_filters_by_application(
        self, client_as, page, application
    ):
        response = client_as("developer").get(URL, {"application": application.pk})
        assert response.status_code == 200
        assert response.json() == [
            {
                "id": page.pk,
                "application": application.pk,
                "name": "Page1",
                "slug": "page1",
                "order": 0,
                "updated_at": response.json()[0]["updated_at"],
            }
        ]

    def test_a_bad_application_filter_names_the_parameter(self, client_as):
        assert_error(
            client_as("viewer").get(URL, {"application": "-1"}), 400, "invalid", "application"
        )

    def test_a_page_reads_with_its_layout(self, client_as, page):
        body = client_as("developer").get(f"{URL}{page.pk}/").json()
        assert body["layout"] == default_layout()
        assert body["name"] == "Page1"

    def test_a_new_page_goes_last_with_an_empty_layout(self, client_as, application):
        response = client_as("developer").post(
            URL, {"application": application.pk, "name": "Orders"}, format="json"
        )
        assert response.status_code == 201
        body = response.json()
        assert (body["name"], body["slug"], body["order"]) == ("Orders", "orders", 1)
        assert body["layout"] == default_layout()

    def test_a_new_page_may_come_with_a_layout(self, client_as, application, dropbox_portal):
        layout = dropbox_portal["page"]["layout"]
        response = client_as("developer").post(
            URL, {"application": application.pk, "name": "Upload", "layout": layout}, format="json"
        )
        assert response.status_code == 201
        assert Page.objects.get(pk=response.json()["id"]).layout == layout

    def test_a_new_page_with_a_bad_layout_is_not_created(self, client_as, application):
        response = client_as("developer").post(
            URL, {"application": application.pk, "name": "Bad", "layout": []}, format="json"
        )
        assert_error(response, 400, "invalid_layout", "layout")
        assert application.pages.count() == 1

    @pytest.mark.parametrize(
        ("body", "code", "field"),
        [
            ({"name": "X"}, "required", "application"),
            ({"application": 999999, "name": "X"}, "does_not_exist", "application"),
            ({"application": "{app}"}, "required", "name"),
            ({"application": "{app}", "name": "Page1"}, "duplicate_name", "name"),
            ({"application": "{app}", "name": "X", "order": 3}, "unknown_field", "order"),
        ],
    )
    def test_bad_bodies_name_the_field(self, client_as, application, body, code, field):
        body = {k: application.pk if v == "{app}" else v for k, v in body.items()}
        assert_error(client_as("developer").post(URL, body, format="json"), 400, code, field)
        assert application.pages.count() == 1


@pytest.mark.django_db
class TestSaving:
    def test_saving_the_dropbox_layout_and_a_new_name(self, client_as, page, dropbox_portal):
        layout = dropbox_portal["page"]["layout"]
        response = client_as("developer").patch(
            f"{URL}{page.pk}/", {"name": "Upload", "layout": layout}, format="json"
        )
        assert response.status_code == 200
        assert response.json()["layout"] == layout
        page.refresh_from_db()
        assert (page.name, page.slug, page.layout) == ("Upload", "upload", layout)

    def test_layout_faults_name_the_first_path_and_list_them_all(
        self, client_as, page, dropbox_portal
    ):
        layout = dropbox_portal["page"]["layout"]
        layout["children"][1]["props"]["maxNumFiles"] = "many"
        layout["children"][2]["position"]["w"] = 99
        response = client_as("developer").patch(
            f"{URL}{page.pk}/", {"layout": layout}, format="json"
        )
        body = assert_error(response, 400, "invalid_layout", "layout.children[1].props.maxNumFiles")
        assert [error["field"] for error in body["errors"]] == [
            "layout.children[1].props.maxNumFiles",
            "layout.children[2].position.w",
        ]
        assert all(set(error) == {"code", "message", "field"} for error in body["errors"])
        page.refresh_from_db()
        assert page.layout == default_layout()

    def test_a_bad_layout_keeps_the_old_name_too(self, client_as, page):
        response = client_as("developer").patch(
            f"{URL}{page.pk}/",
            {"name": "New", "layout": {"widgetName": "MainContainer"}},
            format="json",
        )
        assert_error(response, 400, "invalid_layout", "layout.type")
        page.refresh_from_db()
        assert page.name == "Page1"

    def test_a_layout_over_the_size_limit_answers_413(self, client_as, page):
        layout = layout_with(text_widget("Big", text="x" * (MAX_LAYOUT_BYTES + 1)))
        response = client_as("developer").patch(
            f"{URL}{page.pk}/", {"layout": layout}, format="json"
        )
        assert_error(response, 413, "layout_too_large", "layout")
        page.refresh_from_db()
        assert page.layout == default_layout()

    def test_a_layout_with_too_many_widgets_answers_413(self, client_as, page):
        layout = layout_with(*(text_widget(f"T{i}", y=i) for i in range(MAX_WIDGETS)))
        response = client_as("developer").patch(
            f"{URL}{page.pk}/", {"layout": layout}, format="json"
        )
        assert_error(response, 413, "too_many_widgets", "layout")

    def test_a_widget_may_not_take_an_action_name(self, client_as, page):
        Action.objects.create(page=page, name="Fetch", config={})
        layout = layout_with(text_widget("Title"), text_widget("Fetch", y=3))
        response = client_as("developer").patch(
            f"{URL}{page.pk}/", {"layout": layout}, format="json"
        )
        assert_error(response, 400, "duplicate_name", "layout.children[1].widgetName")

    @pytest.mark.parametrize(
        ("name", "code"),
        [
            ("__proto__", "reserved_prefix"),
            ("constructor", "reserved_property"),
            ("hasOwnProperty", "reserved_property"),
            ("toString", "reserved_property"),
            ("Promise", "reserved_global"),
            ("appsmith", "reserved_global"),
        ],
    )
    def test_a_widget_may_not_take_a_name_javascript_gives_meaning(
        self, client_as, page, name, code
    ):
        layout = layout_with(text_widget("Title"), text_widget(name, y=3))
        response = client_as("developer").patch(
            f"{URL}{page.pk}/", {"layout": layout}, format="json"
        )
        body = assert_error(response, 400, "invalid_layout", "layout.children[1].widgetName")
        assert [error["code"] for error in body["errors"]] == [code]
        page.refresh_from_db()
        assert page.layout == default_layout()

    def test_an_action_on_another_page_does_not_collide(self, client_as, application, page):
        other = Page.objects.create(application=application, name="Other", slug="other", order=1)
        Action.objects.create(page=other, name="Fetch", config={})
        layout = layout_with(text_widget("Fetch"))
        response = client_as("developer").patch(
            f"{URL}{page.pk}/", {"layout": layout}, format="json"
        )
        assert response.status_code == 200
        assert response.json()["layout"]["children"][0]["widgetName"] == "Fetch"

    @pytest.mark.parametrize(
        ("body", "code", "field"),
        [
            ({"name": ""}, "blank", "name"),
            ({"name": None}, "null", "name"),
            ({"name": "P", "layuot": {}}, "unknown_field", "layuot"),
            ({"application": 2}, "unknown_field", "application"),
            ({"layout": "not a tree"}, "invalid_layout", "layout"),
        ],
    )
    def test_bad_saves_name_the_field(self, client_as, page, body, code, field):
        response = client_as("developer").patch(f"{URL}{page.pk}/", body, format="json")
        assert_error(response, 400, code, field)

    def test_renaming_to_a_sibling_name_is_refused(self, client_as, application, page):
        Page.objects.create(application=application, name="Other", slug="other", order=1)
        response = client_as("developer").patch(
            f"{URL}{page.pk}/", {"name": "Other"}, format="json"
        )
        assert_error(response, 400, "duplicate_name", "name")

    def test_an_empty_patch_changes_nothing(self, client_as, page):
        response = client_as("developer").patch(f"{URL}{page.pk}/", {}, format="json")
        assert response.status_code == 200
        assert response.json()["name"] == "Page1"
        assert response.json()["version"] == 1


@pytest.mark.django_db
class TestVersions:
    def test_a_page_starts_at_version_1_and_each_save_adds_1(self, client_as, page):
        client = client_as("developer")
        assert client.get(f"{URL}{page.pk}/").json()["version"] == 1

        saved = client.patch(
            f"{URL}{page.pk}/", {"layout": layout_with(text_widget("Text1"))}, format="json"
        )
        renamed = client.patch(f"{URL}{page.pk}/", {"name": "Home", "version": 2}, format="json")

        assert (saved.json()["version"], renamed.json()["version"]) == (2, 3)
        assert client.get(f"{URL}{page.pk}/").json()["version"] == 3

    def test_a_save_from_an_older_version_is_refused_and_writes_nothing(self, client_as, page):
        client = client_as("developer")
        mine = layout_with(text_widget("Mine"))
        client.patch(f"{URL}{page.pk}/", {"layout": mine}, format="json")

        response = client.patch(
            f"{URL}{page.pk}/",
            {"name": "Theirs", "layout": layout_with(text_widget("Theirs")), "version": 1},
            format="json",
        )

        body = assert_error(response, 409, "version_conflict", "version")
        assert "reload" in body["message"] and "version 2" in body["message"]
        page.refresh_from_db()
        assert (page.name, page.version) == ("Page1", 2)
        assert page.layout["children"][0]["widgetName"] == "Mine"

    def test_a_bad_layout_does_not_count_as_a_version(self, client_as, page):
        layout = layout_with(text_widget("Text1", text=3))
        response = client_as("developer").patch(
            f"{URL}{page.pk}/", {"layout": layout, "version": 1}, format="json"
        )
        assert response.status_code == 400
        page.refresh_from_db()
        assert page.version == 1

    @pytest.mark.parametrize("version", [0, "2", None, 1.5])
    def test_a_version_must_be_a_positive_integer(self, client_as, page, version):
        response = client_as("developer").patch(
            f"{URL}{page.pk}/", {"name": "X", "version": version}, format="json"
        )
        assert_error(response, 400, response.json()["code"], "version")


@pytest.mark.django_db
class TestDeleting:
    def test_a_page_without_actions_is_deleted(self, client_as, application):
        extra = Page.objects.create(application=application, name="Extra", slug="extra", order=1)
        assert client_as("developer").delete(f"{URL}{extra.pk}/").status_code == 204
        assert list(application.pages.values_list("name", flat=True)) == ["Page1"]

    def test_the_last_page_is_kept(self, client_as, page):
        assert_error(client_as("developer").delete(f"{URL}{page.pk}/"), 409, "last_page", "page")
        assert Page.objects.filter(pk=page.pk).exists()

    def test_a_page_goes_with_its_actions_and_no_other_page(self, client_as, application, page):
        extra = Page.objects.create(application=application, name="Extra", slug="extra", order=1)
        Action.objects.create(page=page, name="Fetch", config={})
        kept = Action.objects.create(page=extra, name="Fetch", config={})

        assert client_as("developer").delete(f"{URL}{page.pk}/").status_code == 204

        assert not Page.objects.filter(pk=page.pk).exists()
        assert list(Action.objects.all()) == [kept]

    def test_the_last_page_keeps_its_actions(self, client_as, page):
        Action.objects.create(page=page, name="Fetch", config={})
        assert_error(client_as("developer").delete(f"{URL}{page.pk}/"), 409, "last_page", "page")
        assert Action.objects.filter(page=page).exists()
