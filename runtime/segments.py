"""Splitting property text into static text and ``{{ }}`` bindings.

The rules are Appsmith's ``getDynamicStringSegments``: text before the first
``{{`` is static; from there braces are counted, and a segment ends at a
``}}`` that brings the count back to zero, so object literals and arrow
function bodies inside a binding stay in one segment. A string whose braces
never balance comes back whole, as a single (static) segment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_BINDING = re.compile(r"{{([\s\S]*?)}}")
_BRACE = re.compile(r"[{}]")
# A binding with no braces inside. When every brace of a text belongs to one
# of these, Appsmith's brace counting closes each at its own "}}", so a
# regex split gives the same segments (the common case: "Hi {{ a.b }}").
_PLAIN_BINDING = re.compile(r"({{[^{}]*}})")


def is_dynamic(text: object) -> bool:
    """True if ``text`` is a string holding at least one ``{{ }}`` binding."""
    return isinstance(text, str) and _BINDING.search(text) is not None


@lru_cache(maxsize=8192)
def _split(text: str) -> tuple[str, ...]:
    plain = _plain_split(text)
    if plain is not None:
        return tuple(segment for segment in plain if segment)
    segments: list[str] = []
    rest = text
    # Appsmith recurses on the remainder after each closed binding; this loop
    # does the same without Python recursion, which a long string would exhaust.
    while True:
        start = rest.find("{{")
        if start == -1:
            if rest:
                segments.append(rest)
            return tuple(segments)
        depth = 0
        end = -1
        # Only braces matter; jumping between them keeps long static text cheap.
        for match in _BRACE.finditer(rest, start):
            i = match.start()
            if rest[i] == "{":
                depth += 1
            else:
                depth -= 1
                if depth == 0 and rest[i - 1] == "}":
                    end = i + 1
                    break
        if end == -1:
            # Unbalanced from here on: Appsmith returns the remainder it was
            # called with whole, as one segment.
            segments.append(rest)
            return tuple(segments)
        if start:
            segments.append(rest[:start])
        segments.append(rest[start:end])
        rest = rest[end:]
        if not rest:
            return tuple(segments)


def _plain_split(text: str) -> list[str] | None:
    """Static text and bindings alternating (from static), if no binding holds a brace."""
    pieces = _PLAIN_BINDING.split(text)
    if text.count("{") + text.count("}") != 2 * (len(pieces) - 1):
        return None
    return pieces


def split_segments(text: str) -> list[str]:
    """Split ``text`` into static and ``{{ }}`` segments, Appsmith's way."""
    if text == "":
        return [""]
    return list(_split(text))


@dataclass(frozen=True)
class Template:
    """A parsed property value: ``parts`` alternate static text and binding code.

    A binding part is the JavaScript between the braces (``code``), kept
    together with its segment text for error messages.
    """

    text: str
    parts: tuple[str | Binding, ...]

    @property
    def bindings(self) -> tuple[Binding, ...]:
        return tuple(part for part in self.parts if isinstance(part, Binding))

    @property
    def is_single_binding(self) -> bool:
        """Exactly one binding and nothing else: the value keeps its JS type."""
        return len(self.parts) == 1 and isinstance(self.parts[0], Binding)


@dataclass(frozen=True)
class Binding:
    segment: str

    @property
    def code(self) -> str:
        return self.segment[2:-2]


@lru_cache(maxsize=8192)
def parse_template(text: str) -> Template:
    """Parse ``text`` once; the result is cached per text."""
    plain = _plain_split(text)
    if plain is not None:
        # Odd positions are the bindings; empty static text is dropped.
        return Template(
            text=text,
            parts=tuple(
                Binding(piece) if i % 2 else piece for i, piece in enumerate(plain) if piece
            ),
        )
    parts: list[str | Binding] = []
    for segment in split_segments(text):
        if _BINDING.fullmatch(segment) and _balanced(segment):
            parts.append(Binding(segment))
        elif segment:
            parts.append(segment)
    return Template(text=text, parts=tuple(parts))


def _balanced(segment: str) -> bool:
    # A whole-string fallback such as "{{ {{" matches the regex loosely but is
    # not a binding: only segments that split_segments closed are.
    return (
        segment.startswith("{{")
        and segment.endswith("}}")
        and (segment.count("{") - segment.count("}") == 0)
    )
