"""Helpers shared by the builder's tests: error assertions, layouts, picked files."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any


def assert_error(response: Any, status: int, code: str, field: str | None = None) -> dict[str, Any]:
    """The response is an error of that status and code, naming `field` (or none)."""
    body = response.json()
    assert response.status_code == status, body
    assert body["code"] == code, body
    assert isinstance(body["message"], str) and body["message"], body
    if field is None:
        assert "field" not in body, body
    else:
        assert body.get("field") == field, body
    return body


def widget(name: str, type_: str, props: dict[str, Any] | None = None, y: int = 0) -> dict:
    return {
        "widgetName": name,
        "type": type_,
        "props": copy.deepcopy(props or {}),
        "position": {"x": 0, "y": y, "w": 20, "h": 4},
        "children": [],
    }


def layout(*children: dict[str, Any]) -> dict[str, Any]:
    """A MainContainer holding `children`, stacked so that none overlap."""
    placed = []
    for index, child in enumerate(children):
        child = copy.deepcopy(child)
        child["position"]["y"] = index * 5
        placed.append(child)
    return {
        "widgetName": "MainContainer",
        "type": "Container",
        "props": {},
        "position": {"x": 0, "y": 0, "w": 64, "h": 60},
        "children": placed,
    }


def store_bytes(
    user: Any,
    application: Any,
    content: bytes,
    *,
    name: str = "a.txt",
    content_type: str = "text/plain",
    expires_in: timedelta = timedelta(hours=1),
) -> Any:
    """A RuntimeFile as if `user` had picked it in `application` (bytes in default storage)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from builder.execution.files import new_file_id
    from builder.models import RuntimeFile

    file_id = new_file_id()
    storage_name = default_storage.save(f"runtime-files/test/{file_id}", ContentFile(content))
    return RuntimeFile.objects.create(
        id=file_id,
        owner=user,
        application=application,
        widget="FilePicker1",
        name=name,
        size=len(content),
        content_type=content_type,
        storage_name=storage_name,
        expires_at=timezone.now() + expires_in,
    )


def file_json(runtime_file: Any) -> dict[str, Any]:
    """The FilePicker meta entry for a stored file, as the portal keeps it."""
    return {
        "id": runtime_file.id,
        "name": runtime_file.name,
        "size": runtime_file.size,
        "type": runtime_file.content_type,
        "data": f"blob:{runtime_file.id}",
    }
