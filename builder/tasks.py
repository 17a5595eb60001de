"""Celery tasks of the builder: thin wrappers over its services."""

from __future__ import annotations

from celery import shared_task

from builder.execution import files
from builder.portal import jobs


@shared_task(name="builder.tasks.purge_expired_runtime_files")
def purge_expired_runtime_files() -> dict[str, int]:
    """Delete picked files past their expiry (BRACE_RUNTIME_FILE_TTL_S), bytes and rows."""
    return {"purged": files.purge_expired_runtime_files()}


@shared_task(name="builder.tasks.run_event_job")
def run_event_job(job_id: str) -> dict[str, str]:
    """Run a portal event queued because its picked files are big (builder.portal.jobs)."""
    return {"job": job_id, "status": jobs.run_job(job_id)}


@shared_task(name="builder.tasks.purge_finished_event_jobs")
def purge_finished_event_jobs() -> dict[str, int]:
    """Delete background event jobs that ended over a day ago (a beat job)."""
    return {"purged": jobs.purge_finished_jobs()}
