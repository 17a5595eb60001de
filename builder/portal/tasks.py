"""Celery tasks of the portal: thin wrappers over `builder.portal.jobs`.

Their names keep the `builder.tasks.` prefix they were first queued under:
a message in the broker and the beat schedule find a task by name.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.contrib.django.task import DjangoTask

from builder.models import JobStatus
from builder.portal import jobs
from builder.portal.job_lease import orphaned_jobs, recheck_delay


# DjangoTask: dispatch enqueues it with delay_on_commit, once the job row is committed.
# acks_late (CELERY_TASK_ACKS_LATE): the message stays in the broker until the run
# ends, so a worker killed mid-upload has it delivered again; reject_on_worker_lost
# does the same when only the pool's child process dies.
@shared_task(
    bind=True,
    name="builder.tasks.run_event_job",
    base=DjangoTask,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=None,
)
def run_event_job(self: Any, job_id: str) -> dict[str, str]:
    """Run a portal event queued because its picked files are big (builder.portal.jobs).

    A job another worker holds (this message is a redelivered copy) is checked
    again once that worker's lease could have run out: if the worker died
    meanwhile, that delivery takes the job over; if it finished, it ends there.
    """
    status = jobs.run_job(job_id)
    if status == JobStatus.RUNNING:
        raise self.retry(countdown=recheck_delay(job_id))
    return {"job": job_id, "status": status}


@shared_task(name="builder.tasks.purge_finished_event_jobs")
def purge_finished_event_jobs() -> dict[str, int]:
    """Delete background event jobs that ended over a day ago (a beat job)."""
    return {"purged": jobs.purge_finished_jobs()}


@shared_task(name="builder.tasks.resume_orphaned_event_jobs")
def resume_orphaned_event_jobs() -> dict[str, int]:
    """Enqueue running jobs whose message is gone with their worker (a beat job)."""
    found = orphaned_jobs()
    for job_id in found:
        run_event_job.delay(str(job_id))
    return {"enqueued": len(found)}
