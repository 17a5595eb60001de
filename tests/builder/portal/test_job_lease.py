"""Which worker runs a job: the lease on its row (builder.portal.job_lease).

The whole path (a run taken over, a copy of the message left alone) is
tests/builder/portal/test_job_resume.py; here the lease's own rules, and,
on PostgreSQL, deliveries of one message racing for the job.
"""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from builder.errors import LeaseLost
from builder.models import EventJob, JobStatus, RuntimeSession
from builder.portal.job_lease import (
    HeartbeatResolver,
    Lease,
    claim,
    orphaned_jobs,
    recheck_delay,
)
from builder.portal.tasks import resume_orphaned_event_jobs, run_event_job
from runtime.http import ResolvedFile
from tests.threads import race

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(application: Any, members: dict[str, Any]) -> EventJob:
    session = RuntimeSession.objects.create(user=members["viewer"], application=application)
    return EventJob.objects.create(session=session, page_id=1, widget="W", event="e")


def stale(job: EventJob) -> None:
    EventJob.objects.filter(pk=job.pk).update(lease_expires_at=timezone.now() - timedelta(1))


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class TestClaim:
    def test_a_queued_job_is_taken_and_the_attempt_counted(self, job, settings):
        settings.BRACE_JOB_LEASE_S = 30
        lease = claim(job.pk)
        assert lease is not None
        job.refresh_from_db()
        assert (job.status, job.attempts, job.lease_token) == ("running", 1, lease.token)
        left = (job.lease_expires_at - timezone.now()).total_seconds()
        assert 0 < left <= 30

    def test_a_running_job_under_a_live_lease_is_not(self, job):
        first = claim(job.pk)
        assert claim(job.pk) is None
        job.refresh_from_db()
        assert (job.attempts, job.lease_token) == (1, first.token)

    def test_a_running_job_whose_lease_ran_out_is(self, job):
        first = claim(job.pk)
        stale(job)
        second = claim(job.pk)
        assert second is not None and second.token != first.token
        assert EventJob.objects.get(pk=job.pk).attempts == 2

    @pytest.mark.parametrize("status", [JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED])
    def test_a_job_that_ended_is_not(self, job, status):
        EventJob.objects.filter(pk=job.pk).update(status=status)
        assert claim(job.pk) is None


class TestLease:
    def test_writes_renew_it_until_another_worker_takes_the_job(self, job):
        first = claim(job.pk)
        first.write(bytes_done=5)
        assert EventJob.objects.get(pk=job.pk).bytes_done == 5
        stale(job)
        claim(job.pk)
        with pytest.raises(LeaseLost):
            first.write(bytes_done=9)
        assert EventJob.objects.get(pk=job.pk).bytes_done == 5
        assert first.release(JobStatus.SUCCEEDED) is False
        assert EventJob.objects.get(pk=job.pk).status == "running"

    def test_a_beat_renews_at_most_every_quarter_lease(self, job, settings):
        settings.BRACE_JOB_LEASE_S = 40
        clock = Clock()
        lease = claim(job.pk, clock=clock)
        stale(job)
        clock.now = 9.9
        lease.beat()  # too soon: not written
        assert EventJob.objects.get(pk=job.pk).lease_expires_at < timezone.now()
        clock.now = 10
        lease.beat()
        assert EventJob.objects.get(pk=job.pk).lease_expires_at > timezone.now()

    def test_release_ends_the_run_and_frees_the_row(self, job):
        lease = claim(job.pk)
        assert lease.release(JobStatus.FAILED, error={"code": "x", "message": "y"})
        job.refresh_from_db()
        assert (job.status, job.lease_token, job.lease_expires_at) == ("failed", None, None)

    def test_the_recheck_waits_for_the_lease_to_run_out(self, job, settings):
        settings.BRACE_JOB_LEASE_S = 30
        claim(job.pk)
        assert 29 < recheck_delay(job.pk) <= 31
        stale(job)
        assert recheck_delay(job.pk) == 1.0
        assert recheck_delay("5f0c8a7e-3b1d-4e2f-9a6b-c4d3e2f1a0b9") == 1.0


