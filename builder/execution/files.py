"""Files end users pick in a portal: stored, resolved for queries, purged.

    runtime_file = save_runtime_file(user=u, application=a, widget="FilePicker1", upload=f,
                                     name="a.txt", content_type="text/plain", keep=1)
    picked_file_json(runtime_file, data_format)   # {id, name, size, type, data}
    RuntimeFileResolver(user, application)        # `blob:<id>` -> a stream, owner only
    purge_expired_runtime_files()                 # the Celery beat job
    delete_stored_bytes                           # post_delete: bytes go with their row

Bytes go to Django's default storage under a random id, streamed from the
upload (Django spools big uploads to a temporary file, never to memory) and
streamed again, chunk by chunk, into the query that sends them. Checking an
upload against its FilePicker is the portal's (`builder.portal.picked_files`).

A user keeps at most BRACE_RUNTIME_FILES_MAX_PER_USER_APP unexpired files and
BRACE_RUNTIME_BYTES_MAX_PER_USER_APP bytes in one application (429
`stored_files_limit`, 413 `stored_bytes_limit`), and a widget's picks replace
its earlier ones: an upload keeps only the `keep - 1` newest earlier files of
its widget. Both happen under a lock on the user's row, so uploads at once
cannot both pass the budget.
"""

from __future__ import annotations

import base64
import math
import mimetypes
import re
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, BinaryIO, cast

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone

from builder.errors import PayloadTooLarge, TooMany
from builder.models import Application, RuntimeFile
from runtime import FILE_REFERENCE_PREFIX
from runtime.http import ResolvedFile

__all__ = [
    "FILE_PICKER",
    "INLINE_MAX_BYTES",
    "RuntimeFileResolver",
    "content_type_of",
    "delete_stored_bytes",
    "picked_file_json",
    "purge_expired_runtime_files",
    "save_runtime_file",
]

