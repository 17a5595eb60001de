"""Fixtures of the HTTP executor tests: an executor, file resolvers that record reads.

The servers they call (`server`, `other_server`, `tls_server`) are the
loopback fakes of ``tests.fakes``; `echoed` reads the echo's answer back.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, cast

import pytest

from outbound import OutboundPolicy
from runtime.http import ExecutionResult, HttpExecutor, RequestSummary, ResolvedFile


@pytest.fixture
def executor() -> Iterator[HttpExecutor]:
    with HttpExecutor(OutboundPolicy(allow_loopback=True)) as ex:
        yield ex


def echoed(result: Any) -> dict[str, Any]:
    """The echo record, with headers as a lowercase dict and the body as bytes."""
    data = dict(result.data)
    data["headers"] = {k.lower(): v for k, v in data["headers"]}
    data["body"] = base64.b64decode(data["body_base64"])
    return data


class RecordingReader:
    """A binary file object that records every read size."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self.read_sizes: list[int] = []
        self.closed = False

    def read(self, size: int = -1) -> bytes:
        self.read_sizes.append(size)
        return self._raw.read(size)

    def seek(self, offset: int) -> int:
        return self._raw.seek(offset)

    def close(self) -> None:
        self._raw.close()
        self.closed = True


@dataclass
class DictResolver:
    """Resolves ``blob:<id>`` from an in-memory table of files on disk or bytes."""

    files: dict[str, tuple[str, Path | bytes, str]] = field(default_factory=dict)
    opened: list[RecordingReader] = field(default_factory=list)
    report_size: bool = True

    def add(self, ref: str, name: str, content: Path | bytes, content_type: str) -> str:
        self.files[ref] = (name, content, content_type)
        return ref

    def resolve(self, reference: str) -> ResolvedFile:
        name, content, content_type = self.files[reference]

        def opener() -> BinaryIO:
            raw = content.open("rb") if isinstance(content, Path) else io.BytesIO(content)
            reader = RecordingReader(raw)
            self.opened.append(reader)
            return cast(BinaryIO, reader)

        size = content.stat().st_size if isinstance(content, Path) else len(content)
        return ResolvedFile(name, size if self.report_size else None, content_type, opener)


@pytest.fixture
def resolver() -> DictResolver:
    return DictResolver()


def sent(result: ExecutionResult) -> RequestSummary:
    """The request a run sent (redacted); failing the test if it sent none."""
    assert result.request is not None, result.error
    return result.request
