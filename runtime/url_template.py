"""Filling ``{{ }}`` bindings into a URL, each value encoded for where it sits.

A query's path (``p/{{Input1.text}}``) is text the developer typed around
values an end user may choose. The typed text is the URL's structure and is
kept as typed; a bound value is data, and can never change that structure:

* in a path segment, a value is percent-encoded as one segment: everything
  but RFC 3986's unreserved characters (§2.3: letters, digits, ``-._~``) is
  encoded, ``/ ? # % ;`` included, so ``a/b`` becomes ``a%2Fb`` and
  ``../../admin?x=1`` stays inside its segment;
* a segment that bindings make ``.`` or ``..`` is written ``%2E`` / ``%2E%2E``:
  only literal dot segments are removed (§5.2.4), so these never move the path;
* in the query string or the fragment, a value is encoded as a query value
  (the same set: ``& = + #`` included), so it cannot add a parameter;
* in the scheme, host or port of a full URL, a binding is refused
  (:class:`~runtime.errors.BindingInUrlOrigin`).

The executor appends a relative path to the datasource URL with one ``/``,
dropping the path's leading ``/`` (``runtime.http.request_builder``); a value
at the very start of a relative path loses its leading ``/`` the same way,
before it is encoded, so ``{{Api1.data.folder}}/list`` with ``/reports``
still means ``reports/list``.

A query without a datasource URL has no host to keep and no credentials to
send: its path is a full URL, and a binding that opens it
(``{{this.params.url}}``, ``{{appsmith.store.api}}/items``) gives the URL's
start as it is, read like typed text; the outbound policy judges where it
points. Every later binding is encoded as above.

A form-encoded body (``a={{x}}&b=2``) is filled like a query string.

With ``encode_query=False`` (a query whose ``encode_query_params`` is off) a
value in the query string or the fragment goes in as typed, only ``#``
written ``%23`` (it would end the query); path segments and the origin rule
are as above, and the request builder refuses line breaks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from runtime.errors import BindingInUrlOrigin
from runtime.values import js_string

__all__ = ["substitute_form", "substitute_url"]

_ABSOLUTE_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_AUTHORITY_END = re.compile(r"[/?#]")
_DOT_SEGMENTS = frozenset({".", ".."})
# What stands for a binding when the template's shape is read: an unreserved
# character, as every encoded value is made of.
_PLACEHOLDER = "x"

_PATH, _QUERY, _FRAGMENT = "path", "query", "fragment"


def _encoded(value: Any) -> str:
    """``String(value)`` with everything but unreserved characters percent-encoded (UTF-8)."""
    return quote(js_string(value), safe="")


def substitute_form(parts: Sequence[str | None], values: Sequence[Any]) -> str:
    """Join form-encoded text and binding values, each value encoded as a form value."""
    remaining = iter(values)
    return "".join(_encoded(next(remaining)) if part is None else part for part in parts)


def _origin_end(parts: Sequence[str | None]) -> int:
    """Where the scheme and authority end in the template's text, 0 for a relative path."""
    shape = "".join(_PLACEHOLDER if part is None else part for part in parts)
    scheme = _ABSOLUTE_URL.match(shape)
    if scheme is None:
        return 0
    end = _AUTHORITY_END.search(shape, scheme.end())
    return end.start() if end is not None else len(shape)


class _Builder:
    """The URL as it is written, one path segment at a time."""

    def __init__(self, relative: bool, encode_query: bool = True) -> None:
        self.encode_query = encode_query
        self.done: list[str] = []
        self.segment: list[str] = []
        self.bound = False  # a binding wrote into the current segment
        self.where = _PATH
        self.leading = relative  # nothing but "/" written yet in a relative path

    def literal(self, text: str) -> None:
        for char in text:
            if self.where == _PATH and char in "/?#":
                self.end_segment()
                self.where = {"/": _PATH, "?": _QUERY, "#": _FRAGMENT}[char]
            elif self.where == _QUERY and char == "#":
                self.where = _FRAGMENT
            if self.where == _PATH and char != "/":
                self.segment.append(char)
                self.leading = False
            else:
                self.done.append(char)

    def value(self, value: Any) -> None:
        if self.where != _PATH:
            typed = js_string(value).replace("#", "%23")
            self.done.append(_encoded(value) if self.encode_query else typed)
            return
        text = js_string(value)
        if self.leading:
            text = text.lstrip("/")
            self.leading = not text
        self.segment.append(quote(text, safe=""))
        self.bound = True

    def end_segment(self) -> None:
        text = "".join(self.segment)
        if self.bound and text in _DOT_SEGMENTS:
            text = "%2E" * len(text)
        self.done.append(text)
        self.segment = []
        self.bound = False

    def text(self) -> str:
        self.end_segment()
        return "".join(self.done)


def substitute_url(
    parts: Sequence[str | None],
    values: Sequence[Any],
    *,
    has_base_url: bool = True,
    encode_query: bool = True,
) -> str:
    """Join URL text and binding values, encoding each value for where it sits.

    ``parts`` is the template with ``None`` where each binding goes; ``values``
    are the bindings' results in order. ``has_base_url``: the path is joined
    to a datasource URL; without one, an opening binding is the URL's start.
    ``encode_query`` False: values after ``?`` go in as typed (``#`` as ``%23``).
    Raises ``BindingInUrlOrigin`` for a binding in the scheme, host or port
    of a full URL.
    """
    origin_end = _origin_end(parts)
    builder = _Builder(relative=origin_end == 0, encode_query=encode_query)
    remaining = iter(values)
    offset = 0
    if not has_base_url and parts and parts[0] is None:
        builder.literal(js_string(next(remaining)))
        builder.leading = False
        parts = parts[1:]
        offset = len(_PLACEHOLDER)
    for part in parts:
        if part is None:
            if offset < origin_end:
                raise BindingInUrlOrigin(
                    "a binding cannot set the scheme, host or port of the URL; bind the "
                    "path or the query instead, or set the host in the datasource URL"
                )
            builder.value(next(remaining))
            offset += len(_PLACEHOLDER)
            continue
        if offset < origin_end:
            # The scheme and authority are typed text, kept as typed.
            head = part[: origin_end - offset]
            builder.segment.append(head)
            builder.literal(part[len(head) :])
        else:
            builder.literal(part)
        offset += len(part)
    return builder.text()
