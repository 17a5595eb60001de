"""Ids as the API reads them from paths, query strings and bodies."""

from __future__ import annotations

from typing import Any

from restapi.errors import InvalidId, UnknownId

# The largest id a 64-bit primary key column holds (PostgreSQL's bigint).
MAX_ID = 2**63 - 1


def parse_id(value: Any, *, field: str | None = None) -> int:
    """An id from a URL (`field` None: a bad one is a 404) or a named query or body value (400)."""
    text = str(value)
    # Digits are counted first: int() refuses strings of over 4,300 of them.
    if text.isascii() and text.isdigit() and len(text.lstrip("0")) <= len(str(MAX_ID)):
        number = int(text)
        if 0 < number <= MAX_ID:
            return number
    if field is None:
        raise UnknownId()
    raise InvalidId(f"{field} must be a positive integer id.", field=field)


class IdConverter:
    """A path converter for ids: digits that a 64-bit key can hold, else no match (404).

    Django's `int` converter lets `/apps/99999999999999999999/` through to a query
    that the database refuses.
    """

    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        try:
            return parse_id(value)
        except UnknownId as error:
            raise ValueError(value) from error

    def to_url(self, value: int) -> str:
        return str(value)
