"""Runtime sessions: an end user's meta values, query results and store, in the database.

    view = read_view(user, published)              # no writes: what GET pages/{id}/ serves
    view.session_id                                # the row it read; None before the first write
    session = open_session(user, published)        # created if new, moved to the served version
    view = apply_changes(session.pk, published, SessionChanges(meta={"Input1": {"text": "hi"}}))

One session exists per (user, application), never in process memory, so any
web or Celery process can serve the next event. Meta values and query results
are kept per page (names are unique per page only); the store is the
application's. Values stored with ``persist=true`` live in `UserStore` and
outlive sessions and published versions; ``appsmith.store`` is the session's
values over the persisted ones.

Concurrency: changes are merged under a short row lock, never held for a
whole event. An event holds no lock while its handler and queries run (a
query can take a minute; on SQLite a write transaction holds the whole
database; a job's progress must stay visible).
It records what it changes instead (meta values, query results, store
operations in handler order, widget resets), and `apply_changes` replays them
on the row locked with SELECT ... FOR UPDATE in one short transaction, bumping
``revision`` (on SQLite, where FOR UPDATE is a no-op, the IMMEDIATE
transactions of config/settings.py serialise these short sections instead).
Two events of one session both keep their writes, whatever the order they
finish in. What one cannot see is what the other writes while it
runs: two handlers that both read ``appsmith.store.n`` and store ``n + 1`` may
store the same number. The portal sends one tab's events one at a time.

Moving to a newer published version keeps the store, keeps the meta values of
widgets still on their page and the results of queries still on their page,
and drops the rest.

Background jobs (builder.portal.jobs) belong to a session: the queries of a
page's jobs that have not ended read as `isLoading: true` wherever the page
is evaluated for the session (`running_actions`), and the page answer lists
those jobs (`job_line`) so that a reloaded portal follows them again.

    jobs = view_jobs(view, page_id)                # queued or running, oldest first
    running_actions(jobs)                          # frozenset({"UploadFileToDropbox"})
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from builder import statements
from builder.models import EventJob, JobStatus, PublishedVersion, RuntimeSession, UserStore
from builder.published_pages import PublishedPage
from runtime import STORE_EFFECTS, EffectType
from widgets import collect_widget_names

__all__ = [
    "SessionChanges",
    "SessionView",
    "active_jobs",
    "apply_changes",
    "job_line",
    "merged_store",
    "open_session",
    "read_view",
    "running_actions",
    "view_jobs",
]

# A job in these has not ended: its query reads as loading.
ACTIVE_JOB_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING)


@dataclass(frozen=True)
class SessionView:
    """A session as one page sees it: plain JSON data for `RuntimeState`."""

    meta: dict[str, dict[str, Any]]
    actions: dict[str, dict[str, Any]]
    store: dict[str, Any]
    revision: int = 0
    # The session row read, or None if the user had none yet (see open_session).
    session_id: int | None = None
    # Whether one of the session's background jobs had not ended (read_view only).
    has_active_jobs: bool = False


@dataclass(frozen=True)
class SessionChanges:
    """What an event changes, applied in this order: meta, query results, store, resets.

    ``store_ops`` are the handler's store effects (`runtime.STORE_EFFECTS`) in the order
    it produced them; ``resets`` are widget names whose meta values go back to
    their defaults.
    """

    meta: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    actions: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    store_ops: list[Mapping[str, Any]] = field(default_factory=list)
    resets: Iterable[str] = ()


def merged_store(session_values: Mapping[str, Any], persisted: Mapping[str, Any]) -> dict[str, Any]:
    """``appsmith.store``: the session's values over the persisted ones."""
    return {**persisted, **session_values}


def _persisted(user: User | int, application_id: int) -> dict[str, Any]:
    values = (
        UserStore.objects.filter(user=user, application_id=application_id)
        .values_list("values", flat=True)
        .first()
    )
    return dict(values) if isinstance(values, Mapping) else {}


def _page_names(page: Mapping[str, Any]) -> set[str]:
    return set(collect_widget_names(page.get("layout")))


def _view(
    session: RuntimeSession, published: PublishedPage, persisted: Mapping[str, Any]
) -> SessionView:
    key = str(published.page["id"])
    widgets = _page_names(published.page)
    actions = set(published.action_names)
    meta = session.widgets_meta.get(key) or {}
    results = session.actions.get(key) or {}
    return SessionView(
        # Filtered here too, so a session not yet moved to this version reads as if it were.
        meta={name: dict(values) for name, values in meta.items() if name in widgets},
        actions={name: dict(state) for name, state in results.items() if name in actions},
        store=merged_store(session.store, persisted),
        revision=session.revision,
        session_id=session.pk,
    )


def _as_store(values: Any) -> dict[str, Any]:
    return dict(values) if isinstance(values, Mapping) else {}


def read_view(user: User, published: PublishedPage) -> SessionView:
    """The user's session on this page, without writing (defaults if there is none yet)."""
    # One statement for the session and the persisted store (no lock is taken here).
    found = statements.session_row(user.pk, published.application.pk)
    if found is None:
        return SessionView(meta={}, actions={}, store=_persisted(user, published.application.pk))
    session, persisted, has_active_jobs = found
    return replace(_view(session, published, _as_store(persisted)), has_active_jobs=has_active_jobs)


