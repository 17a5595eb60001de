"""builder.published_versions: a version's content kept per process, never for another row."""

from __future__ import annotations

import threading

import pytest

from builder import published_versions
from builder.errors import NotFound
from builder.execution.state import RuntimeState
from builder.models import Application, PublishedVersion
from builder.published_pages import published_page
from builder.published_versions import VersionKey, version_content
from builder.services.applications import publish_application
from tests.builder.helpers import layout, widget
from tests.builder.portal.support import publish_page

pytestmark = pytest.mark.django_db


def _key(version: PublishedVersion) -> VersionKey:
    return VersionKey(version.pk, version.application_id, version.number, version.created_at)


@pytest.fixture(autouse=True)
def _empty():
    published_versions.clear()
    yield
    published_versions.clear()


def test_a_version_is_read_once_and_shared(page, members, django_assert_num_queries):
    text = widget("T", "Text", {"text": "{{ 'a' + 'b' }}"})
    publish_page(page, members["developer"], layout(text))
    first = published_page(members["viewer"], page.pk)
    assert first.content is not None
    # The page lookup only: the snapshot and compiled page come from the process.
    with django_assert_num_queries(1):
        second = published_page(members["viewer"], page.pk)
    assert second.content is first.content
    assert second.compiled() is first.compiled() is not None
    assert second.version is not first.version  # each request its own model instance
    assert second.version.snapshot == PublishedVersion.objects.get().snapshot
    assert second.evaluate(RuntimeState()).widgets["T"]["text"] == "ab"


def test_threads_loading_a_compiled_page_at_once_share_one(page, members):
    publish_page(page, members["developer"], layout(widget("T", "Text", {"text": "{{ 3 }}"})))
    content = published_page(members["viewer"], page.pk).content
    assert content is not None
    barrier = threading.Barrier(8)
    found: list[object] = []

    def load() -> None:
        barrier.wait(10)
        found.append(content.compiled_page(page.pk))

    threads = [threading.Thread(target=load) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(found) == 8 and found[0] is not None
    assert all(item is found[0] for item in found)


def test_a_republish_serves_the_new_version(page, members):
    publish_page(page, members["developer"], layout(widget("T", "Text", {"text": "one"})))
    before = published_page(members["viewer"], page.pk)
    publish_page(page, members["developer"], layout(widget("T", "Text", {"text": "two"})))
    after = published_page(members["viewer"], page.pk)
    assert after.version.number == before.version.number + 1
    assert after.layout["children"][0]["props"]["text"] == "two"
    assert before.layout["children"][0]["props"]["text"] == "one"


def test_a_row_given_a_deleted_versions_id_is_not_served_the_old_content(
    page, members, application
):
    publish_page(page, members["developer"], layout(widget("T", "Text", {"text": "old"})))
    old = published_page(members["viewer"], page.pk)
    key = _key(old.version)
    PublishedVersion.objects.filter(pk=key.pk).delete()
    assert version_content(key) is not None  # kept: no lookup can name this key again
    published_versions.clear()
    assert version_content(key) is None  # read again: the row is gone
    # SQLite may give the id to the next row: same id and number, another creation time.
    page.layout = layout(widget("T", "Text", {"text": "new"}))
    page.save()
    version = publish_application(application=application, user=members["developer"])
    Application.objects.filter(pk=application.pk).update(published_version=None)
    PublishedVersion.objects.filter(pk=version.pk).update(id=key.pk, number=key.number)
    Application.objects.filter(pk=application.pk).update(published_version=key.pk)
    served = published_page(members["viewer"], page.pk)
    assert served.version.pk == key.pk and served.version.number == key.number
    assert served.layout["children"][0]["props"]["text"] == "new"


def test_a_deleted_current_version_is_not_found(page, members):
    publish_page(page, members["developer"], layout(widget("T", "Text", {"text": "x"})))
    version = published_page(members["viewer"], page.pk).version
    version.delete()  # the application's published_version is set to NULL
    with pytest.raises(NotFound, match="not been published"):
        published_page(members["viewer"], page.pk)


def test_the_cache_is_bounded(page, members, monkeypatch):
    monkeypatch.setattr(published_versions, "MAX_VERSIONS", 2)
    for text in ("a", "b", "c"):
        publish_page(page, members["developer"], layout(widget("T", "Text", {"text": text})))
        published_page(members["viewer"], page.pk)
    assert len(published_versions._versions) == 2
    numbers = sorted(key.number for key in published_versions._versions)
    assert numbers == [2, 3]
