"""The API's JSON parser: DRF's, refusing bodies nested deeper than Brace keeps.

Python's json parser recurses once per level: 1,000 nested arrays (2 KB)
exhaust the stack, and its RecursionError is no ValueError, so DRF's parser
let it escape as a 500. A body that parses but nests hundreds of levels deep
would fail the same way later (copying, validating, rendering it). Every
route that reads JSON goes through this parser (``DEFAULT_PARSER_CLASSES``),
so both are one 400 here, naming the body.

The depth of a UTF-8 body is read from its bytes (`json_text_nests_deeper_than`,
cheaper than walking the parsed value: the editor sends a page's whole
layout on every change), and how many bytes it had is kept for the view
(`utf8_json_body_bytes`: what a layout inside it weighs at most follows).
"""

from __future__ import annotations

import codecs
import io
import json
import re
from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from rest_framework.parsers import JSONParser
from rest_framework.request import Request

from builder.errors import Invalid
from runtime.values import MAX_JSON_DEPTH, json_text_nests_deeper_than, nests_deeper_than

__all__ = ["BoundedJSONParser", "has_lone_surrogate_escape", "utf8_json_body_bytes"]

_BODY_BYTES = "_brace_utf8_json_body_bytes"


class BoundedJSONParser(JSONParser):
    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        text = stream.read()
        try:
            data = super().parse(io.BytesIO(text), media_type, parser_context)
        except RecursionError:
            raise _too_deep() from None
        context = parser_context or {}
        if _is_utf8(context.get("encoding") or settings.DEFAULT_CHARSET):
            too_deep = json_text_nests_deeper_than(text, MAX_JSON_DEPTH)
            lone_surrogate = has_lone_surrogate_escape(text)
            if isinstance(context.get("request"), Request):
                setattr(context["request"], _BODY_BYTES, len(text))
        else:
            too_deep = nests_deeper_than(data, MAX_JSON_DEPTH)
            lone_surrogate = not _is_valid_unicode(data)
        if too_deep:
            raise _too_deep()
        if lone_surrogate:
            raise Invalid(
                "The request body holds a lone UTF-16 surrogate escape (such as \\ud800): "
                "its text must be valid Unicode.",
                code="invalid_unicode",
                field="body",
            )
        return data


# A \\uD800-\\uDFFF escape. The pattern starts with literal bytes, so the
# regex engine jumps between occurrences of "\\u" (a body is mostly text
# without any) instead of trying every position: ~3 ms less on the editor's
# 230 KB draft. Whether the backslash is an escape's is counted afterwards.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_BACKSLASH = 0x5C


def has_lone_surrogate_escape(text: bytes) -> bool:
    """Whether JSON ``text`` escapes a UTF-16 surrogate that is not half of a pair.

    Python's json accepts ``"\\ud800"`` and makes a string no UTF-8 can hold,
    which fails later (weighing, storing, the sandbox) as a server error.
    Valid UTF-8 bytes cannot hold a surrogate, so only escapes need looking at.
    """
    high_ends_at = -1  # where the last unpaired high surrogate's escape ended
    for match in _SURROGATE_ESCAPE.finditer(text):
        start = match.start()
        # An odd number of backslashes just before this one escapes it: then
        # "u..." is plain text, not an escape.
        before = start
        while before > 0 and text[before - 1] == _BACKSLASH:
            before -= 1
        if (start - before) % 2 == 1:
            continue
        if int(text[start + 2 : start + 6], 16) < 0xDC00:
            if high_ends_at != -1:
                return True
            high_ends_at = match.end()
        elif high_ends_at != start:
            return True
        else:
            high_ends_at = -1
    return high_ends_at != -1


def _is_valid_unicode(data: Any) -> bool:
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def utf8_json_body_bytes(request: Request) -> int | None:
    """How many bytes of UTF-8 JSON `BoundedJSONParser` read for ``request.data``.

    None if the body was not read yet, not JSON, or in another encoding.
    """
    length = getattr(request, _BODY_BYTES, None)
    return length if isinstance(length, int) else None


def _is_utf8(encoding: str) -> bool:
    try:
        return codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False


def _too_deep() -> Invalid:
    return Invalid(
        f"The request body nests arrays and objects more than {MAX_JSON_DEPTH} levels deep.",
        code="too_deep",
        field="body",
    )