class TestOrphanedJobs:
    """Running jobs no message will come back for (make run's filesystem transport)."""

    @pytest.fixture
    def periods(self, settings):
        settings.BRACE_JOB_LEASE_S = 60
        settings.BRACE_CELERY_VISIBILITY_TIMEOUT_S = 240  # a redelivery period: 300 s

    def expired(self, job, seconds_ago):
        then = timezone.now() - timedelta(seconds=seconds_ago)
        EventJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, lease_expires_at=then)

    def test_a_job_whose_lease_ran_out_a_redelivery_period_ago_is_found_once(self, job, periods):
        self.expired(job, 301)
        assert orphaned_jobs() == [job.pk]
        assert orphaned_jobs() == []  # marked: not again at the next beat
        assert claim(job.pk) is not None  # the message enqueued takes it over at once

    def test_it_is_found_again_if_nobody_came_for_another_period(self, job, periods):
        self.expired(job, 301)
        orphaned_jobs()
        assert orphaned_jobs(timezone.now() + timedelta(seconds=301)) == [job.pk]

    def test_one_the_broker_may_still_hand_out_is_not(self, job, periods):
        self.expired(job, 299)
        assert orphaned_jobs() == []

    @pytest.mark.parametrize("status", [JobStatus.QUEUED, JobStatus.SUCCEEDED])
    def test_jobs_not_running_are_not(self, job, periods, status):
        self.expired(job, 1000)
        EventJob.objects.filter(pk=job.pk).update(status=status)
        assert orphaned_jobs() == []

    def test_the_beat_task_enqueues_them(self, job, periods, monkeypatch):
        sent = []
        monkeypatch.setattr(run_event_job, "delay", sent.append)
        self.expired(job, 1000)
        assert resume_orphaned_event_jobs() == {"enqueued": 1}
        assert sent == [str(job.pk)]


class _Files:
    def resolve(self, reference: str) -> ResolvedFile:
        return ResolvedFile("x", 10, "text/plain", opener=lambda: io.BytesIO(b"0123456789"))


def test_file_bytes_streaming_keep_the_lease_alive(job, settings):
    settings.BRACE_JOB_LEASE_S = 40
    clock = Clock()
    lease = claim(job.pk, clock=clock)
    handle = HeartbeatResolver(_Files(), lease).resolve("blob:f_x").open()
    handle.seek(4)  # a chunk of an upload session starts at its offset
    stale(job)
    clock.now = 20
    assert handle.read(3) == b"456"
    assert EventJob.objects.get(pk=job.pk).lease_expires_at > timezone.now()
    handle.close()


def test_a_taken_over_job_stops_its_old_worker_while_it_streams(job):
    clock = Clock()
    lease = claim(job.pk, clock=clock)
    handle = HeartbeatResolver(_Files(), lease).resolve("blob:f_x").open()
    stale(job)
    claim(job.pk)
    clock.now = 1000
    with pytest.raises(LeaseLost):
        handle.read(3)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL: DATABASE_URL=postgres://...",
)
class TestCommits:
    """A running job's writes are committed without waiting for the disk; nothing else is."""

    def test_a_write_commits_asynchronously(self, job):
        lease = claim(job.pk)
        assert lease is not None
        with CaptureQueriesContext(connection) as queries:
            lease.write(bytes_done=7)
        statements = [q["sql"] for q in queries.captured_queries]
        assert statements[:2] == ["BEGIN", "SET LOCAL synchronous_commit TO OFF"]
        assert statements[2].startswith('UPDATE "builder_eventjob"')
        assert EventJob.objects.get(pk=job.pk).bytes_done == 7
        with connection.cursor() as cursor:  # the setting ended with its transaction
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone() == ("on",)

    def test_a_lost_lease_is_still_reported(self, job):
        lease = claim(job.pk)
        assert lease is not None
        stale(job)
        assert claim(job.pk) is not None
        with pytest.raises(LeaseLost):
            lease.write(bytes_done=1)

    def test_inside_a_callers_transaction_it_is_left_alone(self, job):
        lease = claim(job.pk)
        assert lease is not None
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            lease.write(bytes_done=3)
            with connection.cursor() as cursor:
                cursor.execute("SHOW synchronous_commit")
                assert cursor.fetchone() == ("on",)
        assert not any("TO OFF" in q["sql"] for q in queries.captured_queries)
        assert EventJob.objects.get(pk=job.pk).bytes_done == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL: DATABASE_URL=postgres://...",
)
@pytest.mark.parametrize("start", ["queued", "stale"])
def test_deliveries_racing_for_a_job_give_it_to_one(job, start):
    if start == "stale":
        claim(job.pk)
        stale(job)
    connection.close()
    results = race([lambda: claim(job.pk)] * 8)
    won = [result for result in results if isinstance(result, Lease)]
    assert len(won) == 1 and results.count(None) == 7, results
    job.refresh_from_db()
    assert job.lease_token == won[0].token
    assert job.attempts == (1 if start == "queued" else 2)
