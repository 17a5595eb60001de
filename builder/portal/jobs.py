"""Events too big for a web request: run by a Celery worker, polled by the portal.

    job = create_job(prepared)       # a queued EventJob (builder.portal.dispatch enqueues it)
    queued_answer(prepared, job)     # what the portal gets now: answer["jobs"] == [{id, ...}]
    run_job(job_id)                  # the worker: the same event service, its answer in `result`
    job_json(get_job(user, job_id))  # {id, action, status, progress, bytes_done, total_bytes,
                                     #  attempts, result, error}

An event whose picked files total more than BRACE_EVENT_BACKGROUND_BYTES
(8 MB unless set) runs in the background, so that no web worker waits on a
long upload. The job is enqueued once its row is committed (the task's
`delay_on_commit`, in `builder.portal.dispatch`: this module does not import
the task module, which imports it).

A run holds the job by a lease (`builder.portal.job_lease`); a worker that
dies mid-upload leaves its message unacknowledged, the broker hands it out
again, and the next run takes the job over once the lease ran out and
resumes each upload session from the offset the API last confirmed
(`builder.portal.job_checkpoints`). `bytes_done` counts those confirmed
bytes and `progress` is their share of `total_bytes`; a file sent in one
request counts when the job succeeds. Cancelling and retrying are
`builder.portal.job_control`'s.

A job whose query could not be authorized (the datasource needs to be
authorized again: its refresh token was revoked, invalid_grant) fails with
that error's code and message, even when the handler caught the rejection:
nobody watches a background run, and only a person can fix it.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from builder.errors import BuilderError, JobCancelled, LeaseLost, NotFound
from builder.models import EventJob, JobStatus
from builder.portal import sessions
from builder.portal.events import EventRequest, PreparedEvent, prepare_event, run_event
from builder.portal.job_checkpoints import JobCheckpoints
from builder.portal.job_lease import HeartbeatResolver, claim
from runtime.http import ExecutionResult
from workspaces.errors import WorkspaceError

__all__ = [
    "FINISHED",
    "background_bytes",
    "create_job",
    "get_job",
    "job_json",
    "max_attempts",
    "purge_finished_jobs",
    "queued_answer",
    "run_job",
    "runs_in_background",
]

logger = logging.getLogger(__name__)

# A job in one of these is over: nothing runs it unless it is retried.
FINISHED = (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)
# Query failures that fail the job: a person must authorize the datasource.
AUTHORIZATION_FAILURES = frozenset({"needs_reauthorization", "not_authorized"})


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


class _AuthorizationFailure:
    """Keeps the first query run that failed for want of an authorized datasource."""

    def __init__(self) -> None:
        self.error: dict[str, str] | None = None

    def __call__(self, name: str, result: ExecutionResult) -> None:
        error = result.error
        if self.error is None and error is not None and error.code in AUTHORIZATION_FAILURES:
            self.error = {"code": error.code, "message": f"{name} failed: {error.message}"}


def _request(job: EventJob) -> EventRequest:
    return EventRequest(
        page_id=job.page_id,
        widget=job.widget,
        event=job.event,
        meta=job.meta,
        url=job.url or None,
        cancel=tuple(job.cancelled),
    )


def max_attempts() -> int:
    """Runs a job gets before it fails (BRACE_JOB_MAX_ATTEMPTS): each worker lost is one."""
    return int(settings.BRACE_JOB_MAX_ATTEMPTS)


def run_job(job_id: str) -> str:
    """Run a job's event (the Celery task's body); the job's status when this run ends.

    The job is taken when it is queued, or running under a lease that ran out
    (its worker died: this run resumes its uploads from their checkpoints).
    A job another worker holds is left alone and "running" answered: an
    upload must not run twice at once (the task checks again later).
    """
    lease = claim(job_id)
    if lease is None:
        row = EventJob.objects.filter(pk=job_id).values_list("status", flat=True).first()
        return str(row or "missing")
    job = EventJob.objects.select_related("session__user").get(pk=job_id)
    if job.attempts > 1:
        logger.info("Background event %s taken over (attempt %d)", job.pk, job.attempts)
    if job.cancel_requested:
        error = {"code": "cancelled", "message": "The job was cancelled before it resumed."}
        lease.release(JobStatus.CANCELLED, error=error)
        return JobStatus.CANCELLED.value
    if job.attempts > max_attempts():
        message = (
            f"The job's worker stopped {job.attempts - 1} times before the job ended; "
            "it is not run again (retry it from the admin)."
        )
        lease.release(JobStatus.FAILED, error={"code": "too_many_attempts", "message": message})
        return JobStatus.FAILED.value
    checkpoints = JobCheckpoints(lease, job.upload_state, job.total_bytes)
    unauthorized = _AuthorizationFailure()
    try:
        prepared = prepare_event(job.session.user, _request(job))
        answer = run_event(
            prepared,
            confirmed=frozenset(job.confirmed),
            wrap_files=lambda inner: HeartbeatResolver(inner, lease),
            upload_checkpoints=checkpoints,
            on_failure=unauthorized,
        )
    except LeaseLost:
        logger.warning("Background event %s was taken over by another worker", job.pk)
        return JobStatus.RUNNING.value
    except JobCancelled as error:
        lease.release(JobStatus.CANCELLED, error={"code": error.code, "message": error.message})
        return JobStatus.CANCELLED.value
    except (BuilderError, WorkspaceError) as error:
        # Checked again here: the file may have expired, the user left the workspace...
        lease.release(JobStatus.FAILED, error={"code": error.code, "message": error.message})
        return JobStatus.FAILED.value
    except Exception:
        logger.exception("Background event %s failed", job.pk)
        lease.release(
            JobStatus.FAILED,
            error={"code": "internal_error", "message": "The background run failed."},
        )
        raise
    if unauthorized.error is not None:
        done = lease.release(JobStatus.FAILED, error=unauthorized.error, result=answer)
        return JobStatus.FAILED.value if done else JobStatus.RUNNING.value
    done = lease.release(
        JobStatus.SUCCEEDED, result=answer, progress=1.0, bytes_done=job.total_bytes
    )
    return JobStatus.SUCCEEDED.value if done else JobStatus.RUNNING.value


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
        "bytes_done": job.bytes_done,
        "total_bytes": job.total_bytes,
        "attempts": job.attempts,
        "result": job.result,
        "error": job.error,
    }


def purge_finished_jobs(now: datetime | None = None, *, older_than: timedelta | None = None) -> int:
    """Delete jobs that ended (succeeded, failed, cancelled) over a day ago."""
    cutoff = (now or timezone.now()) - (older_than or timedelta(days=1))
    finished = EventJob.objects.filter(status__in=FINISHED, updated_at__lt=cutoff)
    return finished.delete()[0]
