"""FilePicker meta checked against the files the user stored: no one sends another's file.

    total = check_picked_files(meta["files"], user=u, application=app, data_format="Binary")

The portal puts in `files` exactly what POST runtime/files/ answered. Each
entry must name a `RuntimeFile` of this user in this application that has not
expired, with its stored name, size and type, and `data` either its `blob:`
reference or, for dataFormat Text and Base64, the inline content files/
answered. Anything else is a 400 naming the entry's key
(`meta.files[0].data`). The total size decides whether the event runs in the
background.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils import timezone

from builder.api.errors import APIError
from builder.execution.files import picked_file_json
from builder.models import Application, RuntimeFile

__all__ = ["check_picked_files"]

REFERENCE_PREFIX = "blob:"


def _reference_id(entry: Mapping[str, Any]) -> tuple[str, str]:
    """The stored file's id an entry claims, and the key that claims it."""
    data = entry.get("data")
    if isinstance(data, str) and data.startswith(REFERENCE_PREFIX):
        return data.removeprefix(REFERENCE_PREFIX), "data"
    return str(entry.get("id")), "id"


def check_picked_files(
    files: Sequence[Mapping[str, Any]],
    *,
    user: Any,
    application: Application,
    data_format: Any,
    path: str = "meta.files",
) -> int:
    """Refuse entries that are not this user's stored files (400); their total size in bytes."""
    claimed = [_reference_id(entry) for entry in files]
    rows = {
        row.pk: row
        for row in RuntimeFile.objects.filter(
            pk__in=[file_id for file_id, _ in claimed],
            owner_id=getattr(user, "pk", None),
            application=application,
            expires_at__gt=timezone.now(),
        )
    }
    total = 0
    for index, (entry, (file_id, key)) in enumerate(zip(files, claimed, strict=True)):
        entry_path = f"{path}[{index}]"
        row = rows.get(file_id)
        if row is None:
            raise APIError(
                "This is not a file you picked in this app, or it has expired; pick it again.",
                code="invalid_file_reference",
                field=f"{entry_path}.{key}",
            )
        expected = picked_file_json(row, data_format)
        for name in ("id", "name", "size", "type"):
            if entry.get(name) != expected[name] or isinstance(entry.get(name), bool):
                raise APIError(
                    f"{name} does not match the stored file; send the entry files/ answered.",
                    code="file_mismatch",
                    field=f"{entry_path}.{name}",
                )
        if entry.get("data") not in (row.reference, expected["data"]):
            raise APIError(
                "data must be the file's blob: reference or the content files/ answered.",
                code="invalid_file_reference",
                field=f"{entry_path}.data",
            )
        total += row.size
    return total
