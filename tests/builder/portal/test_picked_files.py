"""Uploads to a FilePicker through POST runtime/files/: who may upload, what a user keeps.

A hidden or disabled picker takes no upload (its events are refused too); a
user keeps a budget of files and bytes per application; picking again
replaces a picker's earlier picks beyond its maxNumFiles.
"""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from builder.execution import files
from builder.models import RuntimeFile
from tests.builder.helpers import assert_error, layout, widget
from tests.builder.portal.support import answer, fire, pick, publish_page
from tests.threads import race
from widgets.types.file_picker import FILE_KEYS

URL = "/api/v1/runtime/files/"
HANDLER = "{{showAlert(FilePicker1.files.map((f) => f.name).join(','))}}"


def publish_pickers(page, developer, *, container=None, **props):
    """FilePicker1 (with `props`) and FilePicker2, or FilePicker1 inside a Container."""
    picker_props = {"maxFileSize": 5, "dataFormat": "Binary", "onFilesSelected": HANDLER, **props}
    picker = widget("FilePicker1", "FilePicker", picker_props)
    if container is not None:
        box = widget("Box", "Container", container)
        box["children"] = [picker]
        return publish_page(page, developer, layout(box))
    other = widget("FilePicker2", "FilePicker", {"maxFileSize": 5, "maxNumFiles": 5})
    return publish_page(page, developer, layout(picker, other))


def upload(client, page, content=b"hello", *, name="a.txt", widget="FilePicker1"):
    body = {
        "file": SimpleUploadedFile(name, content, "text/plain"),
        "page": page.pk,
        "widget": widget,
    }
    return client.post(URL, body, format="multipart")


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


pytestmark = pytest.mark.django_db


class TestHiddenAndDisabledPickers:
    @pytest.mark.parametrize(
        ("props", "container", "code"),
        [
            ({"isVisible": False}, None, "widget_hidden"),
            ({"isVisible": "{{ 1 > 2 }}"}, None, "widget_hidden"),
            ({}, {"isVisible": False}, "widget_hidden"),
            ({"isDisabled": True}, None, "widget_disabled"),
            ({"isDisabled": "{{ 2 > 1 }}"}, None, "widget_disabled"),
        ],
    )
    def test_take_no_upload(self, client_as, page, members, media, props, container, code):
        publish_pickers(page, members["developer"], container=container, **props)
        client = client_as("viewer")
        assert_error(upload(client, page), 400, code, "widget")
        assert not RuntimeFile.objects.exists()
        assert stored_files(media) == []
        # The same rule as for its events.
        entry = {"id": "f_x", "name": "a.txt", "size": 1, "type": "text/plain", "data": "blob:f_x"}
        response = fire(client, page, "FilePicker1", "onFilesSelected", {"files": [entry]})
        assert_error(response, 400, code, "widget")

    def test_a_visible_enabled_picker_takes_it(self, client_as, page, members, media):
        publish_pickers(page, members["developer"], isVisible=True, isDisabled=False)
        response = upload(client_as("viewer"), page)
        assert response.status_code == 201
        # The keys the widget type declares (and the editor completes) for a file.
        assert tuple(response.json()) == FILE_KEYS


class TestBudget:
    def test_files_per_user_and_application(self, client_as, page, members, media, settings):
        settings.BRACE_RUNTIME_FILES_MAX_PER_USER_APP = 2
        publish_pickers(page, members["developer"], maxNumFiles=5)
        viewer = client_as("viewer")
        assert upload(viewer, page, b"1").status_code == 201
        assert upload(viewer, page, b"2", widget="FilePicker2").status_code == 201
        response = upload(viewer, page, b"3")
        assert_error(response, 429, "stored_files_limit", "file")
        assert "2" in response.json()["message"]
        hour = settings.BRACE_RUNTIME_FILE_TTL_S
        assert 0 < int(response["Retry-After"]) <= hour
        assert RuntimeFile.objects.count() == 2
        assert len(stored_files(media)) == 2
        # Another user has a budget of their own.
        assert upload(client_as("developer"), page, b"4").status_code == 201
        # Expired files do not count.
        RuntimeFile.objects.filter(owner=members["viewer"], widget="FilePicker2").update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
        assert upload(viewer, page, b"5").status_code == 201

    def test_bytes_per_user_and_application(self, client_as, page, members, media, settings):
        settings.BRACE_RUNTIME_BYTES_MAX_PER_USER_APP = 10
        publish_pickers(page, members["developer"], maxNumFiles=5)
        viewer = client_as("viewer")
        assert upload(viewer, page, b"x" * 6).status_code == 201
        response = upload(viewer, page, b"x" * 5, widget="FilePicker2")
        assert_error(response, 413, "stored_bytes_limit", "file")
        assert "10" in response.json()["message"]
        assert RuntimeFile.objects.count() == 1
        assert len(stored_files(media)) == 1
        assert upload(viewer, page, b"x" * 4, widget="FilePicker2").status_code == 201
        RuntimeFile.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
        assert upload(viewer, page, b"x" * 10).status_code == 201

    def test_picking_again_fits_a_full_budget(self, client_as, page, members, media, settings):
        settings.BRACE_RUNTIME_FILES_MAX_PER_USER_APP = 1
        settings.BRACE_RUNTIME_BYTES_MAX_PER_USER_APP = 5
        publish_pickers(page, members["developer"])
        viewer = client_as("viewer")
        assert upload(viewer, page, b"x" * 5).status_code == 201
        # The earlier pick it replaces does not count against the new one.
        assert upload(viewer, page, b"y" * 5).status_code == 201
        assert list(RuntimeFile.objects.values_list("size", flat=True)) == [5]