FILE_PICKER = "FilePicker"
# Text and Base64 data formats put the content in the answer (and in the
# session's meta state) only up to this size; larger files stay references.
INLINE_MAX_BYTES = 1024 * 1024
_MIME_TYPE = re.compile(r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*")
_STORAGE_FOLDER = "runtime-files"


def new_file_id() -> str:
    """`f_` and 192 random bits: unguessable, and a valid `blob:` reference id."""
    return "f_" + secrets.token_urlsafe(24)


def content_type_of(upload: UploadedFile) -> str:
    """The browser's MIME type if it is one, else a guess from the name."""
    given = (upload.content_type or "").split(";")[0].strip().lower()
    if _MIME_TYPE.fullmatch(given):
        return given
    guessed, _ = mimetypes.guess_type(upload.name or "")
    return guessed or "application/octet-stream"


def _replace_earlier_picks(user: User, application: Application, widget: str, *, keep: int) -> None:
    """Delete the user's files of `widget` but the `keep` newest (bytes go on commit)."""
    earlier = RuntimeFile.objects.filter(owner=user, application=application, widget=widget)
    stale = list(earlier.order_by("-created_at", "-id").values_list("pk", flat=True)[keep:])
    if stale:
        # Through the ORM, which sends post_delete per row: `delete_stored_bytes` deletes
        # its bytes once this commits (not if the upload is refused and rolls back).
        RuntimeFile.objects.filter(pk__in=stale).delete()


def _check_budget(user: User, application: Application, size: int) -> None:
    """Refuse a file that would take the user's stored files in `application` over budget."""
    now = timezone.now()
    stored = RuntimeFile.objects.filter(
        owner=user, application=application, expires_at__gt=now
    ).aggregate(
        files=models.Count("pk"), bytes=models.Sum("size"), first_expiry=models.Min("expires_at")
    )
    max_files = settings.BRACE_RUNTIME_FILES_MAX_PER_USER_APP
    if stored["files"] + 1 > max_files:
        first_expiry = stored["first_expiry"]
        raise TooMany(
            f"You keep {stored['files']} picked files in this app, the most allowed "
            f"({max_files}); try again once earlier ones expire.",
            code="stored_files_limit",
            field="file",
            retry_after=math.ceil((first_expiry - now).total_seconds()) if first_expiry else None,
        )
    max_bytes = settings.BRACE_RUNTIME_BYTES_MAX_PER_USER_APP
    if (stored["bytes"] or 0) + size > max_bytes:
        raise PayloadTooLarge(
            f"This file would take your picked files in this app over {max_bytes} bytes "
            f"({stored['bytes'] or 0} stored); try again once earlier ones expire.",
            code="stored_bytes_limit",
            field="file",
        )


def save_runtime_file(
    *,
    user: User,
    application: Application,
    widget: str,
    upload: UploadedFile,
    name: str,
    content_type: str,
    keep: int,
) -> RuntimeFile:
    """Store an upload's bytes under a new random id, and its row; the row.

    The user's earlier files of `widget` but the `keep - 1` newest are deleted
    (a picker keeps `keep` files), then the budget is checked (429, 413).
    """
    file_id = new_file_id()
    # The stored name holds only the random id: the user's name never reaches a path.
    # Written before the lock is taken, so that no lock waits on the storage.
    storage_name = default_storage.save(f"{_STORAGE_FOLDER}/{application.pk}/{file_id}", upload)
    try:
        size = default_storage.size(storage_name)
        with transaction.atomic():
            # The user's row orders their uploads (SQLite: the write lock of BEGIN IMMEDIATE).
            list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk"))
            _replace_earlier_picks(user, application, widget, keep=keep - 1)
            _check_budget(user, application, size)
            return RuntimeFile.objects.create(
                id=file_id,
                owner=user,
                application=application,
                widget=widget,
                name=name,
                size=size,
                content_type=content_type,
                storage_name=storage_name,
                expires_at=timezone.now() + timedelta(seconds=settings.BRACE_RUNTIME_FILE_TTL_S),
            )
    except BaseException:
        default_storage.delete(storage_name)
        raise


def _inline_data(runtime_file: RuntimeFile, data_format: Any) -> str | None:
    if data_format not in ("Text", "Base64") or runtime_file.size > INLINE_MAX_BYTES:
        return None
    with default_storage.open(runtime_file.storage_name, "rb") as handle:
        content = handle.read(INLINE_MAX_BYTES + 1)
    if data_format == "Base64":
        encoded = base64.b64encode(content).decode("ascii")
        return f"data:{runtime_file.content_type};base64,{encoded}"
    try:
        return str(content.decode("utf-8"))
    except UnicodeDecodeError:
        return None  # not text: the reference still lets a query send it


def picked_file_json(runtime_file: RuntimeFile, data_format: Any) -> dict[str, Any]:
    """What the portal puts in the FilePicker's `files`: {id, name, size, type, data}."""
    data = _inline_data(runtime_file, data_format)
    return {
        "id": runtime_file.id,
        "name": runtime_file.name,
        "size": runtime_file.size,
        "type": runtime_file.content_type,
        "data": runtime_file.reference if data is None else data,
    }


class RuntimeFileResolver:
    """`blob:<id>` -> the stored file, for files `user` picked in `application` only.

    Any other reference (another user's, another application's, expired,
    unknown) raises LookupError, which the executor reports naming the field.
    ``known`` are rows the caller has just read (an event's picked files,
    checked before it runs): they are not read again.
    """

    def __init__(
        self,
        user: User | None,
        application: Application | int,
        *,
        known: Iterable[RuntimeFile] = (),
    ) -> None:
        self.user_id = user.pk if user is not None else None  # None: no file is anyone's
        self.application_id = application if isinstance(application, int) else application.pk
        self._known = {row.pk: row for row in known}

    def _row(self, file_id: str) -> RuntimeFile | None:
        now = timezone.now()
        row = self._known.get(file_id)
        if row is not None:
            mine = (row.owner_id, row.application_id) == (self.user_id, self.application_id)
            return row if mine and row.expires_at > now else None
        return RuntimeFile.objects.filter(
            pk=file_id,
            owner_id=self.user_id,
            application_id=self.application_id,
            expires_at__gt=now,
        ).first()

    def resolve(self, reference: str) -> ResolvedFile:
        runtime_file = self._row(reference.removeprefix(FILE_REFERENCE_PREFIX))
        if self.user_id is None or runtime_file is None:
            raise LookupError(reference)
        storage_name = runtime_file.storage_name
        return ResolvedFile(
            name=runtime_file.name,
            size=runtime_file.size,
            content_type=runtime_file.content_type,
            opener=lambda: cast(BinaryIO, default_storage.open(storage_name, "rb")),
        )


def delete_stored_bytes(sender: type[RuntimeFile], instance: RuntimeFile, **kwargs: Any) -> None:
    """Delete a runtime file's bytes once the deletion of its row commits.

    Connected to ``post_delete`` (BuilderConfig.ready), so the bytes also go
    when a cascade removes the row: its application or its owner deleted.
    A rolled-back deletion keeps them; a storage that fails is logged by
    Django (``robust``) and the row stays deleted.
    """
    storage_name = instance.storage_name
    transaction.on_commit(lambda: default_storage.delete(storage_name), robust=True)


def purge_expired_runtime_files(now: datetime | None = None, *, batch: int = 500) -> int:
    """Delete expired files, bytes first, then rows; the number deleted."""
    now = now or timezone.now()
    deleted = 0
    while True:
        rows = list(
            RuntimeFile.objects.filter(expires_at__lte=now).values_list("pk", "storage_name")[
                :batch
            ]
        )
        if not rows:
            return deleted
        for _, storage_name in rows:
            # A missing file (deleted by hand, or a crash between the two
            # steps last time) must not keep its row forever.
            default_storage.delete(storage_name)
        with transaction.atomic():
            deleted += RuntimeFile.objects.filter(pk__in=[pk for pk, _ in rows]).delete()[0]
