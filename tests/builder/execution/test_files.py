"""Picked files: POST /api/v1/runtime/files/, the owner-only resolver, and purging."""

from __future__ import annotations

import base64
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.db import DatabaseError, transaction
from django.utils import timezone

from builder.execution import files
from builder.execution.files import RuntimeFileResolver, purge_expired_runtime_files
from builder.models import Page, RuntimeFile
from builder.services.applications import create_application, publish_application
from tests.builder.helpers import assert_error, layout, store_bytes, widget

pytestmark = pytest.mark.django_db

URL = "/api/v1/runtime/files/"


def publish(page, user, **picker_props):
    props = {"maxFileSize": 5, "allowedFileTypes": ["*"], "dataFormat": "Binary", **picker_props}
    page.layout = layout(
        widget("FilePicker1", "FilePicker", props), widget("Title", "Text", {"text": "Hi"})
    )
    page.save()
    publish_application(application=page.application, user=user)
    return page


@pytest.fixture
def published(page, members, media):
    return publish(page, members["developer"])


def upload(client, on, content=b"hello", *, name="a.txt", content_type="text/plain", **fields):
    body = {"file": SimpleUploadedFile(name, content, content_type), "page": on.pk}
    body["widget"] = "FilePicker1"
    body.update(fields)
    return client.post(URL, body, format="multipart")


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


class RecordingUploadHandler(TemporaryFileUploadHandler):
    """Django's handler for big uploads, keeping the size of each piece it is given."""

    sizes: list[int] = []

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.sizes.append(len(raw_data))
        return super().receive_data_chunk(raw_data, start)


class TestStoring:
    def test_a_viewer_picks_a_file(self, client_as, published, members, media, settings):
        before = timezone.now()
        response = upload(client_as("viewer"), published, b"hello")
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["id"].startswith("f_") and len(body["id"]) > 30
        assert body == {
            "id": body["id"],
            "name": "a.txt",
            "size": 5,
            "type": "text/plain",
            "data": f"blob:{body['id']}",
        }
        row = RuntimeFile.objects.get(pk=body["id"])
        assert row.owner == members["viewer"]
        assert row.application == published.application
        assert row.widget == "FilePicker1"
        ttl = timedelta(seconds=settings.BRACE_RUNTIME_FILE_TTL_S)
        assert before + ttl <= row.expires_at <= timezone.now() + ttl
        # The user's file name never reaches a storage path.
        assert "a.txt" not in row.storage_name and body["id"] in row.storage_name
        assert (media / row.storage_name).read_bytes() == b"hello"

    def test_a_big_file_is_spooled_to_disk_and_stored_whole(
        self, client_as, published, media, settings
    ):
        settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # above this, Django writes a temp file
        content = os.urandom(700_000)
        response = upload(
            client_as("viewer"), published, content, name="x.bin", content_type="application/zip"
        )
        assert response.status_code == 201
        row = RuntimeFile.objects.get(pk=response.json()["id"])
        assert row.size == len(content) and row.content_type == "application/zip"
        assert (media / row.storage_name).read_bytes() == content

    def test_a_big_file_is_parsed_in_large_reads(self, client_as, page, members, media, settings):
        # Django's default 64 KiB reads cost the web process ~24 copies of each byte
        # under gunicorn (see file_views.UPLOAD_READ_BYTES).
        publish(page, members["developer"], maxFileSize=10)
        settings.FILE_UPLOAD_HANDLERS = [f"{__name__}.RecordingUploadHandler"]
        RecordingUploadHandler.sizes = []
        content = os.urandom(3 * 1024 * 1024 + 5)
        response = upload(client_as("viewer"), page, content, name="x.bin")
        assert response.status_code == 201, response.content
        assert sum(RecordingUploadHandler.sizes) == len(content)
        assert max(RecordingUploadHandler.sizes) == 1024 * 1024
        assert len(RecordingUploadHandler.sizes) <= 5

    def test_the_type_is_guessed_when_the_browser_sends_none(self, client_as, published):
        response = upload(client_as("viewer"), published, b"%PDF", name="r.pdf", content_type="")
        assert response.json()["type"] == "application/pdf"

    def test_the_uploader_can_resolve_and_stream_it(self, client_as, published, members):
        body = upload(client_as("viewer"), published, b"stream me").json()
        resolved = RuntimeFileResolver(members["viewer"], published.application).resolve(
            body["data"]
        )
        assert (resolved.name, resolved.size, resolved.content_type) == (
            "a.txt",
            9,
            "text/plain",
        )
        with resolved.open() as handle:
            assert handle.read(4) + handle.read() == b"stream me"

    def test_nobody_else_can(self, client_as, published, members, workspace):
        body = upload(client_as("viewer"), published, b"mine").json()
        other_app = create_application(user=None, workspace=workspace, name="Other")
        for user, application in [
            (members["developer"], published.application),
            (members["viewer"], other_app),
            (None, published.application),
        ]:
            with pytest.raises(LookupError):
                RuntimeFileResolver(user, application).resolve(body["data"])
        with pytest.raises(LookupError):
            RuntimeFileResolver(members["viewer"], published.application).resolve("blob:f_unknown")

    def test_stored_bytes_go_when_the_row_cannot_be_saved(
        self, client_as, published, media, monkeypatch
    ):
        def refuse(**fields):
            raise DatabaseError("disk full")

        monkeypatch.setattr(RuntimeFile.objects, "create", refuse)
        with pytest.raises(DatabaseError):
            upload(client_as("viewer"), published)
        assert stored_files(media) == []


