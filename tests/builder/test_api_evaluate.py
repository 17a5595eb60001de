"""POST /api/v1/pages/{id}/evaluate/: every evaluated property and error, for the property pane."""

from __future__ import annotations

import json

import pytest

from builder import layouts
from builder.layouts import default_layout
from builder.models import Action
from tests.builder.helpers import assert_error, layout, widget
from widgets import MAX_LAYOUT_BYTES, MAX_WIDGETS

pytestmark = pytest.mark.django_db

ACTION = "UploadFileToDropbox"
A_FILE = {"id": "f_1", "name": "a.txt", "size": 3, "type": "text/plain", "data": "blob:f_1"}


@pytest.fixture
def dropbox_page(page, dropbox_portal):
    page.layout = dropbox_portal["page"]["layout"]
    page.save()
    Action.objects.create(page=page, name=ACTION, config=dropbox_portal["actions"][0]["config"])
    return page


def url(page) -> str:
    return f"/api/v1/pages/{page.pk}/evaluate/"


class TestValues:
    def test_the_default_state(self, client_as, dropbox_page):
        response = client_as("developer").post(url(dropbox_page), {}, format="json")
        assert response.status_code == 200
        body = response.json()
        assert set(body) == {"values", "errors"}
        assert body["errors"] == {}
        assert body["values"]["Result"]["text"] == "Nothing uploaded yet"
        assert body["values"]["FilePicker1"]["isValid"] is False
        assert body["values"]["FilePicker1"]["type"] == "FilePicker"
        assert "onFilesSelected" not in body["values"]["FilePicker1"]

    def test_a_given_state(self, client_as, dropbox_page):
        state = {
            "widgets": {"FilePicker1": {"files": [A_FILE]}},
            "actions": {
                ACTION: {
                    "data": {"path_display": "/a.txt"},
                    "responseMeta": {"statusCode": 200, "headers": {}, "isExecutionSuccess": True},
                }
            },
            "store": {"k": 1},
        }
        response = client_as("admin").post(url(dropbox_page), {"state": state}, format="json")
        assert response.status_code == 200
        values = response.json()["values"]
        assert values["Result"]["text"] == "Stored as /a.txt"
        assert values["FilePicker1"]["isValid"] is True
        assert values["FilePicker1"]["files"] == [A_FILE]

    def test_appsmith_in_edit_mode(self, client_as, page, members):
        page.layout = layout(
            widget(
                "T",
                "Text",
                {
                    "text": "{{appsmith.mode}} {{appsmith.user.username}} "
                    "{{appsmith.URL.queryParams.tab}} {{appsmith.store.n}}"
                },
            )
        )
        page.save()
        body = {"url": "https://brace.example.com/edit?tab=2", "state": {"store": {"n": 5}}}
        response = client_as("developer").post(url(page), body, format="json")
        assert response.status_code == 200
        assert response.json()["values"]["T"]["text"] == "EDIT dave_developer 2 5"

    def test_every_error_by_property(self, client_as, page):
        page.layout = layout(
            widget("T", "Text", {"text": "Hi {{ nope.name }}"}),
            widget("F", "FilePicker", {"maxFileSize": "{{ 'big' }}"}),
            widget("S", "Text", {"text": "{{ ( }}"}),
        )
        page.save()
        response = client_as("developer").post(url(page), {}, format="json")
        assert response.status_code == 200
        values, errors = response.json()["values"], response.json()["errors"]
        assert set(errors) == {"T.text", "F.maxFileSize", "S.text"}
        (reference,) = errors["T.text"]
        assert reference["name"] == "ReferenceError"
        assert reference["binding"] == "Hi {{ nope.name }}"
        assert "nope" in reference["message"]
        assert "text" not in values["T"]
        assert errors["F.maxFileSize"][0]["name"] == "ValidationError"
        assert values["F"]["maxFileSize"] == 5  # the default, not "big"
        (syntax,) = errors["S.text"]
        assert syntax["name"] == "SyntaxError" and "line" in syntax and "column" in syntax

    def test_error_positions_count_from_the_binding_as_typed(self, client_as, page):
        page.layout = layout(
            widget("One", "Text", {"text": "{{FilePicker1.files.length + ' files')}}"}),
            widget("Many", "Text", {"text": "Total: {{\n  1 +\n  nope.size\n}}"}),
            widget("Lines", "Text", {"text": "{{\n  FilePicker1.files\n    .length )\n}}"}),
            widget("FilePicker1", "FilePicker", {}),
        )
        page.save()
        response = client_as("developer").post(url(page), {}, format="json")
        assert response.status_code == 200
        errors = response.json()["errors"]
        (lines,) = errors["Lines.text"]
        assert (lines["line"], lines["column"]) == (3, 13)
        (syntax,) = errors["One.text"]
        assert (syntax["message"], syntax["line"], syntax["column"]) == (
            "Unexpected token ')'",
            1,
            36,
        )
        (runtime,) = errors["Many.text"]
        assert runtime["name"] == "ReferenceError"
        assert "line" not in runtime and "column" not in runtime


