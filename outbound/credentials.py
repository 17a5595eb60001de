"""Which headers and query parameters of an outbound request carry credentials.

One rule, by name, for every place that must not show what such a field
holds: a value typed into a query's or a datasource's headers and parameters
is write-only in the API and masked in the admin when its name says it is a
credential, and the request summary a run answers redacts it. The rule is
generous on purpose: hiding an innocent value costs the editor a retype,
showing a key leaks it.

    >>> is_credential_name("X-API-Key"), is_credential_name("access_token")
    (True, True)
    >>> is_credential_name("Dropbox-API-Arg")
    False

Key/value rows (``[{"key", "value"}]``) are shown with `hide_credentials`: a
credential's literal value comes back as ``{"key", "value": "", "value_set":
true}``, like a datasource's ``client_secret_set``. A row sent back that way
keeps the stored value (`keep_credentials`); a row with a value replaces it.
A value holding a ``{{ }}`` binding is not a typed credential but a reference
to one, and is shown: the caller says which values are literal.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from outbound.errors import NoStoredCredentialError

__all__ = [
    "CREDENTIAL_NAMES",
    "CREDENTIAL_NAME_PARTS",
    "VALUE_SET",
    "hide_credentials",
    "is_credential_name",
    "keep_credentials",
]

CREDENTIAL_NAMES = frozenset({"authorization", "proxy-authorization", "cookie"})
"""Names that carry credentials whole (compared without case)."""

CREDENTIAL_NAME_PARTS = ("key", "token", "secret", "password")
"""A name that holds one of these (without case) carries a credential."""

VALUE_SET = "value_set"
"""The key that marks a row whose stored value is write-only."""


def is_credential_name(name: str) -> bool:
    """Whether a header or query parameter of this name carries a credential."""
    lowered = name.strip().lower()
    return lowered in CREDENTIAL_NAMES or any(part in lowered for part in CREDENTIAL_NAME_PARTS)


def _always(value: str) -> bool:
    return True


def _is_hidden(row: Any, is_literal: Callable[[str], bool]) -> bool:
    """Whether a stored row's value is a typed credential (shown only as set)."""
    if not isinstance(row, Mapping):
        return False
    key, value = row.get("key"), row.get("value")
    return (
        isinstance(key, str)
        and isinstance(value, str)
        and value != ""
        and is_credential_name(key)
        and is_literal(value)
    )


def hide_credentials(rows: Any, *, is_literal: Callable[[str], bool] = _always) -> Any:
    """The rows as an API or the admin shows them: typed credentials as ``value_set``."""
    if not isinstance(rows, list):
        return rows
    return [
        {**row, "value": "", VALUE_SET: True} if _is_hidden(row, is_literal) else row
        for row in rows
    ]


def keep_credentials(
    rows: Iterable[Any],
    stored: Any,
    *,
    is_literal: Callable[[str], bool] = _always,
) -> list[Any]:
    """The rows to store: each sent back as ``value_set`` with an empty value keeps its own.

    A kept row takes the stored value of a hidden row with the same name
    (without case), the first for the first such row and so on, so two
    ``X-Key`` rows keep theirs. A row asking to keep a value that is not
    stored (a new name, a renamed row) raises `NoStoredCredentialError`
    naming its index: the secret cannot move to a name that would show it.
    """
    values: defaultdict[str, deque[str]] = defaultdict(deque)
    for row in stored if isinstance(stored, list) else []:
        if _is_hidden(row, is_literal):
            values[row["key"].strip().lower()].append(row["value"])
    kept: list[Any] = []
    for index, row in enumerate(rows):
        if not isinstance(row, Mapping):
            kept.append(row)  # not a row: the caller's validation speaks of it
            continue
        plain = {name: value for name, value in row.items() if name != VALUE_SET}
        if row.get(VALUE_SET) is True and row.get("value") == "":
            key = str(row.get("key", ""))
            found = values[key.strip().lower()]
            if not found:
                raise NoStoredCredentialError(index, key)
            plain["value"] = found.popleft()
        kept.append(plain)
    return kept
