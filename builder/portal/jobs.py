"""Events too big for a web request: run by a Celery worker, polled by the portal.

    job = create_job(prepared)       # a queued EventJob (builder.portal.dispatch enqueues it)
    queued_answer(prepared, job)     # what the portal gets now: answer["jobs"] == [{id, ...}]
    run_job(job_id)                  # the worker: the same event service, its answer in `result`
    job_json(get_job(user, job_id))  # {id, status, progress, result, error}

An event whose picked files total more than BRACE_EVENT_BACKGROUND_BYTES
(8 MB unless set) runs in the background, so that no web worker waits on a
long upload. The job is enqueued once its row is committed (the task's
`delay_on_commit`, in `builder.portal.dispatch`: this module does not import
the task module, which imports it). `progress` is
the share of the files' bytes read into the upload so far, written at most
every PROGRESS_INTERVAL_S (a retried request reads a file again, from 0).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import IO, Any, BinaryIO, cast

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.utils import timezone

from builder.errors import BuilderError, NotFound
from builder.models import EventJob, JobStatus
from builder.portal import sessions
from builder.portal.events import EventRequest, PreparedEvent, prepare_event, run_event
from runtime.http import FileResolver, ResolvedFile
from workspaces.errors import WorkspaceError

__all__ = [
    "PROGRESS_INTERVAL_S",
    "CountingResolver",
    "background_bytes",
    "create_job",
    "get_job",
    "job_json",
    "purge_finished_jobs",
    "queued_answer",
    "run_job",
    "runs_in_background",
]

logger = logging.getLogger(__name__)

PROGRESS_INTERVAL_S = 0.5


def background_bytes() -> int:
    """Picked files larger than this in total make the event a background job."""
    return settings.BRACE_EVENT_BACKGROUND_BYTES


def runs_in_background(prepared: PreparedEvent) -> bool:
    return prepared.handler is not None and prepared.picked_bytes > background_bytes()


def create_job(prepared: PreparedEvent, *, confirmed: frozenset[str] = frozenset()) -> EventJob:
    """The event as a queued job (its row; enqueue it once committed).

    ``confirmed``: the queries whose confirmation the web request redeemed;
    the job keeps them, and the cancelled ones, for its run.
    """
    request = prepared.request
    with transaction.atomic():
        session = sessions.open_session(prepared.user, prepared.published)
        job = EventJob.objects.create(
            session=session,
            page_id=prepared.published.page["id"],
            widget=request.widget,
            event=request.event,
            meta=request.meta,
            url=(request.url or "")[:2000],
            action=prepared.first_query or "",
            total_bytes=prepared.picked_bytes,
            confirmed=sorted(confirmed),
            cancelled=list(request.cancel),
        )
    return job


def queued_answer(prepared: PreparedEvent, job: EventJob) -> dict[str, Any]:
    """The answer the portal gets for a queued job: nothing changed yet."""
    line: dict[str, Any] = {"id": str(job.pk), "status": JobStatus.QUEUED.value}
    if job.action:
        line["action"] = job.action
    return {
        "effects": [],
        "widgets": {},
        "actions": {},
        "errors": {},
        "store": prepared.view.store,
        "jobs": [line],
    }


class _Progress:
    """Writes a running job's progress, at most every PROGRESS_INTERVAL_S."""

    def __init__(self, job_id: Any, total: int, clock: Callable[[], float] = time.monotonic):
        self.job_id = job_id
        self.total = total
        self.clock = clock
        self.sent: dict[int, int] = {}
        self._written_at: float | None = None

    def add(self, stream: int, count: int) -> None:
        self.sent[stream] = self.sent.get(stream, 0) + count
        now = self.clock()
        if self._written_at is not None and now - self._written_at < PROGRESS_INTERVAL_S:
            return
        self._written_at = now
        progress = min(sum(self.sent.values()) / self.total, 1.0) if self.total else 0.0
        _write_progress(self.job_id, progress)

    def restart(self, stream: int, at: int = 0) -> None:
        """The stream is read again from byte ``at``: what lies before it counts as sent."""
        self.sent[stream] = at


def _write_progress(job_id: Any, progress: float) -> None:
    """Store a running job's progress without waiting for the disk.

    The write happens between two reads of the upload, which waits for it. A
    commit waits for PostgreSQL's WAL to reach the disk, and right after a big
    pick (the file just written) that took up to 1.5 s; progress is advisory,
    so on PostgreSQL it is committed asynchronously (a crash may lose the last
    one, never the job's final status). Inside a caller's transaction the
    setting would apply to the caller's commit too, so it is left alone there.
    """
    asynchronous = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        if asynchronous:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        EventJob.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
            progress=progress, updated_at=timezone.now()
        )


