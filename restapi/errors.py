"""Errors of reading a request's own values (ids in paths, query strings, bodies).

Plain Python, like every app's error root: each carries ``code``, ``message``
and ``field``; `builder.api.errors` maps them to HTTP with the other apps'.

    RequestValueError           code, message, field
    ├── UnknownId               "not_found": an id in the path no object can have (404)
    ├── InvalidId               "invalid": an id in a query or body that is not one (400)
    └── RequestBodyTooLarge     "payload_too_large": over DATA_UPLOAD_MAX_MEMORY_SIZE (413)
"""

from __future__ import annotations

from typing import ClassVar


class RequestValueError(Exception):
    code: ClassVar[str] = "invalid"
    default_message: ClassVar[str] = "The request is invalid."

    def __init__(self, message: str | None = None, *, field: str | None = None) -> None:
        self.message = message or self.default_message
        self.field = field
        super().__init__(self.message)


class UnknownId(RequestValueError):
    """Like any unknown id: a 404 that says nothing of what exists."""

    code = "not_found"
    default_message = "Not found."


class InvalidId(RequestValueError):
    code = "invalid"


class RequestBodyTooLarge(RequestValueError):
    """Refused before DRF parses it (`restapi.base.EditorViewSet.initial`)."""

    code = "payload_too_large"
    default_message = "The request body is too large."