class TestDraftLayout:
    """`layout`: the editor's unsaved draft, evaluated with the page's actions, never saved."""

    def test_the_draft_is_evaluated_and_the_saved_layout_is_left_alone(
        self, client_as, dropbox_page
    ):
        saved = dropbox_page.layout
        draft = layout(
            widget("Title", "Text", {"text": "{{ Title2.text + '!' }}"}),
            widget("Title2", "Text", {"text": "Hi {{ appsmith.mode }}"}),
        )
        response = client_as("developer").post(url(dropbox_page), {"layout": draft}, format="json")
        assert response.status_code == 200, response.json()
        body = response.json()
        assert body["errors"] == {}
        assert body["values"]["Title"]["text"] == "Hi EDIT!"
        assert "Result" not in body["values"]
        dropbox_page.refresh_from_db()
        assert dropbox_page.layout == saved

    def test_the_draft_reads_the_page_actions_and_the_state_meets_the_draft(
        self, client_as, dropbox_page
    ):
        draft = layout(
            widget("Picker", "FilePicker"),
            widget(
                "Shown", "Text", {"text": "{{ Picker.files.length }} {{ " + ACTION + ".data.n }}"}
            ),
        )
        state = {
            "widgets": {"Picker": {"files": [A_FILE]}},
            "actions": {ACTION: {"data": {"n": 7}}},
        }
        response = client_as("developer").post(
            url(dropbox_page), {"layout": draft, "state": state}, format="json"
        )
        assert response.status_code == 200, response.json()
        assert response.json()["values"]["Shown"]["text"] == "1 7"

    def test_a_binding_fault_in_the_draft_is_an_error_entry(self, client_as, page):
        draft = layout(
            widget("A", "Text", {"text": "{{ B.text }}"}),
            widget("B", "Text", {"text": "{{ A.text }}"}),
            widget("S", "Text", {"text": "{{ ( }}"}),
        )
        response = client_as("developer").post(url(page), {"layout": draft}, format="json")
        assert response.status_code == 200
        errors = response.json()["errors"]
        assert [e["code"] for e in errors["A.text"]] == ["cycle"]
        assert [e["name"] for e in errors["S.text"]] == ["SyntaxError"]

    def test_faults_name_the_first_path_and_list_them_all_as_a_save_does(
        self, client_as, dropbox_page, dropbox_portal
    ):
        draft = dropbox_portal["page"]["layout"]
        draft["children"][1]["props"]["maxNumFiles"] = "many"
        draft["children"][2]["position"]["w"] = 99
        body = {"layout": draft}
        evaluated = client_as("developer").post(url(dropbox_page), body, format="json")
        saved = client_as("developer").patch(
            f"/api/v1/pages/{dropbox_page.pk}/", body, format="json"
        )
        error = assert_error(
            evaluated, 400, "invalid_layout", "layout.children[1].props.maxNumFiles"
        )
        assert [e["field"] for e in error["errors"]] == [
            "layout.children[1].props.maxNumFiles",
            "layout.children[2].position.w",
        ]
        assert error == saved.json()

    @pytest.mark.parametrize(
        ("draft", "code", "field"),
        [
            ("not a tree", "invalid_layout", "layout"),
            (None, "null", "layout"),
            ({"widgetName": "MainContainer"}, "invalid_layout", "layout.type"),
            (
                layout(widget("T", "Text", {"text": 5})),
                "invalid_layout",
                "layout.children[0].props.text",
            ),
            (
                layout(widget("T", "Text"), widget("T", "Button")),
                "invalid_layout",
                "layout.children[1].widgetName",
            ),
            (
                layout(widget("appsmith", "Text")),
                "invalid_layout",
                "layout.children[0].widgetName",
            ),
            (layout(widget(ACTION, "Text")), "duplicate_name", "layout.children[0].widgetName"),
        ],
    )
    def test_a_draft_a_save_would_refuse_is_a_400_naming_the_field(
        self, client_as, dropbox_page, draft, code, field
    ):
        response = client_as("developer").post(url(dropbox_page), {"layout": draft}, format="json")
        assert_error(response, 400, code, field)

    def test_a_draft_over_the_size_limit_answers_413(self, client_as, page):
        draft = layout(widget("Big", "Text", {"text": "x" * (MAX_LAYOUT_BYTES + 1)}))
        response = client_as("developer").post(url(page), {"layout": draft}, format="json")
        assert_error(response, 413, "layout_too_large", "layout")

    def test_a_draft_in_a_body_far_under_the_limit_is_not_weighed(
        self, client_as, page, monkeypatch
    ):
        # A UTF-8 body of n bytes holds a layout of at most 4.5 n bytes of JSON.
        def weighed(layout):
            raise AssertionError("the draft was encoded to weigh it")

        monkeypatch.setattr(layouts, "layout_size", weighed)
        draft = layout(widget("T", "Text", {"text": "{{ 1e15 }} é"}))
        response = client_as("developer").post(url(page), {"layout": draft}, format="json")
        assert response.status_code == 200
        assert response.json()["values"]["T"]["text"] == "1000000000000000 é"

    def test_a_draft_in_a_body_of_another_encoding_is_weighed(self, client_as, page, monkeypatch):
        weighed = []
        size = layouts.layout_size
        monkeypatch.setattr(
            layouts, "layout_size", lambda layout: weighed.append(1) or size(layout)
        )
        draft = layout(widget("T", "Text", {"text": "é"}))
        body = json.dumps({"layout": draft}).encode("utf-16")
        content_type = "application/json; charset=utf-16"
        response = client_as("developer").post(url(page), body, content_type=content_type)
        assert response.status_code == 200
        assert response.json()["values"]["T"]["text"] == "é"
        assert weighed == [1]

    def test_a_draft_with_too_many_widgets_answers_413(self, client_as, page):
        children = [
            {**widget(f"T{i}", "Text"), "position": {"x": 0, "y": i, "w": 10, "h": 1}}
            for i in range(MAX_WIDGETS)
        ]
        draft = {**default_layout(), "children": children}
        response = client_as("developer").post(url(page), {"layout": draft}, format="json")
        assert_error(response, 413, "too_many_widgets", "layout")

    def test_a_body_over_the_upload_limit_answers_413(self, client_as, page, settings):
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
        draft = layout(widget("T", "Text", {"text": "x" * 200}))
        response = client_as("developer").post(url(page), {"layout": draft}, format="json")
        assert_error(response, 413, "payload_too_large")

    def test_state_for_a_widget_only_the_saved_layout_has_is_refused(self, client_as, dropbox_page):
        body = {
            "layout": layout(widget("T", "Text")),
            "state": {"widgets": {"FilePicker1": {"files": []}}},
        }
        response = client_as("developer").post(url(dropbox_page), body, format="json")
        assert_error(response, 400, "unknown_widget", "state.widgets.FilePicker1")

    def test_a_valid_draft_evaluates_even_when_the_saved_layout_is_broken(self, client_as, page):
        type(page).objects.filter(pk=page.pk).update(layout={"widgetName": "MainContainer"})
        draft = layout(widget("T", "Text", {"text": "{{ 'a' + 1 }}"}))
        response = client_as("developer").post(url(page), {"layout": draft}, format="json")
        assert response.status_code == 200
        assert response.json()["values"]["T"]["text"] == "a1"

    def test_viewers_may_not_evaluate_a_draft(self, client_as, page):
        draft = layout(widget("T", "Text"))
        response = client_as("viewer").post(url(page), {"layout": draft}, format="json")
        assert_error(response, 403, "permission_denied")


