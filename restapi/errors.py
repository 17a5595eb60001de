"""Errors of reading a request's own values (ids in paths, query strings, bodies).

Plain Python, like every app's error root: each carries ``code``, ``message``
and ``field``; `builder.api.errors` maps them to HTTP with the other apps'.

    RequestValueError           code, message, field
    ├── UnknownId               "not_found": an id in the path no object can have (404)
    └── InvalidId               "invalid": an id in a query or body that is not one (400)
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
