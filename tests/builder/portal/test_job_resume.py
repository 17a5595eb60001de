"""A background upload resumes after its worker died, and stops where it is told to.

The seed app's upload query runs against the test provider's Dropbox API
(real server on loopback, real OAuth token, upload sessions with 4 MiB
chunks: ``tests.oauth_provider.dropbox_sessions``). The worker's side is
called in-process (``jobs.run_job``); "the worker dies" is an exception that
no handler in Brace catches (a ``BaseException``, as a SIGKILL leaves no
handler either), raised after a given number of confirmed chunks, so the row
stays as a killed worker leaves it. Real workers killed for real are
``tests/e2e/test_resumable_uploads.py``.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from celery.exceptions import Retry
from django.utils import timezone

from builder.models import EventJob, JobStatus
from builder.portal import job_control, jobs
from builder.portal.job_checkpoints import JobCheckpoints
from builder.portal.job_lease import claim
from builder.portal.tasks import run_event_job
from tests.builder.portal.support import answer, fire, pick, publish_seed_on_provider
from tests.oauth_provider.dropbox import ProviderApis

pytestmark = pytest.mark.django_db

MiB = 1024 * 1024
CHUNK = 4 * MiB
CONTENT = os.urandom(3 * CHUNK + 1000)  # start, two appends, finish
SHA256 = hashlib.sha256(CONTENT).hexdigest()


class WorkerDied(BaseException):
    """What a SIGKILL does to a run: it ends, and nothing in Brace gets to clean up."""


@pytest.fixture
def app(
    settings: Any,
    apis: ProviderApis,
    provider: Any,
    oauth_datasource: Callable[..., Any],
    authorize: Callable[..., Any],
    dropbox_portal: dict[str, Any],
    page: Any,
    members: dict[str, Any],
    media: Any,
) -> Any:
    """The seed app on the provider's Dropbox API, files over 4 MiB sent in 4 MiB chunks."""
    settings.BRACE_EVENT_BACKGROUND_BYTES = 1024
    settings.BRACE_UPLOAD_SESSION_THRESHOLD_BYTES = CHUNK
    settings.BRACE_UPLOAD_SESSION_CHUNK_BYTES = CHUNK
    datasource = oauth_datasource(scopes=["files.content.write"])
    return publish_seed_on_provider(
        dropbox_portal, page, datasource, provider.url("/"), authorize, members["developer"]
    )


@pytest.fixture
def job_id(app: Any, client_as: Callable[[str], Any], django_capture_on_commit_callbacks) -> str:
    """A viewer picked the file: a queued job (its message not sent: the test runs it)."""
    viewer = client_as("viewer")
    entry = pick(viewer, app, CONTENT, name="big.bin", content_type="application/octet-stream")
    with django_capture_on_commit_callbacks(execute=False):
        body = answer(fire(viewer, app, "FilePicker1", "onFilesSelected", {"files": [entry]}))
    return str(body["jobs"][0]["id"])


