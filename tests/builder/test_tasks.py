"""builder.tasks: the Celery task that purges expired picked files."""

from __future__ import annotations

from datetime import timedelta

import pytest

from builder.models import RuntimeFile
from builder.tasks import purge_expired_runtime_files
from config.celery import app
from tests.builder.helpers import store_bytes

pytestmark = pytest.mark.django_db


def test_the_task_is_registered_under_its_beat_name():
    assert purge_expired_runtime_files.name == "builder.tasks.purge_expired_runtime_files"
    app.loader.import_default_modules()
    assert "builder.tasks.purge_expired_runtime_files" in app.tasks


def test_it_deletes_expired_files_and_their_bytes(application, members, media):
    expired = store_bytes(members["viewer"], application, b"old", expires_in=timedelta(seconds=-5))
    kept = store_bytes(members["viewer"], application, b"new")
    # Run through Celery's own call path (eagerly, in this process).
    result = purge_expired_runtime_files.apply()
    assert result.successful()
    assert result.get() == {"purged": 1}
    assert list(RuntimeFile.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not (media / expired.storage_name).exists()
    assert (media / kept.storage_name).read_bytes() == b"new"


def test_nothing_to_purge(db):
    assert purge_expired_runtime_files() == {"purged": 0}
