"""What one event costs: its SQL statements and its evaluations of the whole page.

An event evaluates the page once, for the session as it was; each change
after that (the meta values, each query's result, the session as written)
re-evaluates only the properties it reaches (`CompiledPage.reevaluate`). The
counts are pinned so that a change adding a statement or a whole evaluation
shows here. The spies count calls and pass them on: the results are real.
"""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler

import pytest

from datasources.models import Datasource
from tests.builder.helpers import layout, widget
from tests.builder.portal.support import answer, fire, pick, publish_page

pytestmark = pytest.mark.django_db


def test_the_seed_apps_upload(
    client_as, seed_app, dropbox_api, evaluations, django_assert_num_queries
):
    viewer = client_as("viewer")
    first = pick(viewer, seed_app.page, b"first", name="a.txt")
    answer(fire(viewer, seed_app.page, "FilePicker1", "onFilesSelected", {"files": [first]}))
    entry = pick(viewer, seed_app.page, b"second", name="b.txt")
    evaluations.update(evaluate=0, reevaluate=0)
    # The token; the page with the user's role; the session with the persisted
    # store; the picked file (read once: the query streams the row checked);
    # the meta written (the locked session with the persisted store, the
    # update); the datasource; the result written. Each write is a SAVEPOINT
    # and its RELEASE in a test (BEGIN IMMEDIATE and COMMIT on SQLite outside one).
    with django_assert_num_queries(13):
        body = answer(
            fire(viewer, seed_app.page, "FilePicker1", "onFilesSelected", {"files": [entry]})
        )
    assert body["widgets"]["Result"] == {"text": "Stored as /b.txt"}
    # The page before the event, whole; then the picked file and the result.
    assert evaluations == {"evaluate": 1, "reevaluate": 2}


def test_a_button_that_runs_a_query(
    client_as, page, members, upstream, evaluations, django_assert_num_queries, monkeypatch
):
    # The loopback API answers the same both times: its Date header must not tick
    # between the two events, or the result (responseMeta.headers) would change.
    monkeypatch.setattr(
        BaseHTTPRequestHandler, "date_time_string", lambda self, timestamp=None: "fixed"
    )
    api = Datasource.objects.create(
        workspace=page.application.workspace, name="Echo", url=upstream.url
    )
    button = widget("Go", "Button", {"text": "Go", "onClick": "{{ Q.run() }}"})
    shown = widget("Shown", "Text", {"text": "{{ Q.data ? Q.data.path : 'none' }}"})
    publish_page(
        page, members["developer"], layout(button, shown), Q=(api, {"method": "GET", "path": "a"})
    )
    viewer = client_as("viewer")
    answer(fire(viewer, page, "Go", "onClick"))
    evaluations.update(evaluate=0, reevaluate=0)
    # The token, the page with the role, the session, the datasource, the result
    # written (SAVEPOINT, the locked session with the persisted store, update, RELEASE).
    with django_assert_num_queries(8):
        body = answer(fire(viewer, page, "Go", "onClick"))
    assert (body["effects"], body["widgets"], body["actions"]) == ([], {}, {})
    # The result is the one stored before: nothing to evaluate again.
    assert evaluations == {"evaluate": 1, "reevaluate": 0}
