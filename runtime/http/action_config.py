"""Validated input of the executor: an evaluated action config and its datasource.

The executor's caller stores actions and datasources as JSON (docs/editor-api.md) and
evaluates every ``{{ }}`` binding before calling us, so these classes parse
plain JSON values. Validation is eager and every error names its field, e.g.
``config.headers[2].key``, so the editor can highlight the box to fix.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from runtime.http.errors import InvalidActionConfigError

__all__ = [
    "DEFAULT_ENCODE_QUERY_PARAMS",
    "DEFAULT_TIMEOUT_S",
    "METHODS",
    "ActionConfig",
    "BodyType",
    "DatasourceConfig",
    "KeyValue",
    "to_text",
]

# The one default of an action's timeout: the editor's API fills it in on save,
# and a config stored without it (a seed, an import) gets it here.
DEFAULT_TIMEOUT_S = 60
# The query's own parameters (its rows and the query string of its path) are
# percent-encoded unless a config says ``"encode_query_params": false``.
DEFAULT_ENCODE_QUERY_PARAMS = True
# In the order the editor offers them.
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


class BodyType(StrEnum):
    """The body tabs of the editor's API pane."""

    NONE = "none"
    JSON = "json"
    FORM_URLENCODED = "form_urlencoded"
    MULTIPART = "multipart"
    RAW = "raw"
    BINARY = "binary"


# Spellings seen in Appsmith exports and in the editor's tab labels.
_BODY_TYPE_ALIASES = {
    "": BodyType.NONE,
    "application/json": BodyType.JSON,
    "x-www-form-urlencoded": BodyType.FORM_URLENCODED,
    "application/x-www-form-urlencoded": BodyType.FORM_URLENCODED,
    "form_data": BodyType.MULTIPART,
    "form-data": BodyType.MULTIPART,
    "multipart/form-data": BodyType.MULTIPART,
    "text": BodyType.RAW,
    "text/plain": BodyType.RAW,
}


def to_text(value: object) -> str:
    """Render an evaluated value the way JavaScript's ``String()`` would for scalars.

    Objects and arrays become compact JSON rather than ``[object Object]``,
    which is what a user writing ``{{ {a: 1} }}`` in a header means.
    """
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class KeyValue:
    """One row of a key/value table; ``field`` locates it for error messages."""

    key: str
    value: object
    field: str


def _key_values(raw: object, field: str) -> tuple[KeyValue, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, Sequence) or isinstance(raw, str | bytes):
        raise InvalidActionConfigError(
            'must be a list of {"key": ..., "value": ...} rows', field=field
        )
    rows = []
    for index, row in enumerate(raw):
        row_field = f"{field}[{index}]"
        if not isinstance(row, Mapping):
            raise InvalidActionConfigError(
                'must be an object {"key": ..., "value": ...}', field=row_field
            )
        key = row.get("key")
        if key is None:
            key = ""
        if not isinstance(key, str):
            raise InvalidActionConfigError("must be a string", field=f"{row_field}.key")
        # The editor always shows a trailing empty row; rows without a key are not sent.
        if not key.strip():
            continue
        rows.append(KeyValue(key=key.strip(), value=row.get("value"), field=row_field))
    return tuple(rows)


def _optional_str(data: Mapping[str, Any], name: str, prefix: str) -> str:
    value = data.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidActionConfigError("must be a string", field=f"{prefix}.{name}")
    return value.strip()


@dataclass(frozen=True)
class DatasourceConfig:
    """The non-secret part of an Authenticated API datasource."""

    url: str = ""
    headers: tuple[KeyValue, ...] = ()
    query_params: tuple[KeyValue, ...] = ()

    @classmethod
    def from_mapping(
        cls, data: Mapping[str, Any] | None, *, prefix: str = "datasource"
    ) -> DatasourceConfig:
        if data is None:
            return cls()
        if not isinstance(data, Mapping):
            raise InvalidActionConfigError("must be an object", field=prefix)
        return cls(
            url=_optional_str(data, "url", prefix),
            headers=_key_values(data.get("headers"), f"{prefix}.headers"),
            query_params=_key_values(data.get("query_params"), f"{prefix}.query_params"),
        )


@dataclass(frozen=True)
class ActionConfig:
    """An action's ``config`` after binding evaluation."""

    method: str = "GET"
    path: str = ""
    headers: tuple[KeyValue, ...] = ()
    query_params: tuple[KeyValue, ...] = ()
    body_type: BodyType = BodyType.NONE
    body: object = None
    timeout_s: float = float(DEFAULT_TIMEOUT_S)
    # False: the query's own parameters go as typed after bindings
    # (runtime.http.request_builder.build_url).
    encode_query_params: bool = DEFAULT_ENCODE_QUERY_PARAMS

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, prefix: str = "config") -> ActionConfig:
        if not isinstance(data, Mapping):
            raise InvalidActionConfigError("must be an object", field=prefix)
        return cls(
            method=_method(data.get("method"), f"{prefix}.method"),
            path=_optional_str(data, "path", prefix),
            headers=_key_values(data.get("headers"), f"{prefix}.headers"),
            query_params=_key_values(data.get("query_params"), f"{prefix}.query_params"),
            body_type=_body_type(data.get("body_type"), f"{prefix}.body_type"),
            body=data.get("body"),
            timeout_s=_timeout(data.get("timeout_s"), f"{prefix}.timeout_s"),
            encode_query_params=_flag(
                data.get("encode_query_params"),
                DEFAULT_ENCODE_QUERY_PARAMS,
                f"{prefix}.encode_query_params",
            ),
        )


def _method(value: object, field: str) -> str:
    if value is None:
        return "GET"
    if not isinstance(value, str) or value.strip().upper() not in METHODS:
        allowed = ", ".join(sorted(METHODS))
        raise InvalidActionConfigError(f"must be one of {allowed}", field=field)
    return value.strip().upper()


def _flag(value: object, default: bool, field: str) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        raise InvalidActionConfigError("must be true or false", field=field)
    return value


def _body_type(value: object, field: str) -> BodyType:
    if value is None:
        return BodyType.NONE
    if isinstance(value, str):
        name = value.strip().lower()
        if name in _BODY_TYPE_ALIASES:
            return _BODY_TYPE_ALIASES[name]
        try:
            return BodyType(name)
        except ValueError:
            pass
    allowed = ", ".join(member.value for member in BodyType)
    raise InvalidActionConfigError(f"must be one of {allowed}", field=field)


def _timeout(value: object, field: str) -> float:
    if value is None:
        return float(DEFAULT_TIMEOUT_S)
    # bool is an int subclass; ``true`` seconds is a mistake, not 1 second.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidActionConfigError("must be a number of seconds", field=field)
    if not math.isfinite(value) or value <= 0:
        raise InvalidActionConfigError("must be a positive number of seconds", field=field)
    return float(value)