@pytest.fixture
def after_chunks(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """after_chunks(n, then): call ``then(job_id)`` once the n-th checkpoint is recorded."""

    def arrange(count: int, then: Callable[[Any], None]) -> None:
        saved = JobCheckpoints.save
        seen = [0]

        def save(self: JobCheckpoints, key: str, checkpoint: Any) -> None:
            saved(self, key, checkpoint)
            seen[0] += 1
            if seen[0] == count:
                then(self.lease.job_id)

        monkeypatch.setattr(JobCheckpoints, "save", save)

    return arrange


def die(job_id: Any) -> None:
    raise WorkerDied()


def steps(apis: ProviderApis) -> list[tuple[str, int]]:
    """(step, status) of every upload-session request the provider saw."""
    return [
        (seen["api"].removeprefix("dropbox.upload_session."), seen["status"])
        for seen in apis.requests()
        if seen["api"].startswith("dropbox.upload")
    ]


def lease_runs_out(job_id: str) -> None:
    EventJob.objects.filter(pk=job_id).update(lease_expires_at=timezone.now() - timedelta(1))


def the_one_file(apis: ProviderApis) -> dict[str, Any]:
    files = apis.files()
    assert list(files) == ["/big.bin"], files
    return files["/big.bin"]


class TestResuming:
    def test_a_run_whose_worker_died_is_taken_over_and_resumed_from_the_confirmed_offset(
        self, job_id, apis, after_chunks
    ):
        after_chunks(2, die)  # start and the first append confirmed
        with pytest.raises(WorkerDied):
            jobs.run_job(job_id)
        job = EventJob.objects.get(pk=job_id)
        assert (job.status, job.attempts, job.bytes_done) == (JobStatus.RUNNING, 1, 2 * CHUNK)
        assert job.progress == 2 * CHUNK / len(CONTENT)
        (point,) = job.upload_state.values()
        assert (point["offset"], point["size"], point["done"]) == (2 * CHUNK, len(CONTENT), False)

        lease_runs_out(job_id)
        after_chunks(0, die)  # this run lives
        assert jobs.run_job(job_id) == "succeeded"

        job = EventJob.objects.get(pk=job_id)
        assert (job.attempts, job.bytes_done, job.progress) == (2, len(CONTENT), 1.0)
        assert job.result["widgets"]["Result"] == {"text": "Stored as /big.bin"}
        # One session: the second run went on with the first one's append.
        assert [step for step, _ in steps(apis)] == ["start", "append_v2", "append_v2", "finish"]
        assert {status for _, status in steps(apis)} == {200}
        assert the_one_file(apis)["sha256"] == SHA256

    def test_a_run_that_died_after_finish_answers_it_again_without_a_second_file(
        self, job_id, apis, after_chunks
    ):
        after_chunks(4, die)  # finish answered and recorded; the job not yet marked
        with pytest.raises(WorkerDied):
            jobs.run_job(job_id)
        lease_runs_out(job_id)
        assert jobs.run_job(job_id) == "succeeded"
        assert [step for step, _ in steps(apis)].count("finish") == 1
        assert the_one_file(apis)["sha256"] == SHA256
        job = EventJob.objects.get(pk=job_id)
        assert job.result["widgets"]["Result"] == {"text": "Stored as /big.bin"}

    def test_a_copy_of_the_message_leaves_a_job_whose_worker_is_alive_alone(self, job_id, apis):
        lease = claim(job_id)  # another worker runs it, and renews its lease
        assert lease is not None
        assert jobs.run_job(job_id) == "running"
        job = EventJob.objects.get(pk=job_id)
        assert (job.status, job.attempts, job.lease_token) == ("running", 1, lease.token)
        assert steps(apis) == []
        # The task checks again once that lease could have run out.
        with pytest.raises(Retry):
            run_event_job(job_id)
        assert steps(apis) == []

    def test_a_worker_whose_lease_was_taken_over_stops_at_its_next_chunk(
        self, job_id, apis, after_chunks
    ):
        # Its lease ran out (it stalled), another delivery took the job over.
        after_chunks(1, lambda pk: (lease_runs_out(pk), claim(pk)))
        assert jobs.run_job(job_id) == "running"
        assert [step for step, _ in steps(apis)] == ["start", "append_v2"]
        job = EventJob.objects.get(pk=job_id)
        assert (job.status, job.attempts, job.error) == ("running", 2, None)

    def test_a_job_whose_workers_keep_dying_fails_after_the_attempts_allowed(
        self, job_id, apis, settings
    ):
        settings.BRACE_JOB_MAX_ATTEMPTS = 2
        EventJob.objects.filter(pk=job_id).update(status=JobStatus.RUNNING, attempts=2)
        lease_runs_out(job_id)
        assert jobs.run_job(job_id) == "failed"
        error = EventJob.objects.get(pk=job_id).error
        assert error["code"] == "too_many_attempts"
        assert "stopped 2 times" in error["message"]
        assert steps(apis) == []


class TestExpiredSessions:
    def test_a_session_gone_when_the_job_resumes_starts_over_once(self, job_id, apis, after_chunks):
        after_chunks(2, die)
        with pytest.raises(WorkerDied):
            jobs.run_job(job_id)
        assert apis.expire_sessions(now=True) == 1
        lease_runs_out(job_id)
        after_chunks(0, die)
        assert jobs.run_job(job_id) == "succeeded"
        assert steps(apis)[2:] == [
            ("append_v2", 409),  # not_found: the session expired meanwhile
            ("start", 200),
            ("append_v2", 200),
            ("append_v2", 200),
            ("finish", 200),
        ]
        assert the_one_file(apis)["sha256"] == SHA256
        (point,) = EventJob.objects.get(pk=job_id).upload_state.values()
        assert point["restarts"] == 1

    def test_a_session_lost_again_after_the_restart_fails_the_job_clearly(self, job_id, apis):
        apis.expire_sessions(at_appends=(1, 2))  # each session's first append finds it gone
        assert jobs.run_job(job_id) == "failed"
        job = EventJob.objects.get(pk=job_id)
        assert job.error["code"] == "upload_session_expired"
        assert job.error["message"] == (
            "The upload session is gone at the provider (append_v2 answered not_found) and "
            "the upload already started over from the first byte 1 time(s); run it again "
            "to upload the whole file anew."
        )
        assert [step for step, _ in steps(apis)] == ["start", "append_v2"] * 2
        assert apis.files() == {}


class TestCancelling:
    def test_a_running_job_stops_once_the_chunk_it_is_sending_is_confirmed(
        self, job_id, apis, after_chunks
    ):
        cancelled: list[Any] = []
        after_chunks(2, lambda pk: cancelled.append(job_control.cancel_job(pk)))
        assert jobs.run_job(job_id) == "cancelled"
        assert cancelled[0].status == JobStatus.RUNNING  # asked; the worker stops it
        # The append under way when it was asked went through and was recorded.
        assert [step for step, _ in steps(apis)] == ["start", "append_v2", "append_v2"]
        job = EventJob.objects.get(pk=job_id)
        assert (job.status, job.bytes_done, job.lease_token) == ("cancelled", 3 * CHUNK, None)
        assert job.error == {
            "code": "cancelled",
            "message": f"Cancelled after {3 * CHUNK} of {len(CONTENT)} bytes were uploaded; "
            "retry the job to go on from there.",
        }
        assert apis.files() == {}

    def test_a_retried_job_goes_on_from_where_it_was_cancelled(
        self, job_id, apis, after_chunks, django_capture_on_commit_callbacks
    ):
        after_chunks(1, job_control.cancel_job)
        assert jobs.run_job(job_id) == "cancelled"
        with django_capture_on_commit_callbacks(execute=False) as enqueued:
            job = job_control.retry_job(job_id)
        assert len(enqueued) == 1  # the task, once the row is committed
        assert (job.status, job.attempts, job.error, job.cancel_requested) == (
            "queued",
            0,
            None,
            False,
        )
        after_chunks(0, die)
        assert jobs.run_job(job_id) == "succeeded"
        # Cancelled at the first append's end; the retry went on in the same session.
        assert [step for step, _ in steps(apis)] == ["start", "append_v2", "append_v2", "finish"]
        assert the_one_file(apis)["sha256"] == SHA256

    def test_a_queued_job_is_cancelled_at_once_and_never_runs(self, job_id, apis):
        job = job_control.cancel_job(job_id)
        assert (job.status, job.error["code"]) == ("cancelled", "cancelled")
        assert "before it started" in job.error["message"]
        assert jobs.run_job(job_id) == "cancelled"
        assert steps(apis) == []

    def test_a_running_job_whose_worker_is_gone_is_cancelled_at_once(
        self, job_id, apis, after_chunks
    ):
        after_chunks(1, die)
        with pytest.raises(WorkerDied):
            jobs.run_job(job_id)
        lease_runs_out(job_id)
        job = job_control.cancel_job(job_id)
        assert (job.status, job.lease_token) == ("cancelled", None)
        assert job.error["message"] == "The job was cancelled; its worker had stopped."
        assert jobs.run_job(job_id) == "cancelled"  # its message, delivered again

    def test_a_job_asked_to_cancel_whose_worker_died_is_cancelled_by_the_next_delivery(
        self, job_id, apis, after_chunks
    ):
        after_chunks(1, die)
        with pytest.raises(WorkerDied):
            jobs.run_job(job_id)
        job_control.cancel_job(job_id)  # its lease still live: only asked
        lease_runs_out(job_id)
        assert jobs.run_job(job_id) == "cancelled"
        assert len(steps(apis)) == 1
        job = EventJob.objects.get(pk=job_id)
        assert job.error["message"] == "The job was cancelled before it resumed."