class TestDataFormats:
    def test_text(self, client_as, page, members, media):
        publish(page, members["developer"], dataFormat="Text")
        assert upload(client_as("viewer"), page, "héllo".encode()).json()["data"] == "héllo"

    def test_text_that_is_not_utf8_stays_a_reference(self, client_as, page, members, media):
        publish(page, members["developer"], dataFormat="Text")
        body = upload(client_as("viewer"), page, b"\xff\xfe\x00").json()
        assert body["data"] == f"blob:{body['id']}"

    def test_base64(self, client_as, page, members, media):
        publish(page, members["developer"], dataFormat="Base64")
        body = upload(client_as("viewer"), page, b"\x89PNG", name="i.png", content_type="image/png")
        assert (
            body.json()["data"] == "data:image/png;base64," + base64.b64encode(b"\x89PNG").decode()
        )

    def test_a_large_file_stays_a_reference(self, client_as, page, members, media, monkeypatch):
        monkeypatch.setattr(files, "INLINE_MAX_BYTES", 4)
        publish(page, members["developer"], dataFormat="Base64")
        body = upload(client_as("viewer"), page, b"12345").json()
        assert body["data"] == f"blob:{body['id']}"


class TestLimits:
    def test_a_file_over_max_file_size(self, client_as, page, members, media):
        publish(page, members["developer"], maxFileSize=0.001)  # 1048 bytes
        response = upload(client_as("viewer"), page, b"x" * 2000)
        assert_error(response, 400, "file_too_large", "file")
        assert not RuntimeFile.objects.exists()
        assert stored_files(media) == []

    def test_a_bound_max_file_size_applies_as_evaluated(self, client_as, page, members, media):
        publish(page, members["developer"], maxFileSize="{{ 1 / 1000 }}")
        assert_error(upload(client_as("viewer"), page, b"x" * 2000), 400, "file_too_large", "file")
        assert upload(client_as("viewer"), page, b"x" * 1000).status_code == 201

    def test_a_type_not_allowed(self, client_as, page, members, media):
        # Two files kept: a picker keeps its maxNumFiles newest picks.
        publish(page, members["developer"], allowedFileTypes=[".pdf", "image/*"], maxNumFiles=2)
        assert_error(upload(client_as("viewer"), page), 400, "file_type_not_allowed", "file")
        picture = upload(client_as("viewer"), page, b"p", name="p.png", content_type="image/png")
        assert picture.status_code == 201
        pdf = upload(client_as("viewer"), page, b"%PDF", name="R.PDF", content_type="text/plain")
        assert pdf.status_code == 201
        assert RuntimeFile.objects.count() == 2

    def test_a_disabled_picker(self, client_as, page, members, media):
        publish(page, members["developer"], isDisabled=True)
        assert_error(upload(client_as("viewer"), page), 400, "widget_disabled", "widget")

    def test_the_request_size_cap(self, client_as, published, settings):
        settings.BRACE_RUNTIME_FILE_MAX_BYTES = 1000
        response = upload(client_as("viewer"), published, b"x" * 2000)
        assert_error(response, 413, "payload_too_large")
        assert not RuntimeFile.objects.exists()

    def test_a_file_of_exactly_the_cap_is_taken(self, client_as, published, settings):
        # The multipart envelope around it does not count against the cap.
        settings.BRACE_RUNTIME_FILE_MAX_BYTES = 1000
        response = upload(client_as("viewer"), published, b"x" * 1000)
        assert response.status_code == 201, response.content
        assert response.json()["size"] == 1000

    def test_a_file_one_byte_over_the_cap_is_refused_after_parsing(
        self, client_as, published, settings, media
    ):
        settings.BRACE_RUNTIME_FILE_MAX_BYTES = 1000
        response = upload(client_as("viewer"), published, b"x" * 1001)
        assert_error(response, 413, "payload_too_large")
        assert not RuntimeFile.objects.exists()
        assert stored_files(media) == []

    def test_a_long_name_is_cut_to_fit_keeping_its_extension(self, client_as, published):
        response = upload(client_as("viewer"), published, name="n" * 300 + ".txt")
        assert response.status_code == 201
        name = response.json()["name"]
        assert len(name) == 255 and name.endswith("n.txt")


