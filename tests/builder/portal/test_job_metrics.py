"""Background jobs count each state they enter, and /metrics reads how many are in each now."""

from __future__ import annotations

import pytest

from builder.models import RuntimeFile
from builder.portal import job_control, jobs
from builder.scrape_gauges import background_jobs_by_state
from tests.builder.portal.support import answer, fire, pick
from tests.metrics.reading import sample

pytestmark = pytest.mark.django_db

JOBS = "brace_background_jobs_total"
STATES = ("queued", "running", "succeeded", "failed", "cancelled")


def counts() -> dict[str, float]:
    return {state: sample(JOBS, state=state) for state in STATES}


def queue_a_job(client_as, seed_app, settings, django_capture_on_commit_callbacks) -> str:
    """A viewer picks a file over the background threshold; the job's id."""
    settings.BRACE_EVENT_BACKGROUND_BYTES = 1024
    viewer = client_as("viewer")
    entry = pick(viewer, seed_app.page, b"x" * 4096, name="big.bin", content_type="text/plain")
    with django_capture_on_commit_callbacks(execute=False):  # no broker: run it here
        body = answer(
            fire(viewer, seed_app.page, "FilePicker1", "onFilesSelected", {"files": [entry]})
        )
    return body["jobs"][0]["id"]


def test_a_job_that_succeeds(
    client_as, seed_app, settings, django_capture_on_commit_callbacks, dropbox_api
):
    before = counts()
    job_id = queue_a_job(client_as, seed_app, settings, django_capture_on_commit_callbacks)
    assert counts() == {**before, "queued": before["queued"] + 1}
    assert background_jobs_by_state() == {
        ("queued",): 1,
        ("running",): 0,
        ("succeeded",): 0,
        ("failed",): 0,
        ("cancelled",): 0,
    }

    assert jobs.run_job(job_id) == "succeeded"
    assert counts() == {
        **before,
        "queued": before["queued"] + 1,
        "running": before["running"] + 1,
        "succeeded": before["succeeded"] + 1,
    }
    assert background_jobs_by_state()[("succeeded",)] == 1
    assert background_jobs_by_state()[("queued",)] == 0

    # A message delivered twice runs nothing, and counts nothing.
    jobs.run_job(job_id)
    assert counts()["running"] == before["running"] + 1


def test_a_job_that_fails(
    client_as, seed_app, settings, django_capture_on_commit_callbacks, dropbox_api
):
    before = counts()
    job_id = queue_a_job(client_as, seed_app, settings, django_capture_on_commit_callbacks)
    RuntimeFile.objects.update(expires_at=RuntimeFile.objects.get().created_at)
    assert jobs.run_job(job_id) == "failed"
    assert counts()["failed"] == before["failed"] + 1
    assert counts()["succeeded"] == before["succeeded"]
    assert background_jobs_by_state()[("failed",)] == 1


def test_a_job_cancelled_then_retried(
    client_as, seed_app, settings, django_capture_on_commit_callbacks, dropbox_api
):
    before = counts()
    job_id = queue_a_job(client_as, seed_app, settings, django_capture_on_commit_callbacks)
    job_control.cancel_job(job_id)
    assert counts()["cancelled"] == before["cancelled"] + 1
    assert background_jobs_by_state()[("cancelled",)] == 1

    with django_capture_on_commit_callbacks(execute=False):  # no broker: run it here
        job_control.retry_job(job_id)
    assert counts()["queued"] == before["queued"] + 2
    assert jobs.run_job(job_id) == "succeeded"
    assert counts() == {
        **before,
        "queued": before["queued"] + 2,
        "running": before["running"] + 1,
        "cancelled": before["cancelled"] + 1,
        "succeeded": before["succeeded"] + 1,
    }
