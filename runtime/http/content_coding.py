"""Undoing a response's ``Content-Encoding`` (RFC 9110 §8.4) in bounded steps.

A compressed body can expand a thousandfold per layer, and layers stack
(``Content-Encoding: gzip, gzip``): 661 bytes can hold 300 MB. httpx decodes
each network chunk through every layer at once and only then hands it over,
so a cap checked on its output comes too late. Here each layer is a
generator that asks its decompressor for at most ``STEP`` bytes at a time
(zlib's ``max_length``) and the reader pulls from the last one: no layer ever
holds more than one step of output, and decoding stops as soon as the reader
stops pulling. A body costs the reader's cap plus a constant per layer,
whatever it expands to.

Only what can be decoded this way is accepted: ``gzip`` (``x-gzip``),
``deflate`` (zlib-wrapped, or raw as some servers send it) and ``identity``,
at most ``MAX_CODINGS`` layers. ``ACCEPT_ENCODING`` advertises exactly these.
Anything else (``br``, ``zstd``, ``compress``, an unknown token) raises
``ResponseDecodingError`` before a byte is read: passing it through would show
compressed bytes as the body. Brotli and Zstandard would need their own
output-bounded decoders (and Zstandard a window limit, RFC 9659 §3); servers
do not send them unless asked.

A body cut short ends where the data ends, as browsers show it; bytes after
the end of a gzip or deflate stream are ignored.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator

from runtime.http.errors import ResponseDecodingError

__all__ = ["ACCEPT_ENCODING", "MAX_CODINGS", "STEP", "content_codings", "decode"]

ACCEPT_ENCODING = "gzip, deflate"
# Each layer costs a zlib state and window (~40 KiB) plus one step of output.
MAX_CODINGS = 3
STEP = 64 * 1024

_GZIP_WBITS = 16 + zlib.MAX_WBITS


def content_codings(header_values: Iterable[str]) -> list[str]:
    """The codings named by the ``Content-Encoding`` header values, in the order applied.

    Raises ``ResponseDecodingError`` for a coding this module cannot decode
    in bounded steps, or for more than ``MAX_CODINGS`` of them.
    """
    codings = []
    for value in header_values:
        for token in value.split(","):
            coding = token.strip().lower()
            if coding in ("", "identity"):
                continue
            if coding not in _DECODERS:
                raise ResponseDecodingError(
                    f"the upstream answered with Content-Encoding {coding!r}; "
                    f"only {ACCEPT_ENCODING} can be decoded",
                    encoding=coding,
                )
            codings.append(coding)
    if len(codings) > MAX_CODINGS:
        raise ResponseDecodingError(
            f"the upstream stacked {len(codings)} content codings; at most "
            f"{MAX_CODINGS} are decoded",
            encoding=", ".join(codings),
        )
    return codings


def decode(raw: Iterable[bytes], codings: list[str]) -> Iterator[bytes]:
    """The body decoded from ``raw`` chunks, in pieces of at most ``STEP`` bytes.

    ``codings`` as ``content_codings`` returns them; the last one applied is
    undone first.
    """
    chunks: Iterator[bytes] = iter(raw)
    for coding in reversed(codings):
        chunks = _DECODERS[coding](chunks)
    return chunks


def _inflate(
    chunks: Iterator[bytes], decompressor: zlib._Decompress, coding: str
) -> Iterator[bytes]:
    for chunk in chunks:
        data = chunk
        while not decompressor.eof:
            try:
                piece = decompressor.decompress(data, STEP)
            except zlib.error as exc:
                raise ResponseDecodingError(
                    f"the upstream's {coding} body is corrupt ({exc})", encoding=coding
                ) from None
            data = decompressor.unconsumed_tail
            if piece:
                yield piece
            # A full step may leave output pending inside zlib even with no input left.
            if not data and len(piece) < STEP:
                break
        if decompressor.eof:
            return


def _gzip(chunks: Iterator[bytes]) -> Iterator[bytes]:
    yield from _inflate(chunks, zlib.decompressobj(_GZIP_WBITS), "gzip")


def _deflate(chunks: Iterator[bytes]) -> Iterator[bytes]:
    # "deflate" means zlib-wrapped (RFC 9110 §8.4.1.2), but some servers send raw
    # deflate; the two header bytes tell them apart, as browsers do.
    head = b""
    for chunk in chunks:
        head += chunk
        if len(head) >= 2:
            break
    if not head:
        return
    wrapped = len(head) >= 2 and head[0] & 0x0F == 8 and (head[0] * 256 + head[1]) % 31 == 0
    wbits = zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS
    yield from _inflate(_prepend(head, chunks), zlib.decompressobj(wbits), "deflate")


def _prepend(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest


_DECODERS: dict[str, Callable[[Iterator[bytes]], Iterator[bytes]]] = {
    "gzip": _gzip,
    "x-gzip": _gzip,
    "deflate": _deflate,
}
