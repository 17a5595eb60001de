"""What an event writes to the runtime session: each query result once, and nothing more.

An event opens a session only for a user who has none yet; a query's result
is stored as it arrives (`on_result`), and the closing write happens only when
the handler changed something else (the store, widget resets, a `clear()`).
"""

from __future__ import annotations

import pytest

from builder.models import RuntimeSession, UserStore
from datasources.models import Datasource
from tests.builder.helpers import layout, widget
from tests.builder.portal.support import answer, fire, publish_page

pytestmark = pytest.mark.django_db


def publish(page, members, upstream, code):
    api = Datasource.objects.create(
        workspace=page.application.workspace, name="Echo", url=upstream.url
    )
    button = widget("Go", "Button", {"text": "Go", "onClick": code})
    publish_page(
        page, members["developer"], layout(button), Q=(api, {"method": "GET", "path": "a"})
    )


def session_of(members, page):
    return RuntimeSession.objects.get(user=members["viewer"], application=page.application)


def test_the_first_event_opens_the_session(client_as, page, members, upstream):
    publish(page, members, upstream, "{{ Q.run() }}")
    body = answer(fire(client_as("viewer"), page, "Go", "onClick"))
    assert body["actions"]["Q"]["data"]["path"] == "/a"
    assert session_of(members, page).actions[str(page.pk)]["Q"]["data"]["path"] == "/a"


def test_a_query_result_is_written_once(
    client_as, page, members, upstream, django_assert_max_num_queries
):
    publish(page, members, upstream, "{{ Q.run().then(() => showAlert('done')) }}")
    viewer = client_as("viewer")
    answer(fire(viewer, page, "Go", "onClick"))
    before = session_of(members, page).revision
    # Auth, page, role, session (with the persisted store), datasource, and
    # one locked write (in a test, a SAVEPOINT and its RELEASE).
    with django_assert_max_num_queries(10):
        body = answer(fire(viewer, page, "Go", "onClick"))
    assert body["effects"] == [{"type": "showAlert", "message": "done", "style": "info"}]
    assert session_of(members, page).revision == before + 1


def test_a_clear_after_the_run_is_written(client_as, page, members, upstream):
    publish(page, members, upstream, "{{ Q.run().then(() => Q.clear()) }}")
    answer(fire(client_as("viewer"), page, "Go", "onClick"))
    assert session_of(members, page).actions[str(page.pk)]["Q"]["data"] is None


def test_a_stored_value_after_the_run_is_written(client_as, page, members, upstream):
    publish(page, members, upstream, "{{ Q.run().then(() => storeValue('seen', Q.data.path)) }}")
    body = answer(fire(client_as("viewer"), page, "Go", "onClick"))
    assert body["store"] == {"seen": "/a"}
    stored = UserStore.objects.get(user=members["viewer"], application=page.application)
    assert stored.values == {"seen": "/a"}
