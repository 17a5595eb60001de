"""Per process: the published versions portals serve, read and loaded once, shared by requests.

    content = version_content(key)            # VersionKey from the page lookup's statement
    content.snapshot, content.compiled        # the row's JSON, decoded once
    content.compiled_page(page_id)            # runtime.CompiledPage, loaded once (or None)

A published version never changes after publish (the admin shows it read
only); a republish makes a new row, which the application then points to.
So what a version holds is kept per process, bounded (the `MAX_VERSIONS`
most recently used), instead of decoding its snapshot and loading its
compiled pages on every request. The key is the row's id with its
application, number and creation time: SQLite can give a rolled-back or
deleted row's id to a new row, and that row has another creation time, so
an entry can never be served for the wrong version. Nothing here is
per-user: the page lookup, with the user's role, is read on each request.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from builder.execution.evaluation import load_compiled
from builder.models import PublishedVersion
from runtime import CompiledPage, InvalidRuntimeInput

__all__ = [
    "MAX_VERSIONS",
    "VersionContent",
    "VersionKey",
    "clear",
    "load_published_page",
    "version_content",
]

logger = logging.getLogger(__name__)

MAX_VERSIONS = 64

_MISSING = object()


@dataclass(frozen=True)
class VersionKey:
    """One published version row, told apart from any later row given the same id."""

    pk: int
    application_id: int
    number: int
    created_at: datetime


@dataclass
class VersionContent:
    """A version's snapshot and compiled pages, read only by everyone who holds it."""

    key: VersionKey
    snapshot: Any
    compiled: Any
    published_by_id: int | None
    _pages: dict[int, CompiledPage | None] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def compiled_page(self, page_id: int) -> CompiledPage | None:
        """The page compiled at publish time; None when there is none to use (published
        before compiling existed, or stored in a format this runtime no longer reads)."""
        with self._lock:
            found = self._pages.get(page_id, _MISSING)
        if found is not _MISSING:
            return found  # type: ignore[return-value]  # a CompiledPage or None
        page = self._load(page_id)
        with self._lock:  # a thread that loaded it meanwhile wins: one object for all
            return self._pages.setdefault(page_id, page)

    def _load(self, page_id: int) -> CompiledPage | None:
        return load_published_page(self.compiled, self.key.pk, page_id)

    def version(self, db: str) -> PublishedVersion:
        """A model instance of the row for this request (its JSON shared, not copied)."""
        values = {
            "id": self.key.pk,
            "application_id": self.key.application_id,
            "number": self.key.number,
            "snapshot": self.snapshot,
            "compiled": self.compiled,
            "published_by_id": self.published_by_id,
            "created_at": self.key.created_at,
        }
        names = [f.attname for f in PublishedVersion._meta.concrete_fields]
        return PublishedVersion.from_db(db, names, [values[name] for name in names])


_versions: OrderedDict[VersionKey, VersionContent] = OrderedDict()
_lock = threading.Lock()


def version_content(key: VersionKey) -> VersionContent | None:
    """The version's content, read from the database the first time; None if the row is gone."""
    with _lock:
        found = _versions.get(key)
        if found is not None:
            _versions.move_to_end(key)
            return found
    row = (
        PublishedVersion.objects.filter(
            pk=key.pk,
            application_id=key.application_id,
            number=key.number,
            created_at=key.created_at,
        )
        .values_list("snapshot", "compiled", "published_by_id")
        .first()
    )
    if row is None:
        return None
    content = VersionContent(key, snapshot=row[0], compiled=row[1], published_by_id=row[2])
    with _lock:
        content = _versions.setdefault(key, content)
        _versions.move_to_end(key)
        while len(_versions) > MAX_VERSIONS:
            _versions.popitem(last=False)
    return content


def clear() -> None:
    """Forget every version (tests; a process never needs to)."""
    with _lock:
        _versions.clear()


def load_published_page(compiled: Any, version_pk: int, page_id: int) -> CompiledPage | None:
    """Page ``page_id`` of a version's stored ``compiled`` JSON, loaded; None when it
    has none to use (published before compiling existed, or stored in a format this
    runtime no longer reads, which is logged: the page then compiles per request)."""
    data = compiled.get(str(page_id)) if isinstance(compiled, Mapping) else None
    if not isinstance(data, Mapping):
        return None
    try:
        return load_compiled(data)
    except InvalidRuntimeInput:
        logger.warning(
            "published version %s: page %s was compiled in an older format; "
            "publish again to store it in the current one",
            version_pk,
            page_id,
        )
        return None
