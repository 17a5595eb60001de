"""Page-load queries: GET answers with them loading, POST pages/{id}/load/ runs them in order."""

from __future__ import annotations

import pytest

from builder.models import RuntimeSession
from datasources.models import Datasource
from tests.builder.helpers import assert_error, layout, widget
from tests.builder.portal.support import answer, page_url, publish_page

pytestmark = pytest.mark.django_db


def load_url(page) -> str:
    return f"{page_url(page)}load/"


def load(client, page, **body):
    return client.post(load_url(page), body, format="json")


@pytest.fixture
def api(page, upstream):
    return Datasource.objects.create(
        workspace=page.application.workspace, name="Echo", url=upstream.url
    )


@pytest.fixture
def chained(page, members, api):
    """Api2's path binds Api1's data; a Text shows Api2's; a Button is disabled while it loads."""
    shown = widget("Shown", "Text", {"text": "{{Api2.data ? Api2.data.path : 'none'}}"})
    button = widget("Go", "Button", {"text": "Go", "isDisabled": "{{Api2.isLoading}}"})
    return publish_page(
        page,
        members["developer"],
        layout(shown, button),
        Api2=(api, {"path": "second/{{Api1.data.method}}"}),
        Api1=(api, {"path": "first"}),
    )


class TestThePageFirst:
    def test_page_load_queries_read_as_loading_and_are_listed_in_order(self, client_as, chained):
        body = answer(client_as("viewer").get(page_url(chained)))
        assert body["page_load"] == {
            "actions": ["Api1", "Api2"],
            "widgets": {"Go": ["Api2"], "Shown": ["Api2"]},
            "errors": [],
        }
        assert body["actions"]["Api1"] == {"data": None, "isLoading": True, "responseMeta": None}
        assert body["actions"]["Api2"]["isLoading"] is True
        assert body["widgets"]["Go"]["isDisabled"] is True
        assert body["widgets"]["Shown"]["text"] == "none"

    def test_the_get_runs_nothing_and_writes_nothing(self, client_as, chained, upstream):
        answer(client_as("viewer").get(page_url(chained)))
        assert upstream.received == []
        assert not RuntimeSession.objects.exists()


class TestTheLoadRun:
    def test_queries_run_in_dependency_order_and_the_widgets_update(
        self, client_as, chained, upstream
    ):
        body = answer(load(client_as("viewer"), chained))
        assert [request.path for request in upstream.received] == ["/first", "/second/GET"]
        assert body["effects"] == []
        assert body["widgets"] == {"Shown": {"text": "/second/GET"}, "Go": {"isDisabled": False}}
        assert body["actions"]["Api1"]["isLoading"] is False
        assert body["actions"]["Api2"]["data"]["path"] == "/second/GET"
        assert body["jobs"] == []
        assert "confirm" not in body

    def test_the_results_are_kept_in_the_session(self, client_as, chained):
        viewer = client_as("viewer")
        answer(load(viewer, chained))
        again = answer(viewer.get(page_url(chained)))
        # Shown with the last results while the queries load again.
        assert again["widgets"]["Shown"]["text"] == "/second/GET"
        assert again["actions"]["Api2"]["isLoading"] is True

    def test_a_page_without_page_load_queries_answers_no_changes(self, client_as, page, members):
        publish_page(page, members["developer"], layout(widget("T", "Text", {"text": "hi"})))
        body = answer(load(client_as("viewer"), page))
        assert (body["effects"], body["widgets"], body["actions"]) == ([], {}, {})

    def test_a_failed_query_is_an_alert_and_the_next_still_runs(
        self, client_as, page, members, api, upstream
    ):
        shown = widget("T", "Text", {"text": "{{A.data}}{{B.data}}"})
        publish_page(
            page, members["developer"], layout(shown), A=(api, {"path": "status/500"}), B=(api, {})
        )
        body = answer(load(client_as("viewer"), page))
        assert body["effects"] == [
            {
                "type": "showAlert",
                "message": "A failed: the upstream answered 500 Internal Server Error",
                "style": "error",
            }
        ]
        assert body["actions"]["A"]["responseMeta"]["isExecutionSuccess"] is False
        assert body["actions"]["B"]["isLoading"] is False
        assert len(upstream.received) == 2

    def test_a_dependency_cycle_is_reported_and_not_run(
        self, client_as, page, members, api, upstream
    ):
        shown = widget("T", "Text", {"text": "{{A.data}}"})
        publish_page(
            page,
            members["developer"],
            layout(shown),
            A=(api, {"path": "{{B.data.path}}"}),
            B=(api, {"path": "{{A.data.path}}"}),
        )
        viewer = client_as("viewer")
        page_load = answer(viewer.get(page_url(page)))["page_load"]
        assert page_load["actions"] == []
        assert [error["action"] for error in page_load["errors"]] == ["A", "B"]
        body = answer(load(viewer, page))
        assert body["effects"] == [
            {"type": "showAlert", "message": "A did not run: A -> B -> A", "style": "error"},
            {"type": "showAlert", "message": "B did not run: B -> A -> B", "style": "error"},
        ]
        assert upstream.received == []

    def test_only_viewers_of_the_published_page(self, client_as, chained):
        assert load(client_as("outsider"), chained).status_code == 404
        assert load(client_as("viewer"), 999_999).status_code == 404