class _CountingReader:
    """A file object that reports each chunk read from it."""

    def __init__(self, handle: IO[bytes], progress: _Progress, key: int) -> None:
        self._handle = handle
        self._progress = progress
        self._key = key

    def read(self, size: int = -1) -> bytes:
        chunk = self._handle.read(size)
        if chunk:
            self._progress.add(self._key, len(chunk))
        return chunk

    def seek(self, offset: int, whence: int = 0) -> int:
        # An upload session's chunk opens the file and seeks to its offset.
        position = self._handle.seek(offset, whence)
        self._progress.restart(self._key, position)
        return position

    def close(self) -> None:
        self._handle.close()


class CountingResolver:
    """A `FileResolver` whose files count their bytes into a job's progress as they stream."""

    def __init__(self, inner: FileResolver, progress: _Progress) -> None:
        self.inner = inner
        self.progress = progress
        self._references: dict[str, int] = {}

    def resolve(self, reference: str) -> ResolvedFile:
        resolved = self.inner.resolve(reference)
        key = self._references.setdefault(reference, len(self._references))

        def opener() -> BinaryIO:
            self.progress.restart(key)  # a replayed body starts again from 0
            return cast(BinaryIO, _CountingReader(resolved.opener(), self.progress, key))

        return replace(resolved, opener=opener)


def _finish(job_id: Any, status: JobStatus, **fields: Any) -> None:
    EventJob.objects.filter(pk=job_id).update(status=status, updated_at=timezone.now(), **fields)


def run_job(job_id: str) -> str:
    """Run a queued job's event (the Celery task's body); the job's final status.

    A job that is not queued (already taken by another worker, or a message
    delivered twice) is left alone: an upload must not run twice.
    """
    if not EventJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, updated_at=timezone.now()
    ):
        row = EventJob.objects.filter(pk=job_id).values_list("status", flat=True).first()
        return str(row or "missing")
    job = EventJob.objects.select_related("session__user").get(pk=job_id)
    request = EventRequest(
        page_id=job.page_id,
        widget=job.widget,
        event=job.event,
        meta=job.meta,
        url=job.url or None,
        cancel=tuple(job.cancelled),
    )
    progress = _Progress(job.pk, job.total_bytes)
    try:
        prepared = prepare_event(job.session.user, request)
        answer = run_event(
            prepared,
            confirmed=frozenset(job.confirmed),
            wrap_files=lambda inner: CountingResolver(inner, progress),
        )
    except (BuilderError, WorkspaceError) as error:
        # Checked again here: the file may have expired, the user left the workspace...
        _finish(job.pk, JobStatus.FAILED, error={"code": error.code, "message": error.message})
        return JobStatus.FAILED.value
    except Exception:
        logger.exception("Background event %s failed", job.pk)
        _finish(
            job.pk,
            JobStatus.FAILED,
            error={"code": "internal_error", "message": "The background run failed."},
        )
        raise
    _finish(job.pk, JobStatus.SUCCEEDED, result=answer, progress=1.0)
    return JobStatus.SUCCEEDED.value


def get_job(user: User, job_id: Any) -> EventJob:
    """The user's own job; NotFound for anyone else's, and for ids that are not UUIDs."""
    try:
        pk = uuid.UUID(str(job_id))
    except ValueError as error:
        raise NotFound() from error
    job = EventJob.objects.filter(pk=pk, session__user_id=user.pk).first()
    if job is None:
        raise NotFound()
    return job


def job_json(job: EventJob) -> dict[str, Any]:
    return {
        "id": str(job.pk),
        "action": job.action or None,
        "status": job.status,
        "progress": job.progress,
        "result": job.result,
        "error": job.error,
    }


def purge_finished_jobs(now: datetime | None = None, *, older_than: timedelta | None = None) -> int:
    """Delete succeeded and failed jobs last updated over a day ago (their answers were read)."""
    cutoff = (now or timezone.now()) - (older_than or timedelta(days=1))
    finished = EventJob.objects.filter(
        status__in=[JobStatus.SUCCEEDED, JobStatus.FAILED], updated_at__lt=cutoff
    )
    return finished.delete()[0]
