"""From an evaluated action and its datasource to one ``httpx.Request``.

Merge rules (each layer overrides the previous one on the same name):

* URL: the datasource URL, then the action path appended with exactly one
  ``/`` between them; a path that starts with ``?`` is appended as is. The
  result, or a path that is a full URL, must be on the datasource's own
  origin (scheme, host and port), because the datasource's credentials go
  with every request it makes. Bindings in the path come here already
  percent-encoded for where they sit (``runtime.url_template``).
* Headers (names compared case-insensitively): executor defaults, then
  datasource headers, then action headers.
* Query parameters: the datasource URL's query string, the datasource rows,
  the query string written in the path, the action rows. Repeats of one key
  inside one layer are all kept (``ids=1&ids=2``).

File references are resolved here, so an unknown ``blob:`` fails before any
network I/O; the files are only opened while the body is being sent.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote

import httpx

from runtime.http.action_config import ActionConfig, BodyType, DatasourceConfig, KeyValue, to_text
from runtime.http.content_coding import ACCEPT_ENCODING
from runtime.http.deadline import Deadline
from runtime.http.errors import InvalidBodyError, InvalidHeaderError, InvalidURLError
from runtime.http.files import (
    FileByteStream,
    FileResolver,
    ResolvedFile,
    is_file_reference,
    resolve_reference,
)
from runtime.http.multipart import FilePart, MultipartStream, TextPart, new_boundary

__all__ = ["DEFAULT_HEADERS", "BuiltRequest", "build_request", "build_url", "merge_rows"]

DEFAULT_HEADERS = (
    KeyValue("User-Agent", "Brace/0.1 (+httpx)", "defaults"),
    KeyValue("Accept", "*/*", "defaults"),
    KeyValue("Accept-Encoding", ACCEPT_ENCODING, "defaults"),
)
# Framing headers are computed from the body; a user-set value would corrupt
# the request. Host must match the URL that the outbound policy checked.
_RESERVED_HEADERS = frozenset({"content-length", "transfer-encoding", "host", "connection"})
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_ABSOLUTE_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_PREVIEW_CHARS = 2048


@dataclass
class BuiltRequest:
    """The request to send and a summary of its body for the debug view."""

    request: httpx.Request
    body_summary: dict[str, Any] = field(default_factory=dict)


def merge_rows(layers: Iterable[Sequence[KeyValue]], *, ignore_case: bool) -> list[KeyValue]:
    """Concatenate layers; a later layer drops earlier rows that share a key."""

    def norm(key: str) -> str:
        return key.lower() if ignore_case else key

    merged: list[KeyValue] = []
    for layer in layers:
        names = {norm(row.key) for row in layer}
        merged = [row for row in merged if norm(row.key) not in names] + list(layer)
    return merged


def _parse_url(raw: str, field_name: str) -> httpx.URL:
    try:
        url = httpx.URL(raw)
    except httpx.InvalidURL as exc:
        raise InvalidURLError(f"is not a valid URL: {exc}", field=field_name) from None
    if url.scheme not in ("http", "https"):
        raise InvalidURLError("must start with http:// or https://", field=field_name)
    if not url.host:
        raise InvalidURLError("has no host name", field=field_name)
    if url.userinfo:
        raise InvalidURLError(
            "must not contain a user name or password; use the datasource's authentication",
            field=field_name,
        )
    return url


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    default = {"http": 80, "https": 443}.get(url.scheme)
    return url.scheme, url.host, url.port or default


def _query_rows(url: httpx.URL, field_name: str) -> list[KeyValue]:
    return [KeyValue(k, v, field_name) for k, v in url.params.multi_items()]


def build_url(action: ActionConfig, datasource: DatasourceConfig) -> httpx.URL:
    """The final URL, query parameters merged (see the module docstring)."""
    path = action.path
    if not action.encode_query_params:
        _typed(path, "config.path")  # line breaks: httpx would drop them, we refuse
    base = _parse_url(datasource.url, "datasource.url") if datasource.url else None
    base_rows: list[KeyValue] = []
    if _ABSOLUTE_URL.match(path):
        url = _parse_url(path, "config.path")
    elif base is None:
        raise InvalidURLError(
            "must be a full http(s) URL when the action has no datasource URL",
            field="config.path",
        )
    else:
        base_rows = _query_rows(base, "datasource.url")
        joined = str(base.copy_with(query=None, fragment=None))
        if path.startswith("?"):
            joined += path
        elif path:
            joined = joined.rstrip("/") + "/" + path.lstrip("/")
        url = _parse_url(joined, "config.path")
    # Checked on the URL as built, whatever the path holds: bound values are
    # encoded so that they cannot move it (runtime.url_template), typed text can.
    if base is not None and _origin(url) != _origin(base):
        raise InvalidURLError(
            "must stay on the datasource URL's scheme, host and port, because the "
            "datasource's credentials are sent with it; use a path relative to the datasource URL",
            field="config.path",
        )
    if not action.encode_query_params:
        return url.copy_with(query=_typed_query(url, base_rows, datasource, action), fragment=None)
    path_rows = _query_rows(url, "config.path")
    params = merge_rows(
        [base_rows, datasource.query_params, path_rows, action.query_params], ignore_case=False
    )
    return url.copy_with(
        params=httpx.QueryParams([(row.key, to_text(row.value)) for row in params]),
        fragment=None,
    )


# What a query string can carry as typed: printable ASCII but the fragment's
# "#". Anything else (a space, non-ASCII) can only be sent percent-encoded.
_TYPED_SAFE = "".join(chr(code) for code in range(0x21, 0x7F) if chr(code) != "#")
_LINE_BREAKS = ("\r", "\n", "\x00")


def _typed(text: str, field_name: str) -> str:
    if any(char in text for char in _LINE_BREAKS):
        raise InvalidURLError(
            "must not contain line breaks or NUL characters (query parameters are sent "
            "as typed: encode_query_params is off)",
            field=field_name,
        )
    return quote(text, safe=_TYPED_SAFE)


def _typed_query(
    url: httpx.URL, base_rows: list[KeyValue], datasource: DatasourceConfig, action: ActionConfig
) -> bytes:
    """The query string with the action's own parameters as typed (``encode_query_params`` off).

    The path's query string and the action's rows are kept as typed after
    their bindings (``%20`` stays ``%20``, ``,`` and ``/`` are not encoded);
    the datasource's parameters are encoded as always. Layers merge as in
    the encoded case, keys compared decoded. Each row becomes ``key=value``
    wire text here, so the merge keeps the text to send.
    """
    base, own = (
        [
            KeyValue(row.key, str(httpx.QueryParams([(row.key, to_text(row.value))])), row.field)
            for row in rows
        ]
        for rows in (base_rows, datasource.query_params)
    )
    path_rows = []
    for piece in url.query.decode("ascii").split("&") if url.query else ():
        if piece:
            path_rows.append(KeyValue(unquote(piece.partition("=")[0]), piece, "config.path"))
    action_rows = [
        KeyValue(
            row.key,
            _typed(row.key, f"{row.field}.key")
            + "="
            + _typed(to_text(row.value), f"{row.field}.value"),
            row.field,
        )
        for row in action.query_params
    ]
    merged = merge_rows([base, own, path_rows, action_rows], ignore_case=False)
    return "&".join(str(row.value) for row in merged).encode("ascii")


def _wire_value(value: str) -> bytes:
    """A header value as it can go on the wire (HTTP header values are bytes).

    Non-ASCII in a JSON value (Dropbox-API-Arg with a picked "Résumé.pdf") is
    written as JSON ``\\uXXXX`` escapes: the same JSON, and what APIs that take
    JSON headers require. Non-ASCII can only occur inside JSON strings, so
    escaping it in place keeps the text otherwise as typed. Other values are
    sent as UTF-8.
    """
    if value.isascii():
        return value.encode("ascii")
    try:
        json.loads(value)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than the stack
        return value.encode("utf-8")
    escaped = "".join(ch if ch.isascii() else json.dumps(ch)[1:-1] for ch in value)
    return escaped.encode("ascii")


def _headers(action: ActionConfig, datasource: DatasourceConfig) -> list[tuple[bytes, bytes]]:
    rows = merge_rows([DEFAULT_HEADERS, datasource.headers, action.headers], ignore_case=True)
    headers: list[tuple[bytes, bytes]] = []
    for row in rows:
        if not _TOKEN.fullmatch(row.key):
            raise InvalidHeaderError(
                f"{row.key!r} is not a valid header name", field=f"{row.field}.key"
            )
        if row.key.lower() in _RESERVED_HEADERS:
            raise InvalidHeaderError(
                f"{row.key} is set by the executor and cannot be overridden",
                field=f"{row.field}.key",
            )
        value = to_text(row.value)
        if any(ch in value for ch in "\r\n\x00"):
            raise InvalidHeaderError(
                "must not contain line breaks or NUL characters", field=f"{row.field}.value"
            )
        headers.append((row.key.encode("ascii"), _wire_value(value)))
    return headers


def _text_summary(kind: str, text: str, size: int) -> dict[str, Any]:
    return {
        "type": kind,
        "size": size,
        "preview": text[:_PREVIEW_CHARS],
        "truncated": len(text) > _PREVIEW_CHARS,
    }


def _file_summary(reference: str, resolved: ResolvedFile) -> dict[str, Any]:
    return {
        "reference": reference,
        "name": resolved.name,
        "size": resolved.size,
        "content_type": resolved.content_type,
    }


def _file_reference_of(value: object) -> str | None:
    """``blob:<id>``, or a FilePicker file object ``{"data": "blob:<id>", ...}``."""
    if is_file_reference(value):
        return str(value)
    if isinstance(value, Mapping) and is_file_reference(value.get("data")):
        return str(value["data"])
    return None


def _form_rows(body: object, kind: str) -> list[KeyValue]:
    if isinstance(body, Mapping):
        return [KeyValue(str(k), v, f"config.body.{k}") for k, v in body.items()]
    if isinstance(body, Sequence) and not isinstance(body, str | bytes):
        rows = []
        for index, row in enumerate(body):
            row_field = f"config.body[{index}]"
            if not isinstance(row, Mapping) or not isinstance(row.get("key", ""), str):
                raise InvalidBodyError(
                    'must be an object {"key": ..., "value": ...}', field=row_field
                )
            if str(row.get("key") or "").strip():
                rows.append(KeyValue(str(row["key"]).strip(), row.get("value"), row_field))
        return rows
    raise InvalidBodyError(f"a {kind} body must be a list of key/value rows", field="config.body")


@dataclass
class _Body:
    """The encoded body: content for httpx, the headers it implies, a summary.

    ``content_type`` is a default that a user-set Content-Type header wins
    over, unless ``force_content_type`` (multipart needs its boundary).
    """

    content: bytes | httpx.SyncByteStream | None
    summary: dict[str, Any]
    content_type: str | None = None
    content_length: int | None = None
    force_content_type: bool = False


def _text_body(kind: str, text: str, content_type: str) -> _Body:
    data = text.encode("utf-8")
    return _Body(data, _text_summary(kind, text, len(data)), content_type)


def _encode_json(body: object) -> _Body:
    if isinstance(body, str):
        # Typed JSON text is sent as typed (key order, spacing), once we know it parses.
        try:
            json.loads(body)
        except ValueError as exc:
            raise InvalidBodyError(f"is not valid JSON: {exc}", field="config.body") from None
        except RecursionError:
            raise InvalidBodyError(
                "nests arrays and objects too deeply to be read", field="config.body"
            ) from None
        return _text_body("json", body, "application/json")
    text = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
    return _text_body("json", text, "application/json")


def _encode_form(body: object) -> _Body:
    if isinstance(body, str):
        text = body  # already encoded by the user
    else:
        pairs = [(row.key, to_text(row.value)) for row in _form_rows(body, "form")]
        text = str(httpx.QueryParams(tuple(pairs)))
    return _text_body("form_urlencoded", text, "application/x-www-form-urlencoded")


def _encode_binary(body: object, files: FileResolver | None, deadline: Deadline | None) -> _Body:
    reference = _file_reference_of(body)
    if reference is None:
        raise InvalidBodyError(
            "a binary body must be a picked file reference (blob:<id>), "
            "e.g. {{FilePicker1.files[0].data}} with the FilePicker's Data format "
            "set to Binary",
            field="config.body",
        )
    resolved = resolve_reference(reference, files, field="config.body")
    return _Body(
        FileByteStream(reference, resolved, deadline),
        {"type": "binary", "file": _file_summary(reference, resolved)},
        "application/octet-stream",
        resolved.size,
    )


def _encode_body(
    action: ActionConfig,
    content_type: str | None,
    files: FileResolver | None,
    deadline: Deadline | None,
) -> _Body:
    body, kind = action.body, action.body_type
    if kind is BodyType.BINARY:
        return _encode_binary(body, files, deadline)
    if kind is BodyType.NONE or body is None or body == "":
        return _Body(None, {"type": "none"})
    if kind is BodyType.JSON:
        return _encode_json(body)
    if kind is BodyType.RAW:
        return _text_body("raw", to_text(body), "text/plain; charset=utf-8")
    if kind is BodyType.FORM_URLENCODED:
        return _encode_form(body)
    return _encode_multipart(body, content_type, files, deadline)


def _encode_multipart(
    body: object, content_type: str | None, files: FileResolver | None, deadline: Deadline | None
) -> _Body:
    parts: list[TextPart | FilePart] = []
    summary_fields: list[dict[str, Any]] = []
    for row in _form_rows(body, "multipart"):
        values = row.value if isinstance(row.value, list) else [row.value]
        for index, value in enumerate(values):
            reference = _file_reference_of(value)
            if reference is None:
                text = to_text(value)
                parts.append(TextPart(row.key, text))
                summary_fields.append({"key": row.key, "value": text[:_PREVIEW_CHARS]})
                continue
            value_field = f"{row.field}.value" + (f"[{index}]" if len(values) > 1 else "")
            resolved = resolve_reference(reference, files, field=value_field)
            parts.append(FilePart(row.key, reference, resolved))
            summary_fields.append({"key": row.key, "file": _file_summary(reference, resolved)})
    # Keep a boundary the user chose; "multipart/form-data" alone (as often
    # typed in the editor) gets ours, since the body is unreadable without one.
    user_type = content_type or ""
    match = None
    if user_type.lower().startswith("multipart/"):
        match = re.search(r'boundary="?([^";]+)"?', user_type, flags=re.IGNORECASE)
    stream = MultipartStream(parts, match.group(1) if match else new_boundary(), deadline)
    summary = {"type": "multipart", "fields": summary_fields, "size": stream.content_length}
    return _Body(stream, summary, stream.content_type, stream.content_length, True)


def build_request(
    action: ActionConfig,
    datasource: DatasourceConfig,
    *,
    files: FileResolver | None = None,
    deadline: Deadline | None = None,
) -> BuiltRequest:
    """Build the request; raises ``InvalidActionConfigError`` subclasses naming the bad field."""
    url = build_url(action, datasource)
    headers = httpx.Headers(_headers(action, datasource))
    body = _encode_body(action, headers.get("content-type"), files, deadline)
    if body.content_type is not None and (body.force_content_type or "content-type" not in headers):
        headers["Content-Type"] = body.content_type
    if body.content_length is not None:
        headers["Content-Length"] = str(body.content_length)
    if isinstance(body.content, httpx.SyncByteStream):
        request = _streamed_request(action.method, url, headers, body.content)
    else:
        request = httpx.Request(action.method, url, headers=headers, content=body.content)
    return BuiltRequest(request=request, body_summary=body.summary)


def _streamed_request(
    method: str, url: httpx.URL, headers: httpx.Headers, stream: httpx.SyncByteStream
) -> httpx.Request:
    """A request whose ``stream`` is ``stream`` itself.

    With ``content=`` httpx would wrap the stream in its ``IteratorByteStream``,
    which an auth flow cannot tell from a spent generator, so a file upload
    would not be re-sent after a 401 (``datasources.auth.is_replayable`` looks
    for our streams' ``replayable`` attribute). ``stream=`` also skips httpx's
    automatic headers, so Host and the framing are set here as it would set
    them: Content-Length when the size is known (set by the caller), else
    chunked transfer encoding.
    """
    framed = httpx.Headers([(b"Host", url.netloc), *headers.raw])
    if "content-length" not in framed:
        framed["Transfer-Encoding"] = "chunked"
    return httpx.Request(method, url, headers=framed, stream=stream)
