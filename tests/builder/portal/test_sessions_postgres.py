"""Runtime sessions under real concurrency: threads with their own PostgreSQL connections.

Each thread is what a separate web or worker process is: the row lock taken
by `apply_changes` (SELECT ... FOR UPDATE) must order their writes so that
none is lost.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from builder.models import RuntimeSession, UserStore
from builder.portal import sessions
from builder.portal.sessions import SessionChanges
from builder.published_pages import published_page
from datasources.models import AuthType, Datasource
from tests.builder.helpers import layout, widget
from tests.builder.portal.support import publish_page
from tests.fakes.dropbox import TOKEN
from tests.threads import race

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="needs PostgreSQL: DATABASE_URL=postgres://...",
    ),
]

THREADS = 12


@pytest.fixture
def published(page, members):
    publish_page(page, members["developer"], layout(widget("Input1", "Input", {})))
    return published_page(members["viewer"], page.pk)


def test_first_events_at_once_make_one_session(published, members):
    connection.close()
    results = race([lambda: sessions.open_session(members["viewer"], published).pk] * THREADS)
    assert all(isinstance(result, int) for result in results), results
    assert len(set(results)) == 1
    assert RuntimeSession.objects.count() == 1


def test_concurrent_store_writes_are_all_kept(published, members):
    session = sessions.open_session(members["viewer"], published)
    connection.close()

    def write(index: int) -> Callable[[], Any]:
        ops: list[Mapping[str, Any]] = [
            {"type": "storeValue", "key": f"s{index}", "value": index, "persist": False},
            {"type": "storeValue", "key": f"p{index}", "value": index, "persist": True},
        ]
        return lambda: sessions.apply_changes(session.pk, published, SessionChanges(store_ops=ops))

    results = race([write(index) for index in range(THREADS)])
    assert not [result for result in results if isinstance(result, Exception)], results
    row = RuntimeSession.objects.get(pk=session.pk)
    assert row.store == {f"s{index}": index for index in range(THREADS)}
    assert UserStore.objects.get().values == {f"p{index}": index for index in range(THREADS)}
    assert row.revision == session.revision + THREADS


def test_two_events_in_flight_at_once_keep_both_store_writes(
    page, members, dropbox_api, token_client
):
    """Both events' queries are answered only once both arrived: their handlers truly overlap."""
    datasource = Datasource.objects.create(
        workspace=page.application.workspace,
        name="Dropbox",
        url=dropbox_api.url,
        auth_type=AuthType.BEARER,
        bearer_token=TOKEN,
    )
    arg = '{"path": "/{{ this.params.name }}", "mode": "add", "autorename": true}'
    config = {
        "method": "POST",
        "path": "2/files/upload",
        "headers": [{"key": "Dropbox-API-Arg", "value": arg}],
        "body_type": "none",
    }
    publish_page(
        page,
        members["developer"],
        layout(
            widget(
                "A",
                "Button",
                {
                    "onClick": "{{ Up.run({name: 'a'}).then(() => "
                    "storeValue('a', Up.data.path_display, false)) }}"
                },
            ),
            widget(
                "B",
                "Button",
                {
                    "onClick": "{{ Up.run({name: 'b'}).then(() => "
                    "storeValue('b', Up.data.path_display)) }}"
                },
            ),
        ),
        Up=(datasource, config),
    )
    dropbox_api.hold = threading.Barrier(2)
    viewer = members["viewer"]

    def click(name: str) -> Callable[[], Any]:
        return lambda: token_client(viewer).post(
            f"/api/v1/runtime/pages/{page.pk}/events/",
            {"widget": name, "event": "onClick"},
            format="json",
        )

    connection.close()
    first, second = race([click("A"), click("B")])
    assert first.status_code == second.status_code == 200, (first.content, second.content)
    assert sorted(upload.path for upload in dropbox_api.uploads) == ["/a", "/b"]
    session = RuntimeSession.objects.get(user=viewer)
    assert session.store == {"a": "/a"}
    assert UserStore.objects.get(user=viewer).values == {"b": "/b"}
    final = token_client(viewer).get(f"/api/v1/runtime/pages/{page.pk}/").json()
    assert final["store"] == {"a": "/a", "b": "/b"}