class TestAccess:
    @pytest.mark.parametrize(
        ("role", "status", "code"),
        [
            ("viewer", 403, "permission_denied"),
            ("outsider", 404, "not_found"),
            ("anonymous", 401, "not_authenticated"),
        ],
    )
    def test_developers_and_admins_only(self, client_as, dropbox_page, role, status, code):
        response = client_as(role).post(url(dropbox_page), {}, format="json")
        assert_error(response, status, code)

    def test_an_unknown_page(self, client_as, workspace):
        assert_error(
            client_as("developer").post("/api/v1/pages/999999/evaluate/", {}, format="json"),
            404,
            "not_found",
        )
        assert_error(
            client_as("developer").post("/api/v1/pages/abc/evaluate/", {}, format="json"),
            404,
            "not_found",
        )

    def test_get_is_not_allowed(self, client_as, dropbox_page):
        response = client_as("developer").get(url(dropbox_page))
        assert_error(response, 405, "method_not_allowed")


class TestStrictBody:
    @pytest.mark.parametrize(
        ("body", "code", "field"),
        [
            ({"stat": {}}, "unknown_field", "stat"),
            ({"state": {"widget": {}}}, "unknown_field", "state.widget"),
            ({"state": []}, "invalid", "state"),
            ({"state": {"widgets": []}}, "not_a_dict", "state.widgets"),
            ({"state": {"widgets": {"FilePicker1": 3}}}, "not_a_dict", "state.widgets.FilePicker1"),
            (
                {"state": {"actions": {ACTION: {"response_meta": {}}}}},
                "unknown_field",
                f"state.actions.{ACTION}.response_meta",
            ),
            ({"state": {"store": "x"}}, "not_a_dict", "state.store"),
            ({"url": 5}, "invalid", "url"),
            ({"state": {"widgets": {"Nope": {}}}}, "unknown_widget", "state.widgets.Nope"),
            ({"state": {"actions": {"Nope": {}}}}, "unknown_action", "state.actions.Nope"),
            (
                {"state": {"widgets": {"FilePicker1": {"files": [A_FILE, A_FILE]}}}},
                "too_many_files",
                "state.widgets.FilePicker1.files",
            ),
            (
                {"state": {"widgets": {"FilePicker1": {"files": [{"name": "a"}]}}}},
                "missing_key",
                "state.widgets.FilePicker1.files[0].id",
            ),
        ],
    )
    def test_faults_name_the_field(self, client_as, dropbox_page, body, code, field):
        response = client_as("developer").post(url(dropbox_page), body, format="json")
        assert response.status_code == 400, response.json()
        error = response.json()
        assert (error["code"], error["field"]) == (code, field)

    def test_a_broken_saved_layout_is_a_conflict(self, client_as, page):
        type(page).objects.filter(pk=page.pk).update(layout={"widgetName": "MainContainer"})
        response = client_as("developer").post(url(page), {}, format="json")
        assert_error(response, 409, "invalid_layout")
