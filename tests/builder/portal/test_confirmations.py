"""confirm_before_run in the portal: an event asks first, runs on Confirm, rejects on Cancel.

The server never runs such a query without the end user's answer: an event
that would run it unanswered runs nothing and answers one-time tokens.
"""

from __future__ import annotations

import pytest

from builder.models import EventJob
from builder.portal import jobs
from builder.services.applications import publish_application
from datasources.models import Datasource
from tests.builder.helpers import assert_error, layout, widget
from tests.builder.portal.support import answer, fire, pick, publish_page

pytestmark = pytest.mark.django_db

HANDLER = (
    "{{ Upload.run()"
    ".then(() => showAlert('Uploaded', 'success'))"
    ".catch((e) => showAlert(e.message, 'error')) }}"
)


@pytest.fixture
def api(page, upstream):
    return Datasource.objects.create(
        workspace=page.application.workspace, name="Echo", url=upstream.url
    )


@pytest.fixture
def guarded(page, members, api):
    buttons = [
        widget("Send", "Button", {"text": "Send", "onClick": HANDLER}),
        widget("Other", "Button", {"text": "Other", "onClick": HANDLER}),
        widget(
            "Sneaky",
            "Button",
            # The query is run through an array: the handler's text does not name Upload.run.
            {
                "text": "x",
                "onClick": "{{ [Upload].map((q) => q.run())[0]"
                ".catch((e) => showAlert(e.message, 'error')) }}",
            },
        ),
    ]
    config = {"method": "POST", "path": "upload", "confirm_before_run": True}
    return publish_page(page, members["developer"], layout(*buttons), Upload=(api, config))


def ask(client, page, widget_name="Send"):
    body = answer(fire(client, page, widget_name, "onClick"))
    (asked,) = body["confirm"]
    return body, asked["token"]


class TestAsking:
    def test_an_unanswered_event_runs_nothing_and_asks(self, client_as, guarded, upstream):
        body, token = ask(client_as("viewer"), guarded)
        assert body["confirm"] == [
            {
                "action": "Upload",
                "token": token,
                "code": "confirmation_required",
                "message": "Run Upload?",
            }
        ]
        assert (body["effects"], body["widgets"], body["actions"]) == ([], {}, {})
        assert upstream.received == []

    def test_a_query_without_the_setting_is_not_asked_for(
        self, client_as, page, members, api, upstream
    ):
        button = widget("Send", "Button", {"text": "Send", "onClick": HANDLER})
        publish_page(page, members["developer"], layout(button), Upload=(api, {"path": "u"}))
        body = answer(fire(client_as("viewer"), page, "Send", "onClick"))
        assert "confirm" not in body
        assert body["effects"][0]["message"] == "Uploaded"


class TestConfirming:
    def test_confirmed_the_query_runs(self, client_as, guarded, upstream):
        viewer = client_as("viewer")
        _, token = ask(viewer, guarded)
        body = answer(fire(viewer, guarded, "Send", "onClick", confirm={"Upload": token}))
        assert body["effects"] == [{"type": "showAlert", "message": "Uploaded", "style": "success"}]
        assert [(r.method, r.path) for r in upstream.received] == [("POST", "/upload")]
        assert "confirm" not in body

    def test_a_token_is_used_once(self, client_as, guarded, upstream):
        viewer = client_as("viewer")
        _, token = ask(viewer, guarded)
        answer(fire(viewer, guarded, "Send", "onClick", confirm={"Upload": token}))
        again = fire(viewer, guarded, "Send", "onClick", confirm={"Upload": token})
        assert_error(again, 400, "invalid_confirmation", "confirm.Upload")
        assert len(upstream.received) == 1

    def test_a_token_is_bound_to_its_handler(self, client_as, guarded, upstream):
        viewer = client_as("viewer")
        _, token = ask(viewer, guarded, "Other")
        response = fire(viewer, guarded, "Send", "onClick", confirm={"Upload": token})
        assert_error(response, 400, "invalid_confirmation", "confirm.Upload")
        assert upstream.received == []

    def test_a_token_is_bound_to_its_user(self, client_as, guarded, upstream):
        _, token = ask(client_as("developer"), guarded)
        response = fire(client_as("viewer"), guarded, "Send", "onClick", confirm={"Upload": token})
        assert_error(response, 400, "invalid_confirmation", "confirm.Upload")
        assert upstream.received == []

    @pytest.mark.parametrize(
        ("token", "code"), [("made-up", "invalid_confirmation"), ("", "blank")]
    )
    def test_a_made_up_token_is_refused(self, client_as, guarded, token, code, upstream):
        response = fire(client_as("viewer"), guarded, "Send", "onClick", confirm={"Upload": token})
        assert_error(response, 400, code, "confirm.Upload")
        assert upstream.received == []