class TestBadRequests:
    def test_missing_fields(self, client_as, published):
        client = client_as("viewer")
        response = client.post(URL, {"page": published.pk, "widget": "FilePicker1"})
        assert_error(response, 400, "required", "file")
        file = SimpleUploadedFile("a.txt", b"x")
        response = client.post(URL, {"file": file, "widget": "FilePicker1"})
        assert_error(response, 400, "required", "page")
        response = client.post(
            URL, {"file": SimpleUploadedFile("a.txt", b"x"), "page": published.pk}
        )
        assert_error(response, 400, "required", "widget")

    @pytest.mark.parametrize(
        ("fields", "code", "field"),
        [
            ({"page": "abc"}, "invalid", "page"),
            ({"widget": "Nope"}, "widget_not_found", "widget"),
            ({"widget": "Title"}, "not_a_file_picker", "widget"),
            ({"extra": "1"}, "unknown_field", "extra"),
        ],
    )
    def test_bad_fields(self, client_as, published, fields, code, field):
        assert_error(upload(client_as("viewer"), published, **fields), 400, code, field)

    def test_one_file_per_request(self, client_as, published):
        body = {
            "file": [SimpleUploadedFile("a.txt", b"a"), SimpleUploadedFile("b.txt", b"b")],
            "page": published.pk,
            "widget": "FilePicker1",
        }
        response = client_as("viewer").post(URL, body, format="multipart")
        assert_error(response, 400, "too_many_files", "file")

    def test_json_is_not_accepted(self, client_as, published):
        response = client_as("viewer").post(URL, {"page": published.pk}, format="json")
        assert_error(response, 415, "unsupported_media_type")


class TestAccess:
    @pytest.mark.parametrize(
        ("role", "status", "code"),
        [("outsider", 404, "not_found"), ("anonymous", 401, "not_authenticated")],
    )
    def test_members_only(self, client_as, published, role, status, code):
        assert_error(upload(client_as(role), published), status, code)
        assert not RuntimeFile.objects.exists()

    def test_an_unpublished_application(self, client_as, page, media):
        assert_error(upload(client_as("viewer"), page), 404, "not_published")

    def test_a_page_added_after_publishing(self, client_as, published, media):
        later = Page.objects.create(
            application=published.application, name="Later", slug="later", layout=published.layout
        )
        assert_error(upload(client_as("viewer"), later), 404, "not_published")

    def test_an_unknown_page(self, client_as, published):
        assert_error(upload(client_as("viewer"), published, page=999999), 404, "not_found")


