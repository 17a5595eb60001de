"""Events that run handlers: the seed upload end to end, effects, the store, errors, concurrency.

The seed app (builder/examples/dropbox_portal.json) is published with its
datasource switched to a bearer token for a Dropbox-shaped API on loopback
(`dropbox_api`); the viewer picks a file through runtime/files/ and fires
`onFilesSelected` as the portal does.
"""

from __future__ import annotations

import os
from urllib.parse import quote

import pytest

from builder.execution import query_host
from builder.models import RuntimeSession, UserStore
from datasources.models import AuthType, Datasource
from tests.builder.helpers import assert_error, layout, widget
from tests.builder.portal.support import (
    answer,
    events_url,
    fire,
    page_url,
    pick,
    publish_page,
)
from tests.fakes.dropbox import TOKEN

pytestmark = pytest.mark.django_db


def upload(client, seed_app, content, name="notes.txt", content_type="text/plain"):
    entry = pick(client, seed_app.page, content, name=name, content_type=content_type)
    response = fire(client, seed_app.page, "FilePicker1", "onFilesSelected", {"files": [entry]})
    return entry, response


class TestTheSeedUpload:
    def test_the_picked_file_reaches_dropbox(self, client_as, seed_app, dropbox_api):
        content = os.urandom(50_000)
        entry, response = upload(client_as("viewer"), seed_app, content, name="report 1.pdf")
        body = answer(response)
        (sent,) = dropbox_api.uploads
        assert sent.path == "/report 1.pdf"
        assert sent.arg == {
            "path": "/report 1.pdf",
            "mode": "add",
            "autorename": True,
            "mute": False,
            "strict_conflict": False,
        }
        assert sent.body == content
        assert sent.headers["content-type"] == "application/octet-stream"
        assert sent.headers["authorization"] == f"Bearer {TOKEN}"

        assert body["effects"] == [
            {"type": "showAlert", "message": "Uploaded report 1.pdf", "style": "success"}
        ]
        assert body["widgets"] == {
            "FilePicker1": {"files": [entry], "isValid": True},
            "Result": {"text": "Stored as /report 1.pdf"},
        }
        state = body["actions"]["UploadFileToDropbox"]
        assert state["data"]["path_display"] == "/report 1.pdf"
        assert state["data"]["size"] == len(content)
        assert state["isLoading"] is False
        assert state["responseMeta"]["statusCode"] == 200
        assert state["responseMeta"]["isExecutionSuccess"] is True
        assert (body["errors"], body["store"], body["jobs"]) == ({}, {}, [])
        assert "error" not in body

    def test_the_session_keeps_the_result(self, client_as, seed_app, dropbox_api):
        viewer = client_as("viewer")
        upload(viewer, seed_app, b"hello")
        page = answer(viewer.get(page_url(seed_app.page)))
        assert page["widgets"]["Result"]["text"] == "Stored as /notes.txt"
        assert page["actions"]["UploadFileToDropbox"]["data"]["name"] == "notes.txt"
        assert page["widgets"]["FilePicker1"]["files"][0]["name"] == "notes.txt"
        # Another user's page is untouched.
        other = answer(client_as("developer").get(page_url(seed_app.page)))
        assert other["widgets"]["Result"]["text"] == "Nothing uploaded yet"

    def test_a_second_upload_of_other_bytes_is_renamed(self, client_as, seed_app, dropbox_api):
        viewer = client_as("viewer")
        upload(viewer, seed_app, b"one")
        _, response = upload(viewer, seed_app, b"two")
        body = answer(response)
        assert body["widgets"]["Result"] == {"text": "Stored as /notes (1).txt"}
        assert body["actions"]["UploadFileToDropbox"]["data"]["path_display"] == "/notes (1).txt"

    def test_a_failing_upload_runs_the_catch(self, client_as, seed_app, dropbox_api):
        dropbox_api.fail_with = 409
        _, response = upload(client_as("viewer"), seed_app, b"hello")
        body = answer(response)
        assert body["effects"] == [
            {
                "type": "showAlert",
                "message": "UploadFileToDropbox failed: the upstream answered 409 Conflict",
                "style": "error",
            }
        ]
        state = body["actions"]["UploadFileToDropbox"]
        assert state["responseMeta"]["statusCode"] == 409
        assert state["responseMeta"]["isExecutionSuccess"] is False
        assert state["data"] == {"error_summary": "path/conflict/file/.."}
        # The seed's Result binding only asks whether there is data.
        assert body["widgets"]["Result"] == {"text": "Stored as undefined"}
        assert "error" not in body  # the handler caught it

    def test_a_token_the_api_refuses(self, client_as, seed_app, dropbox_api):
        Datasource.objects.filter(pk=seed_app.datasource.pk).update(bearer_token="")
        Datasource.objects.filter(pk=seed_app.datasource.pk).update(auth_type=AuthType.NONE)
        _, response = upload(client_as("viewer"), seed_app, b"hello")
        (effect,) = answer(response)["effects"]
        assert effect["style"] == "error"
        assert effect["message"].endswith("401 Unauthorized")

    def test_an_upstream_that_is_down(self, client_as, seed_app, dropbox_api):
        Datasource.objects.filter(pk=seed_app.datasource.pk).update(url="http://127.0.0.1:9/")
        _, response = upload(client_as("viewer"), seed_app, b"hello")
        (effect,) = answer(response)["effects"]
        assert effect["style"] == "error"
        assert effect["message"].startswith("UploadFileToDropbox failed: ")