class TestCancelling:
    def test_the_run_rejects_and_the_handler_catch_sees_it(self, client_as, guarded, upstream):
        viewer = client_as("viewer")
        ask(viewer, guarded)
        body = answer(fire(viewer, guarded, "Send", "onClick", cancel=["Upload"]))
        assert body["effects"] == [
            {"type": "showAlert", "message": "Upload was cancelled", "style": "error"}
        ]
        assert "error" not in body  # caught by the handler
        assert upstream.received == []

    def test_an_uncaught_cancel_is_the_handlers_error(self, client_as, page, members, api):
        button = widget("Send", "Button", {"text": "Send", "onClick": "{{ Upload.run() }}"})
        config = {"path": "u", "confirm_before_run": True}
        publish_page(page, members["developer"], layout(button), Upload=(api, config))
        body = answer(fire(client_as("viewer"), page, "Send", "onClick", cancel=["Upload"]))
        assert "Upload was cancelled" in body["error"]["message"]


class TestRefusals:
    def test_a_run_the_handler_text_hides_is_refused(self, client_as, guarded, upstream):
        body = answer(fire(client_as("viewer"), guarded, "Sneaky", "onClick"))
        assert "confirm" not in body
        (alert,) = body["effects"]
        assert "confirmation_required" in alert["message"]
        assert upstream.received == []
        # A refused run leaves the query's stored result as it was.
        assert body["actions"] == {}

    @pytest.mark.parametrize(
        ("extra", "field"),
        [
            ({"confirm": {"Nope": "x"}}, "confirm.Nope"),
            ({"cancel": ["Send"]}, "cancel[0]"),
            ({"confirm": {"Upload": 3}}, "confirm.Upload"),
            ({"confirm": ["Upload"]}, "confirm"),
        ],
    )
    def test_malformed_answers_name_the_field(self, client_as, guarded, extra, field):
        response = fire(client_as("viewer"), guarded, "Send", "onClick", **extra)
        assert response.status_code == 400
        assert response.json()["field"] == field

    def test_the_editors_run_button_needs_no_confirmation(self, client_as, guarded, upstream):
        action = guarded.actions.get(name="Upload")
        response = client_as("developer").post(
            f"/api/v1/actions/{action.pk}/run/", {}, format="json"
        )
        assert response.status_code == 200
        assert response.json()["error"] is None
        assert [(r.method, r.path) for r in upstream.received] == [("POST", "/upload")]


class TestInTheBackground:
    def test_a_job_runs_with_what_was_confirmed(
        self,
        client_as,
        seed_app,
        members,
        settings,
        dropbox_api,
        django_capture_on_commit_callbacks,
    ):
        settings.BRACE_EVENT_BACKGROUND_BYTES = 16
        seed_app.action.config = {**seed_app.action.config, "confirm_before_run": True}
        seed_app.action.save()
        publish_application(application=seed_app.application, user=members["developer"])
        viewer = client_as("viewer")
        entry = pick(viewer, seed_app.page, b"x" * 100, name="big.bin")
        files = {"files": [entry]}
        asked = answer(fire(viewer, seed_app.page, "FilePicker1", "onFilesSelected", files))
        token = asked["confirm"][0]["token"]
        assert asked["jobs"] == []
        with django_capture_on_commit_callbacks(execute=False):
            body = answer(
                fire(
                    viewer,
                    seed_app.page,
                    "FilePicker1",
                    "onFilesSelected",
                    files,
                    confirm={"UploadFileToDropbox": token},
                )
            )
        job = EventJob.objects.get(pk=body["jobs"][0]["id"])
        assert (job.confirmed, job.cancelled) == (["UploadFileToDropbox"], [])
        assert jobs.run_job(str(job.pk)) == "succeeded"
        assert len(dropbox_api.uploads) == 1
