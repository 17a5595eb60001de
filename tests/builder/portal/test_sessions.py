"""builder.portal.sessions: per user and application, in the database, merged not overwritten."""

from __future__ import annotations

import pytest

from builder.models import RuntimeSession, UserStore
from builder.portal import sessions
from builder.portal.sessions import SessionChanges
from builder.published_pages import published_page
from tests.builder.helpers import layout, widget
from tests.builder.portal.support import publish_page

pytestmark = pytest.mark.django_db


def store_op(key, value, persist):
    return {"type": "storeValue", "key": key, "value": value, "persist": persist}


@pytest.fixture
def published(page, members):
    publish_page(
        page,
        members["developer"],
        layout(widget("Input1", "Input", {}), widget("Input2", "Input", {})),
        Q1=(None, {"path": "http://127.0.0.1:9/"}),
        Q2=(None, {"path": "http://127.0.0.1:9/"}),
    )
    return published_page(members["viewer"], page.pk)


@pytest.fixture
def viewer(members):
    return members["viewer"]


def result(data):
    return {"data": data, "isLoading": False, "responseMeta": None}


class TestOpening:
    def test_one_session_per_user_and_application(self, published, viewer, members):
        first = sessions.open_session(viewer, published)
        assert sessions.open_session(viewer, published).pk == first.pk
        other = sessions.open_session(members["developer"], published)
        assert other.pk != first.pk
        assert first.published_version == published.version

    def test_a_new_version_keeps_the_store_and_drops_what_is_gone(
        self, page, published, viewer, members
    ):
        session = sessions.open_session(viewer, published)
        changes = SessionChanges(
            meta={"Input1": {"text": "a"}, "Input2": {"text": "b"}},
            actions={"Q1": result(1), "Q2": result(2)},
            store_ops=[store_op("k", 1, False)],
        )
        sessions.apply_changes(session.pk, published, changes)
        page.actions.filter(name="Q2").delete()
        publish_page(page, members["developer"], layout(widget("Input1", "Input", {})))
        republished = published_page(viewer, page.pk)

        # Reading already sees the new version's view, without writing.
        view = sessions.read_view(viewer, republished)
        assert view.meta == {"Input1": {"text": "a"}}
        assert view.actions == {"Q1": result(1)}
        assert RuntimeSession.objects.get().published_version == published.version

        moved = sessions.open_session(viewer, republished)
        assert moved.published_version == republished.version
        assert moved.widgets_meta == {str(page.pk): {"Input1": {"text": "a"}}}
        assert moved.actions == {str(page.pk): {"Q1": result(1)}}
        assert moved.store == {"k": 1}

    def test_an_event_of_the_older_version_does_not_move_it_back(
        self, page, published, viewer, members
    ):
        session = sessions.open_session(viewer, published)
        publish_page(page, members["developer"], layout(widget("Input1", "Input", {})))
        newer = published_page(viewer, page.pk)
        sessions.open_session(viewer, newer)
        sessions.apply_changes(
            session.pk, published, SessionChanges(meta={"Input1": {"text": "x"}})
        )
        assert RuntimeSession.objects.get().published_version == newer.version


class TestTheStore:
    def apply(self, published, user, *ops):
        session = sessions.open_session(user, published)
        return sessions.apply_changes(session.pk, published, SessionChanges(store_ops=list(ops)))

    def test_persisted_values_go_to_the_user_store(self, published, viewer):
        view = self.apply(
            published, viewer, store_op("theme", "dark", True), store_op("d", 1, False)
        )
        assert view.store == {"theme": "dark", "d": 1}
        assert UserStore.objects.get(user=viewer).values == {"theme": "dark"}
        assert RuntimeSession.objects.get(user=viewer).store == {"d": 1}

    def test_a_new_session_keeps_only_persisted_values(self, published, viewer):
        self.apply(published, viewer, store_op("theme", "dark", True), store_op("d", 1, False))
        RuntimeSession.objects.all().delete()
        assert sessions.read_view(viewer, published).store == {"theme": "dark"}

    def test_the_newest_write_wins(self, published, viewer):
        view = self.apply(published, viewer, store_op("k", "kept", True), store_op("k", "s", False))
        assert view.store == {"k": "s"}
        view = self.apply(published, viewer, store_op("k", "p", True))
        assert view.store == {"k": "p"}

    def test_remove_and_clear(self, published, viewer):
        self.apply(published, viewer, store_op("a", 1, True), store_op("b", 2, False))
        view = self.apply(published, viewer, {"type": "removeValue", "key": "a"})
        assert view.store == {"b": 2}
        assert UserStore.objects.get().values == {}
        self.apply(published, viewer, store_op("c", 3, True))
        view = self.apply(published, viewer, {"type": "clearStore"}, store_op("d", 4, False))
        assert view.store == {"d": 4}
        assert UserStore.objects.get().values == {}

    def test_users_do_not_share_stores(self, published, viewer, members):
        self.apply(published, viewer, store_op("mine", 1, True), store_op("s", 1, False))
        assert sessions.read_view(members["developer"], published).store == {}

    def test_other_effects_are_not_store_operations(self, published, viewer):
        view = self.apply(published, viewer, {"type": "showAlert", "message": "x"})
        assert view.store == {}
        assert not UserStore.objects.exists()


class TestConcurrentEvents:
    """Events apply their changes to the row as it is then, not as it was when they began."""

    def test_an_event_finishing_later_keeps_the_earlier_ones_writes(self, published, viewer):
        session = sessions.open_session(viewer, published)
        started = sessions.read_view(viewer, published)  # event A begins
        # Event B runs and finishes while A's query is still running.
        sessions.apply_changes(
            session.pk,
            published,
            SessionChanges(meta={"Input2": {"text": "b"}}, store_ops=[store_op("b", 2, False)]),
        )
        view = sessions.apply_changes(
            session.pk,
            published,
            SessionChanges(
                actions={"Q1": result("a")},
                store_ops=[store_op("a", 1, False), store_op("pa", 1, True)],
            ),
        )
        assert started.store == {}
        assert view.store == {"a": 1, "b": 2, "pa": 1}
        assert view.meta == {"Input2": {"text": "b"}}
        assert view.actions == {"Q1": result("a")}
        assert view.revision == started.revision + 2

    def test_a_reset_drops_meta_values(self, published, viewer):
        session = sessions.open_session(viewer, published)
        sessions.apply_changes(
            session.pk, published, SessionChanges(meta={"Input1": {"text": "x"}})
        )
        view = sessions.apply_changes(session.pk, published, SessionChanges(resets=["Input1"]))
        assert view.meta == {}