class TestConfirmingOnLoad:
    @pytest.fixture
    def guarded(self, page, members, api):
        shown = widget("T", "Text", {"text": "{{Api1.data ? Api1.data.path : 'none'}}"})
        return publish_page(
            page,
            members["developer"],
            layout(shown),
            Api1=(api, {"path": "guarded", "confirm_before_run": True}),
        )

    def test_nothing_runs_until_the_user_answers(self, client_as, guarded, upstream):
        body = answer(load(client_as("viewer"), guarded))
        (asked,) = body["confirm"]
        assert asked["action"] == "Api1"
        assert asked["code"] == "confirmation_required"
        assert asked["message"] == "Run Api1?"
        assert asked["token"]
        assert (body["effects"], body["widgets"], body["actions"]) == ([], {}, {})
        assert upstream.received == []

    def test_confirmed_it_runs_once(self, client_as, guarded, upstream):
        viewer = client_as("viewer")
        token = answer(load(viewer, guarded))["confirm"][0]["token"]
        body = answer(load(viewer, guarded, confirm={"Api1": token}))
        assert body["widgets"] == {"T": {"text": "/guarded"}}
        assert [request.path for request in upstream.received] == ["/guarded"]
        again = load(viewer, guarded, confirm={"Api1": token})
        assert_error(again, 400, "invalid_confirmation", "confirm.Api1")
        assert len(upstream.received) == 1

    def test_cancelled_it_does_not_run_and_stops_loading(self, client_as, guarded, upstream):
        body = answer(load(client_as("viewer"), guarded, cancel=["Api1"]))
        assert body["effects"] == [
            {"type": "showAlert", "message": "Api1 was cancelled", "style": "warning"}
        ]
        assert body["actions"]["Api1"]["isLoading"] is False
        assert upstream.received == []

    def test_a_token_of_another_user_is_refused(self, client_as, guarded, members, workspace):
        token = answer(load(client_as("developer"), guarded))["confirm"][0]["token"]
        response = load(client_as("viewer"), guarded, confirm={"Api1": token})
        assert_error(response, 400, "invalid_confirmation", "confirm.Api1")

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"confirm": {"Nope": "x"}}, "confirm.Nope"),
            ({"cancel": ["Nope"]}, "cancel[0]"),
        ],
    )
    def test_answers_for_other_queries_are_refused(self, client_as, guarded, body, field):
        assert_error(load(client_as("viewer"), guarded, **body), 400, "not_confirmable", field)

    def test_a_malformed_body_names_the_field(self, client_as, guarded):
        response = load(client_as("viewer"), guarded, cancel="Api1")
        assert_error(response, 400, "not_a_list", "cancel")