def button(name, on_click, **props):
    return widget(name, "Button", {"text": name, "onClick": on_click, **props})


class TestEffectsAndErrors:
    def test_a_handler_that_throws_is_a_200_with_the_effects_so_far(self, client_as, page, members):
        code = "{{ showAlert('before', 'info'); nope(); showAlert('after') }}"
        publish_page(page, members["developer"], layout(button("Go", code)))
        body = answer(fire(client_as("viewer"), page, "Go", "onClick"))
        assert body["effects"] == [{"type": "showAlert", "message": "before", "style": "info"}]
        assert body["error"]["code"] == "handler_error"
        assert body["error"]["name"] == "ReferenceError"
        assert "nope" in body["error"]["message"]

    def test_a_handler_with_a_syntax_error(self, client_as, page, members):
        publish_page(page, members["developer"], layout(button("Go", "{{ showAlert( }}")))
        body = answer(fire(client_as("viewer"), page, "Go", "onClick"))
        assert body["effects"] == []
        assert body["error"]["name"] == "SyntaxError"

    def test_an_event_without_a_handler(self, client_as, page, members):
        publish_page(page, members["developer"], layout(widget("Go", "Button", {"text": "Go"})))
        body = answer(fire(client_as("viewer"), page, "Go", "onClick"))
        assert body == {
            "effects": [],
            "widgets": {},
            "actions": {},
            "errors": {},
            "store": {},
            "jobs": [],
        }

    def test_effects_come_in_order_and_the_handler_sees_the_user(self, client_as, page, members):
        code = (
            "{{ showAlert('Hi ' + appsmith.user.username); copyToClipboard('x');"
            " navigateTo('Page2', {a: 1}, 'NEW_WINDOW') }}"
        )
        publish_page(page, members["developer"], layout(button("Go", code)))
        effects = answer(fire(client_as("viewer"), page, "Go", "onClick"))["effects"]
        assert [effect["type"] for effect in effects] == [
            "showAlert",
            "copyToClipboard",
            "navigateTo",
        ]
        assert effects[0]["message"] == "Hi vera_viewer"
        assert effects[2]["params"] == {"a": 1} and effects[2]["target"] == "NEW_WINDOW"

    def test_reset_widget_forgets_meta_values(self, client_as, page, members):
        publish_page(
            page,
            members["developer"],
            layout(
                widget("Input1", "Input", {"defaultText": "start"}),
                button("Reset", "{{ resetWidget('Input1') }}"),
            ),
        )
        viewer = client_as("viewer")
        answer(fire(viewer, page, "Input1", "", {"text": "typed"}))
        body = answer(fire(viewer, page, "Reset", "onClick"))
        assert body["effects"] == [
            {"type": "resetWidget", "widget": "Input1", "reset_children": True}
        ]
        assert body["widgets"]["Input1"]["text"] == "start"
        assert answer(viewer.get(page_url(page)))["widgets"]["Input1"]["text"] == "start"

    def test_a_query_reads_an_earlier_querys_result(self, client_as, page, members, upstream):
        api = Datasource.objects.create(
            workspace=page.application.workspace, name="Echo", url=upstream.url
        )
        publish_page(
            page,
            members["developer"],
            layout(button("Go", "{{ First.run().then(() => Second.run({n: 2})) }}")),
            First=(api, {"method": "GET", "path": "first"}),
            Second=(api, {"method": "GET", "path": "{{ First.data.path }}/{{ this.params.n }}"}),
        )
        body = answer(fire(client_as("viewer"), page, "Go", "onClick"))
        assert [r.path for r in upstream.received] == ["/first", "/first/2"]
        assert body["actions"]["Second"]["data"]["path"] == "/first/2"

    def test_a_query_reads_a_value_the_handler_stored_before_it(
        self, client_as, page, members, upstream
    ):
        api = Datasource.objects.create(
            workspace=page.application.workspace, name="Echo", url=upstream.url
        )
        publish_page(
            page,
            members["developer"],
            layout(button("Go", "{{ storeValue('folder', 'reports'); Q.run() }}")),
            Q=(api, {"method": "GET", "path": "{{ appsmith.store.folder }}/list"}),
        )
        answer(fire(client_as("viewer"), page, "Go", "onClick"))
        assert [r.path for r in upstream.received] == ["/reports/list"]


