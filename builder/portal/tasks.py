"""Celery tasks of the portal: thin wrappers over `builder.portal.jobs`.

Their names keep the `builder.tasks.` prefix they were first queued under:
a message in the broker and the beat schedule find a task by name.
"""

from __future__ import annotations

from celery import shared_task
from celery.contrib.django.task import DjangoTask

from builder.portal import jobs


# DjangoTask: dispatch enqueues it with delay_on_commit, once the job row is committed.
@shared_task(name="builder.tasks.run_event_job", base=DjangoTask)
def run_event_job(job_id: str) -> dict[str, str]:
    """Run a portal event queued because its picked files are big (builder.portal.jobs)."""
    return {"job": job_id, "status": jobs.run_job(job_id)}


@shared_task(name="builder.tasks.purge_finished_event_jobs")
def purge_finished_event_jobs() -> dict[str, int]:
    """Delete background event jobs that ended over a day ago (a beat job)."""
    return {"purged": jobs.purge_finished_jobs()}