def _move(session: RuntimeSession, version: PublishedVersion) -> None:
    """Keep what still has a widget or query on its page in `version`; keep the store."""
    snapshot = version.snapshot
    meta: dict[str, Any] = {}
    results: dict[str, Any] = {}
    for page in snapshot.get("pages", []):
        key = str(page.get("id"))
        widgets = _page_names(page)
        actions = {
            a.get("name") for a in snapshot.get("actions", []) if a.get("page") == page.get("id")
        }
        kept_meta = {
            name: values
            for name, values in (session.widgets_meta.get(key) or {}).items()
            if name in widgets
        }
        kept_results = {
            name: state
            for name, state in (session.actions.get(key) or {}).items()
            if name in actions
        }
        if kept_meta:
            meta[key] = kept_meta
        if kept_results:
            results[key] = kept_results
    session.widgets_meta = meta
    session.actions = results
    session.published_version = version


def _is_newer(session: RuntimeSession, version: PublishedVersion) -> bool:
    # Version ids grow with each publish; an event still serving an older
    # version (it started before a publish) must not move the session back.
    return session.published_version_id is None or session.published_version_id < version.pk


def open_session(user: User, published: PublishedPage) -> RuntimeSession:
    """The user's session in the application, created or moved to `published`'s version."""
    with transaction.atomic():
        session, created = RuntimeSession.objects.select_for_update().get_or_create(
            user=user,
            application=published.application,
            defaults={"published_version": published.version},
        )
        if not created and _is_newer(session, published.version):
            _move(session, published.version)
            session.revision += 1
            session.save()
    return session


def _replay(
    ops: Iterable[Mapping[str, Any]], session_values: dict[str, Any], persisted: dict[str, Any]
) -> None:
    for op in ops:
        kind = op.get("type")
        if kind == EffectType.STORE_VALUE:
            key = str(op.get("key"))
            if op.get("persist", True) is False:
                session_values[key] = op.get("value")
            else:
                persisted[key] = op.get("value")
                # The newest write wins in the merged store.
                session_values.pop(key, None)
        elif kind == EffectType.REMOVE_VALUE:
            key = str(op.get("key"))
            session_values.pop(key, None)
            persisted.pop(key, None)
        elif kind == EffectType.CLEAR_STORE:
            session_values.clear()
            persisted.clear()


def _apply_store(session: RuntimeSession, ops: list[Mapping[str, Any]]) -> dict[str, Any]:
    """Replay store operations; the persisted values after them (row locked after the session's)."""
    row, _ = UserStore.objects.select_for_update().get_or_create(
        user_id=session.user_id, application_id=session.application_id
    )
    persisted = dict(row.values) if isinstance(row.values, Mapping) else {}
    before = dict(persisted)
    _replay(ops, session.store, persisted)
    if persisted != before:
        row.values = persisted
        row.save(update_fields=["values", "updated_at"])
    return persisted


def apply_changes(
    session_id: int, published: PublishedPage, changes: SessionChanges
) -> SessionView:
    """Apply an event's changes to the locked session row; the session as the page now sees it."""
    key = str(published.page["id"])
    with transaction.atomic():
        # The persisted store comes with the locked row: one statement fewer.
        session, persisted_values = statements.locked_session_row(session_id)
        if _is_newer(session, published.version):
            _move(session, published.version)
        page_meta = session.widgets_meta.setdefault(key, {})
        for name, values in changes.meta.items():
            page_meta.setdefault(name, {}).update(values)
        page_actions = session.actions.setdefault(key, {})
        page_actions.update({name: dict(state) for name, state in changes.actions.items()})
        if not isinstance(session.store, dict):
            session.store = {}
        store_ops = [op for op in changes.store_ops if op.get("type") in STORE_EFFECTS]
        persisted = _apply_store(session, store_ops) if store_ops else _as_store(persisted_values)
        for name in changes.resets:
            page_meta.pop(name, None)
        session.revision += 1
        statements.save_session(session)
    return _view(session, published, persisted)


def active_jobs(session_id: int | None, page_id: Any, *, exclude: Any = None) -> list[EventJob]:
    """The session's background jobs on this page that have not ended, oldest first.

    ``exclude``: a job's id left out (the worker's own job, as it finishes).
    """
    if session_id is None:
        return []
    rows = EventJob.objects.filter(
        session_id=session_id, page_id=page_id, status__in=ACTIVE_JOB_STATUSES
    )
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    return list(rows.order_by("created_at"))


def view_jobs(view: SessionView, page_id: Any) -> list[EventJob]:
    """`active_jobs` of the session `read_view` read (no statement when it has none)."""
    return active_jobs(view.session_id, page_id) if view.has_active_jobs else []


def running_actions(jobs: Iterable[EventJob]) -> frozenset[str]:
    """The queries these jobs run (a job whose handler names none runs none we know)."""
    return frozenset(job.action for job in jobs if job.action)


def _file_names(meta: Any) -> list[str]:
    files = meta.get("files") if isinstance(meta, Mapping) else None
    if not isinstance(files, list):
        return []
    return [f["name"] for f in files if isinstance(f, Mapping) and isinstance(f.get("name"), str)]


def job_line(job: EventJob) -> dict[str, Any]:
    """A job as the portal follows it: which widget started it, on which files, how far.

    ``bytes_done`` of ``total_bytes`` (the picked files' size): the bytes the
    API confirmed (builder.portal.jobs); ``progress`` is their share, 0..1.
    """
    return {
        "id": str(job.pk),
        "action": job.action or None,
        "widget": job.widget,
        "file_names": _file_names(job.meta),
        "status": job.status,
        "progress": job.progress,
        "bytes_done": job.bytes_done,
        "total_bytes": job.total_bytes,
    }