class TestPickingAgain:
    def test_a_single_file_picker_keeps_the_last_pick(
        self, client_as, page, members, media, django_capture_on_commit_callbacks
    ):
        publish_pickers(page, members["developer"])
        viewer = client_as("viewer")
        with django_capture_on_commit_callbacks(execute=True):
            first = pick(viewer, page, b"first", name="first.txt")
            other = pick(viewer, page, b"other", name="other.txt", widget="FilePicker2")
            for _ in range(5):
                last = pick(viewer, page, b"last", name="last.txt")
        kept = set(RuntimeFile.objects.values_list("pk", flat=True))
        assert kept == {last["id"], other["id"]}
        assert sorted(p.read_bytes() for p in stored_files(media)) == [b"last", b"other"]
        assert first["id"] not in kept
        body = answer(fire(viewer, page, "FilePicker1", "onFilesSelected", {"files": [last]}))
        assert body["effects"][0]["message"] == "last.txt"
        response = fire(viewer, page, "FilePicker1", "onFilesSelected", {"files": [first]})
        assert_error(response, 400, "invalid_file_reference", "meta.files[0].data")

    def test_a_multi_file_pick_keeps_its_files(
        self, client_as, page, members, media, django_capture_on_commit_callbacks
    ):
        publish_pickers(page, members["developer"], maxNumFiles=2)
        viewer = client_as("viewer")
        with django_capture_on_commit_callbacks(execute=True):
            old = [pick(viewer, page, b"old", name=f"old{i}.txt") for i in range(2)]
            # The portal sends a pick of two files as two uploads, then the event.
            new = [pick(viewer, page, b"new", name=f"new{i}.txt") for i in range(2)]
        assert set(RuntimeFile.objects.values_list("pk", flat=True)) == {f["id"] for f in new}
        assert [p.read_bytes() for p in stored_files(media)] == [b"new", b"new"]
        body = answer(fire(viewer, page, "FilePicker1", "onFilesSelected", {"files": new}))
        assert body["effects"][0]["message"] == "new0.txt,new1.txt"
        response = fire(viewer, page, "FilePicker1", "onFilesSelected", {"files": old})
        assert_error(response, 400, "invalid_file_reference", "meta.files[0].data")

    def test_another_users_picks_stay(self, client_as, page, members, media):
        publish_pickers(page, members["developer"])
        mine = pick(client_as("developer"), page, b"mine")
        pick(client_as("viewer"), page, b"theirs")
        assert RuntimeFile.objects.filter(pk=mine["id"]).exists()
        assert RuntimeFile.objects.count() == 2

    def test_a_refused_upload_replaces_nothing(self, client_as, page, members, media, settings):
        publish_pickers(page, members["developer"])
        viewer = client_as("viewer")
        kept = pick(viewer, page, b"kept")
        settings.BRACE_RUNTIME_BYTES_MAX_PER_USER_APP = 3
        assert_error(upload(viewer, page, b"long"), 413, "stored_bytes_limit", "file")
        assert list(RuntimeFile.objects.values_list("pk", flat=True)) == [kept["id"]]


# Marked `database`, this test runs on SQLite and again on PostgreSQL (.ci/run).
@pytest.mark.django_db(transaction=True)
def test_uploads_at_once_do_not_both_pass_the_budget(
    client_as, page, members, media, settings, monkeypatch
):
    settings.BRACE_RUNTIME_FILES_MAX_PER_USER_APP = 1
    publish_pickers(page, members["developer"])
    check = files._check_budget

    def slow_check(*args: Any, **kwargs: Any) -> None:
        check(*args, **kwargs)
        time.sleep(0.2)  # widens the window between the count and the insert

    monkeypatch.setattr(files, "_check_budget", slow_check)
    clients = [client_as("viewer") for _ in range(4)]
    # FilePicker2 keeps 5 files: no upload replaces another, each needs the budget.
    results = race(
        [lambda c=c: upload(c, page, b"x", widget="FilePicker2").status_code for c in clients]
    )
    assert sorted(results) == [201, 429, 429, 429]
    assert RuntimeFile.objects.count() == 1
    assert len(stored_files(media)) == 1