class TestPurging:
    def test_expired_files_and_their_bytes_go(self, application, members, media):
        old = store_bytes(members["viewer"], application, b"old", expires_in=timedelta(seconds=-1))
        fresh = store_bytes(members["viewer"], application, b"fresh")
        assert purge_expired_runtime_files() == 1
        assert list(RuntimeFile.objects.values_list("pk", flat=True)) == [fresh.pk]
        assert not (media / old.storage_name).exists()
        assert (media / fresh.storage_name).read_bytes() == b"fresh"

    def test_a_row_whose_bytes_are_gone_goes_too(self, application, members, media):
        lost = store_bytes(members["viewer"], application, b"x", expires_in=timedelta(seconds=-1))
        (media / lost.storage_name).unlink()
        assert purge_expired_runtime_files() == 1
        assert not RuntimeFile.objects.exists()

    def test_in_batches(self, application, members, media):
        for _ in range(3):
            store_bytes(members["viewer"], application, b"x", expires_in=timedelta(seconds=-1))
        assert purge_expired_runtime_files(batch=2) == 3
        assert stored_files(media) == []

    def test_an_explicit_now(self, application, members, media):
        store_bytes(members["viewer"], application, b"x", expires_in=timedelta(hours=1))
        assert purge_expired_runtime_files(timezone.now()) == 0
        assert purge_expired_runtime_files(timezone.now() + timedelta(hours=2)) == 1


class TestDeletingOwners:
    """A file's bytes go with its row when its application or user is deleted."""

    def test_deleting_the_application_deletes_the_bytes(
        self, application, members, media, django_capture_on_commit_callbacks
    ):
        stored = store_bytes(members["viewer"], application, b"bytes")
        other = store_bytes(
            members["viewer"],
            create_application(
                workspace=application.workspace, user=members["admin"], name="Other"
            ),
            b"kept",
        )
        with django_capture_on_commit_callbacks(execute=True):
            application.delete()
        assert not (media / stored.storage_name).exists()
        assert (media / other.storage_name).read_bytes() == b"kept"
        assert list(RuntimeFile.objects.values_list("pk", flat=True)) == [other.pk]

    def test_deleting_the_user_deletes_the_bytes(
        self, application, members, media, django_capture_on_commit_callbacks
    ):
        mine = store_bytes(members["viewer"], application, b"mine")
        theirs = store_bytes(members["developer"], application, b"theirs")
        with django_capture_on_commit_callbacks(execute=True):
            members["viewer"].delete()
        assert stored_files(media) == [media / theirs.storage_name]
        assert not RuntimeFile.objects.filter(pk=mine.pk).exists()

    def test_a_rolled_back_deletion_keeps_the_bytes(
        self, application, members, media, django_capture_on_commit_callbacks
    ):
        stored = store_bytes(members["viewer"], application, b"bytes")
        with (
            django_capture_on_commit_callbacks(execute=True) as callbacks,
            pytest.raises(DatabaseError),
            transaction.atomic(),
        ):
            application.delete()
            raise DatabaseError("rolled back")
        assert callbacks == []
        assert (media / stored.storage_name).read_bytes() == b"bytes"
        assert RuntimeFile.objects.filter(pk=stored.pk).exists()

    def test_a_failing_storage_is_logged_and_the_rows_stay_deleted(
        self, application, members, media, django_capture_on_commit_callbacks, monkeypatch, caplog
    ):
        stored = store_bytes(members["viewer"], application, b"bytes")

        def refuse(name: str) -> None:
            raise OSError(f"storage refused to delete {name}")

        monkeypatch.setattr(files.default_storage, "delete", refuse)
        with django_capture_on_commit_callbacks(execute=True):
            application.delete()
        assert not RuntimeFile.objects.exists()
        assert (media / stored.storage_name).exists()
        assert "storage refused to delete" in caplog.text