class TestTheUrl:
    """`appsmith.URL` in handlers: `?url=` first, the Referer only without it."""

    CODE = "{{ const u = appsmith.URL; showAlert(u.host + u.pathname + ' ' + u.queryParams.who) }}"

    def fire_at(self, client, page, query, referer):
        body = {"widget": "Go", "event": "onClick"}
        return client.post(events_url(page) + query, body, format="json", HTTP_REFERER=referer)

    def test_the_url_parameter_wins_over_the_referer(self, client_as, page, members):
        publish_page(page, members["developer"], layout(button("Go", self.CODE)))
        address = quote("https://brace.example.com/apps/1/pages/2/?who=Ann", safe="")
        response = self.fire_at(
            client_as("viewer"), page, f"?url={address}", "https://other.example/x/?who=Bob"
        )
        message = answer(response)["effects"][0]["message"]
        assert message == "brace.example.com/apps/1/pages/2/ Ann"

    def test_the_referer_without_it(self, client_as, page, members):
        publish_page(page, members["developer"], layout(button("Go", self.CODE)))
        response = self.fire_at(client_as("viewer"), page, "", "https://other.example/x/?who=Bob")
        assert answer(response)["effects"][0]["message"] == "other.example/x/ Bob"

    def test_too_long(self, client_as, page, members):
        publish_page(page, members["developer"], layout(button("Go", self.CODE)))
        response = self.fire_at(client_as("viewer"), page, "?url=" + "a" * 2001, "")
        assert_error(response, 400, "too_long", "url")


class TestTheStoreThroughEvents:
    @pytest.fixture
    def store_page(self, page, members):
        return publish_page(
            page,
            members["developer"],
            layout(
                widget("Input1", "Input", {}),
                button(
                    "Remember",
                    "{{ storeValue('theme', Input1.text);"
                    " storeValue('draft', Input1.text, false) }}",
                ),
                widget("Theme", "Text", {"text": "{{ appsmith.store.theme || 'none' }}"}),
                widget("Draft", "Text", {"text": "{{ appsmith.store.draft || 'none' }}"}),
            ),
        )

    def remember(self, client, page, text):
        answer(fire(client, page, "Input1", "", {"text": text}))
        return answer(fire(client, page, "Remember", "onClick"))

    def test_written_values_are_answered_and_re_evaluated(self, client_as, store_page):
        body = self.remember(client_as("viewer"), store_page, "dark")
        assert body["store"] == {"theme": "dark", "draft": "dark"}
        assert body["widgets"]["Theme"] == {"text": "dark"}
        assert body["widgets"]["Draft"] == {"text": "dark"}
        assert [effect["persist"] for effect in body["effects"]] == [True, False]

    def test_per_user_and_only_persisted_ones_outlive_the_session(
        self, client_as, store_page, members
    ):
        viewer, developer = client_as("viewer"), client_as("developer")
        self.remember(viewer, store_page, "dark")
        self.remember(developer, store_page, "light")
        assert answer(viewer.get(page_url(store_page)))["store"] == {
            "theme": "dark",
            "draft": "dark",
        }
        assert answer(developer.get(page_url(store_page)))["store"]["theme"] == "light"

        RuntimeSession.objects.filter(user=members["viewer"]).delete()
        fresh = answer(viewer.get(page_url(store_page)))
        assert fresh["store"] == {"theme": "dark"}
        assert fresh["widgets"]["Draft"]["text"] == "none"
        assert UserStore.objects.get(user=members["developer"]).values == {"theme": "light"}

    def test_persisted_values_survive_a_new_version(self, client_as, store_page, members):
        viewer = client_as("viewer")
        self.remember(viewer, store_page, "dark")
        publish_page(store_page, members["developer"], store_page.layout)
        assert answer(viewer.get(page_url(store_page)))["store"]["theme"] == "dark"

    def test_an_event_finishing_later_keeps_a_concurrent_events_write(
        self, client_as, page, members, upstream, monkeypatch
    ):
        """Event A's query is in flight while event B stores a value: A must not undo it."""
        api = Datasource.objects.create(
            workspace=page.application.workspace, name="Echo", url=upstream.url
        )
        publish_page(
            page,
            members["developer"],
            layout(
                button("A", "{{ Slow.run().then(() => storeValue('a', 1, false)) }}"),
                button("B", "{{ storeValue('b', 2, false) }}"),
            ),
            Slow=(api, {"method": "GET", "path": "slow"}),
        )
        viewer = client_as("viewer")
        real_run_action = query_host.run_action
        during: list[dict] = []

        def run_action_while_b_fires(*args, **kwargs):
            during.append(answer(fire(viewer, page, "B", "onClick")))
            return real_run_action(*args, **kwargs)

        monkeypatch.setattr(query_host, "run_action", run_action_while_b_fires)
        body = answer(fire(viewer, page, "A", "onClick"))
        assert during[0]["store"] == {"b": 2}
        assert body["store"] == {"a": 1, "b": 2}
        assert RuntimeSession.objects.get().store == {"a": 1, "b": 2}
