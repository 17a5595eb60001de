"""POST runtime/pages/{id}/events/: every way a request can be wrong is a 4xx naming the field.

Nothing is written for a refused event; meta-only events (event "") answer
what changed without running anything.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from builder.models import RuntimeSession
from builder.services.applications import create_application
from tests.builder.helpers import assert_error, file_json, layout, store_bytes, widget
from tests.builder.portal.support import answer, events_url, fire, pick, publish_page
from workspaces.models import Membership, Role, Workspace

pytestmark = pytest.mark.django_db


def picked_entry(**changes):
    entry = {"id": "f_x", "name": "a.txt", "size": 5, "type": "text/plain", "data": "blob:f_x"}
    entry.update(changes)
    return entry


class TestTheBody:
    @pytest.mark.parametrize(
        ("body", "field", "code"),
        [
            ({"event": "onFilesSelected"}, "widget", "required"),
            ({"widget": 1, "event": "onFilesSelected"}, "widget", "invalid"),
            ({"widget": "W" * 121, "event": ""}, "widget", "max_length"),
            ({"widget": "FilePicker1"}, "event", "required"),
            ({"widget": "FilePicker1", "event": None}, "event", "null"),
            ({"widget": "FilePicker1", "event": ["onFilesSelected"]}, "event", "invalid"),
            ({"widget": "FilePicker1", "event": "", "meta": None}, "meta", "null"),
            ({"widget": "FilePicker1", "event": "", "metta": {}}, "metta", "unknown_field"),
        ],
    )
    def test_fields(self, client_as, seed_app, body, field, code):
        response = client_as("viewer").post(events_url(seed_app.page), body, format="json")
        assert_error(response, 400, code, field)

    def test_not_an_object(self, client_as, seed_app):
        response = client_as("viewer").post(events_url(seed_app.page), [1], format="json")
        assert_error(response, 400, "invalid")

    def test_not_json(self, client_as, seed_app):
        response = client_as("viewer").post(
            events_url(seed_app.page), "{nope", content_type="application/json"
        )
        assert_error(response, 400, "parse_error")

    def test_too_large(self, client_as, seed_app, settings):
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
        response = fire(client_as("viewer"), seed_app.page, "FilePicker1", "", {"x": "y" * 200})
        assert_error(response, 413, "payload_too_large")


class TestWidgetAndEvent:
    def test_unknown_widget(self, client_as, seed_app):
        response = fire(client_as("viewer"), seed_app.page, "FilePicker9", "onFilesSelected")
        assert_error(response, 400, "unknown_widget", "widget")

    def test_unknown_event(self, client_as, seed_app):
        response = fire(client_as("viewer"), seed_app.page, "FilePicker1", "onClick")
        body = assert_error(response, 400, "unknown_event", "event")
        assert "onFilesSelected" in body["message"]

    def test_an_event_of_a_widget_without_events(self, client_as, seed_app):
        response = fire(client_as("viewer"), seed_app.page, "Result", "onClick")
        assert_error(response, 400, "unknown_event", "event")

    def test_a_disabled_widget(self, client_as, page, members):
        props = {"text": "Go", "isDisabled": True, "onClick": "{{showAlert('no')}}"}
        publish_page(page, members["developer"], layout(widget("Go", "Button", props)))
        response = fire(client_as("viewer"), page, "Go", "onClick")
        assert_error(response, 400, "widget_disabled", "widget")

    def test_a_bound_disabled_widget(self, client_as, page, members):
        props = {"text": "Go", "isDisabled": "{{ 1 + 1 === 2 }}", "onClick": "{{showAlert('no')}}"}
        publish_page(page, members["developer"], layout(widget("Go", "Button", props)))
        response = fire(client_as("viewer"), page, "Go", "onClick")
        assert_error(response, 400, "widget_disabled", "widget")

    def test_a_hidden_widget(self, client_as, page, members):
        props = {"text": "Admin", "isVisible": "{{ appsmith.user.username === 'root' }}"}
        props["onClick"] = "{{showAlert('secret')}}"
        publish_page(page, members["developer"], layout(widget("Admin", "Button", props)))
        response = fire(client_as("viewer"), page, "Admin", "onClick")
        assert_error(response, 400, "widget_hidden", "widget")

    def test_a_widget_in_a_hidden_container(self, client_as, page, members):
        box = widget("Box", "Container", {"isVisible": False})
        box["position"]["h"] = 20
        box["children"] = [widget("Inner", "Input", {})]
        publish_page(page, members["developer"], layout(box))
        response = fire(client_as("viewer"), page, "Inner", "", {"text": "x"})
        assert_error(response, 400, "widget_hidden", "widget")


class TestMeta:
    @pytest.mark.parametrize(
        ("meta", "field", "code"),
        [
            ([], "meta", "invalid_type"),
            ("files", "meta", "invalid_type"),
            ({"text": "x"}, "meta.text", "unknown_meta_property"),
            ({"files": {}}, "meta.files", "invalid_type"),
            ({"files": [picked_entry(), picked_entry()]}, "meta.files", "too_many_files"),
            ({"files": ["a.txt"]}, "meta.files[0]", "invalid_type"),
            ({"files": [{"name": "a.txt"}]}, "meta.files[0].id", "missing_key"),
            ({"files": [picked_entry(extra=1)]}, "meta.files[0].extra", "unknown_key"),
            ({"files": [picked_entry(id="")]}, "meta.files[0].id", "invalid_type"),
            ({"files": [picked_entry(name=7)]}, "meta.files[0].name", "invalid_type"),
            ({"files": [picked_entry(size="5")]}, "meta.files[0].size", "invalid_type"),
            ({"files": [picked_entry(size=-1)]}, "meta.files[0].size", "invalid_type"),
            ({"files": [picked_entry(type=None)]}, "meta.files[0].type", "invalid_type"),
            ({"files": [picked_entry(data=1)]}, "meta.files[0].data", "invalid_type"),
            ({"files": [picked_entry(size=201 * 2**20)]}, "meta.files[0].size", "file_too_large"),
        ],
    )
    def test_invalid_meta(self, client_as, seed_app, meta, field, code):
        response = fire(client_as("viewer"), seed_app.page, "FilePicker1", "onFilesSelected", meta)
        assert_error(response, 400, code, field)
        assert not RuntimeSession.objects.exists()

    def test_a_file_type_the_picker_refuses(self, client_as, page, members):
        props = {"allowedFileTypes": [".pdf"], "onFilesSelected": "{{showAlert('x')}}"}
        publish_page(page, members["developer"], layout(widget("FilePicker1", "FilePicker", props)))
        meta = {"files": [picked_entry()]}
        response = fire(client_as("viewer"), page, "FilePicker1", "onFilesSelected", meta)
        assert_error(response, 400, "file_type_not_allowed", "meta.files[0].type")

    def test_typed_text_must_be_a_string(self, client_as, page, members):
        publish_page(page, members["developer"], layout(widget("Input1", "Input", {})))
        response = fire(client_as("viewer"), page, "Input1", "", {"text": 5})
        assert_error(response, 400, "invalid_type", "meta.text")


class TestPickedFilesMustBeTheUsers:
    def fire_with(self, client, seed_app, entry):
        return fire(client, seed_app.page, "FilePicker1", "onFilesSelected", {"files": [entry]})

    def test_another_users_file(self, client_as, seed_app, members):
        theirs = store_bytes(members["developer"], seed_app.application, b"hello")
        response = self.fire_with(client_as("viewer"), seed_app, file_json(theirs))
        assert_error(response, 400, "invalid_file_reference", "meta.files[0].data")

    def test_a_file_of_another_application(self, client_as, seed_app, members, workspace):
        other = create_application(user=None, workspace=workspace, name="Other")
        mine_elsewhere = store_bytes(members["viewer"], other, b"hello")
        response = self.fire_with(client_as("viewer"), seed_app, file_json(mine_elsewhere))
        assert_error(response, 400, "invalid_file_reference", "meta.files[0].data")

    def test_an_expired_file(self, client_as, seed_app, members):
        old = store_bytes(
            members["viewer"], seed_app.application, b"hello", expires_in=timedelta(seconds=-1)
        )
        response = self.fire_with(client_as("viewer"), seed_app, file_json(old))
        assert_error(response, 400, "invalid_file_reference", "meta.files[0].data")

    def test_an_unknown_reference(self, client_as, seed_app):
        response = self.fire_with(client_as("viewer"), seed_app, picked_entry())
        assert_error(response, 400, "invalid_file_reference", "meta.files[0].data")

    def test_no_reference_and_an_unknown_id(self, client_as, seed_app):
        response = self.fire_with(client_as("viewer"), seed_app, picked_entry(data="hello"))
        assert_error(response, 400, "invalid_file_reference", "meta.files[0].id")

    @pytest.mark.parametrize(
        ("key", "value"), [("id", "f_other"), ("name", "b.txt"), ("size", 1), ("type", "a/b")]
    )
    def test_an_entry_that_does_not_match_the_file(self, client_as, seed_app, key, value):
        entry = pick(client_as("viewer"), seed_app.page, b"hello")
        entry[key] = value
        response = self.fire_with(client_as("viewer"), seed_app, entry)
        assert_error(response, 400, "file_mismatch", f"meta.files[0].{key}")

    def test_content_instead_of_a_reference_in_binary_format(self, client_as, seed_app):
        entry = pick(client_as("viewer"), seed_app.page, b"hello")
        entry["data"] = "hello"
        response = self.fire_with(client_as("viewer"), seed_app, entry)
        assert_error(response, 400, "invalid_file_reference", "meta.files[0].data")

    def test_content_as_files_answered_it_in_text_format(self, client_as, page, members, media):
        publish_page(
            page,
            members["developer"],
            layout(widget("FilePicker1", "FilePicker", {"dataFormat": "Text"})),
        )
        viewer = client_as("viewer")
        entry = pick(viewer, page, b"hello")
        assert entry["data"] == "hello"
        body = answer(fire(viewer, page, "FilePicker1", "", {"files": [entry]}))
        assert body["widgets"]["FilePicker1"]["files"] == [entry]
        entry["data"] = "forged"
        response = fire(viewer, page, "FilePicker1", "", {"files": [entry]})
        assert_error(response, 400, "invalid_file_reference", "meta.files[0].data")


class TestWhoMaySend:
    def test_anonymous(self, api_client, seed_app):
        response = fire(api_client, seed_app.page, "FilePicker1", "onFilesSelected")
        assert_error(response, 401, "not_authenticated")

    def test_outsiders_get_404_before_their_body_is_read(self, client_as, seed_app):
        response = client_as("outsider").post(events_url(seed_app.page), {}, format="json")
        assert_error(response, 404, "not_found")

    def test_a_viewer_of_another_workspace(self, seed_app, make_user, token_client):
        other = Workspace.objects.create(name="Other")
        stranger = make_user("stranger")
        Membership.objects.create(workspace=other, user=stranger, role=Role.VIEWER)
        response = fire(token_client(stranger), seed_app.page, "FilePicker1", "", {"files": []})
        assert_error(response, 404, "not_found")

    def test_an_unpublished_page(self, client_as, page):
        assert_error(fire(client_as("viewer"), page, "MainContainer", ""), 404, "not_published")

    def test_csrf_applies_to_browser_sessions(self, seed_app, members):
        from django.test import Client

        browser = Client(enforce_csrf_checks=True)
        browser.force_login(members["viewer"])
        response = browser.post(
            events_url(seed_app.page),
            {"widget": "FilePicker1", "event": ""},
            content_type="application/json",
        )
        assert response.status_code == 403


class TestMetaOnlyEvents:
    def test_picking_answers_the_changed_properties(self, client_as, seed_app):
        viewer = client_as("viewer")
        entry = pick(viewer, seed_app.page, b"hello")
        body = answer(fire(viewer, seed_app.page, "FilePicker1", "", {"files": [entry]}))
        assert body == {
            "effects": [],
            "widgets": {"FilePicker1": {"files": [entry], "isValid": True}},
            "actions": {},
            "errors": {},
            "store": {},
            "jobs": [],
        }

    def test_nothing_to_change(self, client_as, seed_app):
        body = answer(fire(client_as("viewer"), seed_app.page, "Result", ""))
        assert (body["widgets"], body["effects"], body["errors"]) == ({}, [], {})
        assert not RuntimeSession.objects.exists()

    def test_typing_re_evaluates_what_reads_it_and_clears_errors(self, client_as, page, members):
        echo = widget("Echo", "Text", {"text": "{{ JSON.parse(Input1.text).a }}"})
        publish_page(page, members["developer"], layout(widget("Input1", "Input", {}), echo))
        viewer = client_as("viewer")
        first = answer(viewer.get(f"/api/v1/runtime/pages/{page.pk}/"))
        assert first["errors"]["Echo.text"][0]["name"] == "SyntaxError"

        body = answer(fire(viewer, page, "Input1", "", {"text": '{"a": "ok"}'}))
        assert body["widgets"]["Echo"] == {"text": "ok"}
        assert body["widgets"]["Input1"]["text"] == '{"a": "ok"}'
        assert body["errors"] == {"Echo.text": []}

        body = answer(fire(viewer, page, "Input1", "", {"text": "{"}))
        assert body["widgets"]["Echo"] == {"text": None}
        assert body["errors"]["Echo.text"][0]["name"] == "SyntaxError"
