"""Cancel and retry background jobs: what the admin's actions call.

    cancel_job(job_id)   # queued: cancelled now; running: stops after its current chunk
    retry_job(job_id)    # failed, cancelled, or its worker gone: queued again, resuming

A running job is cancelled through its row (`cancel_requested`): the worker
reads it each time the API confirms a chunk (builder.portal.job_checkpoints),
records that chunk and stops, so nothing is left half-sent. A running job
whose worker is gone (its lease ran out) is cancelled at once, or retried: its
message may be gone (kombu's filesystem transport, `make run`'s, keeps no
message a killed worker took), so no worker may come back for it. A retried job
keeps its upload checkpoints: its uploads go on from the bytes the API
confirmed, as long as the API still holds their sessions (else each starts
over once). Its attempts count from 0 again.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from builder.errors import Conflict, NotFound
from builder.models import EventJob, JobStatus
from builder.portal.job_checkpoints import without_restarts
from builder.portal.tasks import run_event_job

__all__ = ["cancel_job", "retry_job"]

_CANCELLED_QUEUED = {"code": "cancelled", "message": "The job was cancelled before it started."}
_CANCELLED_STALE = {
    "code": "cancelled",
    "message": "The job was cancelled; its worker had stopped.",
}


_STATES: dict[str, str] = {
    JobStatus.QUEUED: "is queued",
    JobStatus.RUNNING: "is running",
    JobStatus.SUCCEEDED: "has succeeded",
    JobStatus.FAILED: "has failed",
    JobStatus.CANCELLED: "was cancelled",
}


def _job(job_id: Any) -> EventJob:
    job = EventJob.objects.filter(pk=job_id).first()
    if job is None:
        raise NotFound(f"There is no job {job_id}.")
    return job


def cancel_job(job_id: Any) -> EventJob:
    """Cancel a queued or running job (see the module docstring); the job as it is now.

    Conflict (`not_cancellable`) for a job that has already ended.
    """
    now = timezone.now()
    jobs = EventJob.objects.filter(pk=job_id)
    if jobs.filter(Q(status=JobStatus.QUEUED) | _stale()).update(
        status=JobStatus.CANCELLED,
        cancel_requested=True,
        lease_token=None,
        lease_expires_at=None,
        error=_CANCELLED_QUEUED,
        updated_at=now,
    ):
        job = _job(job_id)
        if job.attempts:  # it had started: its worker had stopped
            EventJob.objects.filter(pk=job_id).update(error=_CANCELLED_STALE)
            job.error = _CANCELLED_STALE
        return job
    if jobs.filter(status=JobStatus.RUNNING).update(cancel_requested=True, updated_at=now):
        return _job(job_id)
    job = _job(job_id)
    raise Conflict(
        f"Job {job.pk} {_STATES.get(job.status, job.status)}: only queued and running jobs "
        "can be cancelled.",
        code="not_cancellable",
    )


def _stale() -> Q:
    """A running job whose worker stopped renewing its lease: it died."""
    now = timezone.now()
    return Q(Q(lease_expires_at__lt=now) | Q(lease_expires_at=None), status=JobStatus.RUNNING)


def retry_job(job_id: Any) -> EventJob:
    """Queue a failed or cancelled job again, or a running one whose worker is gone.

    Conflict (`not_retryable`) for any other: a queued job waits for its
    worker already, a running one is being run, a succeeded one is done.
    """
    ended = Q(status__in=[JobStatus.FAILED, JobStatus.CANCELLED])
    with transaction.atomic():
        job = EventJob.objects.select_for_update().filter(ended | _stale(), pk=job_id).first()
        if job is None:
            found = _job(job_id)
            raise Conflict(
                f"Job {found.pk} {_STATES.get(found.status, found.status)}: only failed and "
                "cancelled jobs, and running ones whose worker stopped, can be retried.",
                code="not_retryable",
            )
        job.status = JobStatus.QUEUED
        job.cancel_requested = False
        job.attempts = 0
        job.error = None
        job.result = None
        job.lease_token = None
        job.lease_expires_at = None
        job.upload_state = without_restarts(job.upload_state)
        job.save()
        run_event_job.delay_on_commit(str(job.pk))
    return job
