"""Reading an upstream response into the ``data`` a query exposes.

The body is streamed and counted as it arrives, after content decoding, so a
gzip bomb is measured by what it expands to; the raw bytes are decoded here in
bounded steps (``content_coding``), never by httpx, so reading stops at the
cap whatever the body expands to. Then it becomes:

* JSON (``application/json``, ``*/*+json``): the parsed value; if it does not
  parse, or nests deeper than ``MAX_JSON_DEPTH`` (which Brace could neither
  keep nor serve), the text, so the user can see what the API actually sent;
* text (``text/*``, XML, JavaScript, form data): a string decoded with the
  declared charset, UTF-8 otherwise, undecodable bytes replaced;
* anything else: ``{"base64": ..., "content_type": ..., "size": ...}``.

Without a Content-Type, the bytes are sniffed: JSON if they parse as JSON,
text if they are valid UTF-8 without NUL bytes, binary otherwise. An empty
body is ``""`` whatever its type, as in Appsmith.
"""

from __future__ import annotations

import base64
import codecs
import io
import json
from collections.abc import Iterator
from typing import Any

import httpx

from runtime.http.content_coding import content_codings, decode
from runtime.http.deadline import Deadline
from runtime.http.errors import ResponseTooLargeError
from runtime.values import MAX_JSON_DEPTH, nests_deeper_than

__all__ = ["DEFAULT_MAX_RESPONSE_BYTES", "decode_body", "read_body", "response_headers"]

DEFAULT_MAX_RESPONSE_BYTES = 20 * 1024 * 1024

_TEXT_TYPES = frozenset(
    {
        "application/xml",
        "application/javascript",
        "application/ecmascript",
        "application/x-www-form-urlencoded",
        "application/graphql",
        "application/x-ndjson",
        "image/svg+xml",
    }
)


def _too_large(limit: int) -> ResponseTooLargeError:
    return ResponseTooLargeError(
        f"the response is larger than the limit of {limit} bytes", limit=limit
    )


def read_body(
    response: httpx.Response, *, max_bytes: int, deadline: Deadline | None = None
) -> bytes:
    """Read the decoded body of a streamed response, refusing more than ``max_bytes``.

    Holds at most ``max_bytes`` of body plus one decoding step per content
    coding, whatever the body expands to.
    """
    codings = content_codings(response.headers.get_list("content-encoding"))
    declared = response.headers.get("content-length", "")
    # Only an identity body's length is final; a compressed one is checked as it expands.
    if declared.isdigit() and int(declared) > max_bytes and not codings:
        raise _too_large(max_bytes)
    if response.is_stream_consumed:
        # Built in memory (an httpx.MockTransport's answer): httpx has read it already.
        pieces: Iterator[bytes] = iter([response.content])
    else:
        pieces = decode(_raw(response, deadline), codings)
    body = io.BytesIO()
    size = 0
    for piece in pieces:
        size += len(piece)
        if size > max_bytes:
            raise _too_large(max_bytes)
        body.write(piece)
        if deadline is not None:
            deadline.check()
    # BytesIO hands its buffer over without a copy.
    return body.getvalue()


def _raw(response: httpx.Response, deadline: Deadline | None) -> Iterator[bytes]:
    for chunk in response.iter_raw():
        yield chunk
        if deadline is not None:
            deadline.check()


def _media_type(content_type: str | None) -> tuple[str, str | None]:
    """``("application/json", "utf-8")`` from a Content-Type header value."""
    if not content_type:
        return "", None
    mime, _, params = content_type.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"') or None
    return mime.strip().lower(), charset


def _decode_text(content: bytes, charset: str | None) -> str:
    encoding = charset or "utf-8"
    try:
        codecs.lookup(encoding)
    except LookupError:
        encoding = "utf-8"
    # utf-8-sig drops a byte order mark, which json.loads would otherwise reject.
    if codecs.lookup(encoding).name == "utf-8":
        encoding = "utf-8-sig"
    return content.decode(encoding, errors="replace")


def _binary(content: bytes, mime: str) -> dict[str, Any]:
    return {
        "base64": base64.b64encode(content).decode("ascii"),
        "content_type": mime or "application/octet-stream",
        "size": len(content),
    }


def _is_json_type(mime: str) -> bool:
    return mime in ("application/json", "text/json") or mime.endswith("+json")


def _is_text_type(mime: str) -> bool:
    return mime.startswith("text/") or mime in _TEXT_TYPES or mime.endswith("+xml")


def decode_body(content: bytes, content_type: str | None) -> Any:
    """Turn raw response bytes into query ``data`` (see the module docstring)."""
    if not content:
        return ""
    mime, charset = _media_type(content_type)
    if _is_json_type(mime):
        text = _decode_text(content, charset)
        return _json_or_text(text)
    if _is_text_type(mime):
        return _decode_text(content, charset)
    if mime:
        return _binary(content, mime)
    return _sniff(content)


def _sniff(content: bytes) -> Any:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _binary(content, "")
    if "\x00" in text:
        return _binary(content, "")
    if text.lstrip()[:1] in ("{", "["):
        return _json_or_text(text)
    return text


def _json_or_text(text: str) -> Any:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than the stack
        return text
    return text if nests_deeper_than(value, MAX_JSON_DEPTH) else value


def response_headers(response: httpx.Response) -> dict[str, str]:
    """Response headers with lowercased names; repeated headers joined with ", "."""
    merged: dict[str, str] = {}
    for name, value in response.headers.multi_items():
        key = name.lower()
        merged[key] = f"{merged[key]}, {value}" if key in merged else value
    return merged
