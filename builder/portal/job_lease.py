"""Which worker runs a background job: a lease on its row, renewed while it works.

    lease = claim(job_id)              # a Lease, or None if the job is not this worker's to run
    lease.renew()                      # LeaseLost if another worker took the job over
    HeartbeatResolver(files, lease)    # renews (at most every lease/4) while file bytes stream
    orphaned_jobs()                    # running jobs no worker came back for: enqueue them again

Celery acknowledges a job's message once the task returns (acks_late), so a
worker killed mid-upload leaves its message in the broker, which hands it
out again (Redis: after CELERY_BROKER_TRANSPORT_OPTIONS' visibility_timeout).
The same happens to a long job whose worker is alive. The row decides:
`claim` is one conditional UPDATE that takes a job that is queued, or
running under a lease that ran out (its worker stopped renewing it: it
died), and counts the attempt. PostgreSQL re-checks the condition on the
row it locks, so of two deliveries racing only one gets the job; a live
lease is never taken. BRACE_JOB_LEASE_S must exceed the time one chunk of
an upload session takes to send, since a lease is also renewed at each
confirmed chunk.

A message can also be gone for good: kombu's filesystem transport (`make
run`) keeps none that a killed worker took, and a broker can lose its data.
`orphaned_jobs` (a beat task) finds running jobs whose lease ran out longer
ago than the broker needs to hand a message out again, so that they are
enqueued anew; it moves each one's expiry to now, so that it is enqueued
once per such period, not at every beat.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import IO, Any, BinaryIO, cast

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

import metrics
from builder.errors import LeaseLost
from builder.models import EventJob, JobStatus
from runtime.http import FileResolver, ResolvedFile

__all__ = [
    "HeartbeatResolver",
    "Lease",
    "claim",
    "lease_seconds",
    "orphaned_jobs",
    "recheck_delay",
]


def lease_seconds() -> float:
    """How long a worker holds a job without renewing its lease (BRACE_JOB_LEASE_S)."""
    return float(settings.BRACE_JOB_LEASE_S)


def _expiry(now: datetime) -> datetime:
    return now + timedelta(seconds=lease_seconds())


@dataclass
class Lease:
    """This worker's hold on a running job; each write the worker makes goes through it."""

    job_id: Any
    token: uuid.UUID
    clock: Callable[[], float] = time.monotonic
    renewed_at: float = 0.0

    def held(self) -> Any:
        """The job's row while this lease holds it (a queryset to update)."""
        return EventJob.objects.filter(pk=self.job_id, lease_token=self.token)

    def write(self, **fields: Any) -> None:
        """Update the job's row and renew the lease; LeaseLost if another worker holds it.

        Committed without waiting for the disk (see `_without_fsync`).
        """
        now = timezone.now()
        with _without_fsync():
            updated = self.held().update(lease_expires_at=_expiry(now), updated_at=now, **fields)
        if not updated:
            raise LeaseLost()
        self.renewed_at = self.clock()

    def renew(self) -> None:
        self.write()

    def beat(self) -> None:
        """Renew, at most every quarter of the lease (called for each block of bytes read)."""
        if self.clock() - self.renewed_at >= lease_seconds() / 4:
            self.renew()

    def release(self, status: JobStatus, **fields: Any) -> bool:
        """End the run with ``status``; False if the job was no longer this worker's."""
        released = bool(
            self.held().update(
                status=status,
                lease_token=None,
                lease_expires_at=None,
                updated_at=timezone.now(),
                **fields,
            )
        )
        if released:
            metrics.job_state(status.value)
        return released


@contextmanager
def _without_fsync() -> Iterator[None]:
    """A transaction PostgreSQL acknowledges before its WAL reaches the disk.

    A running job writes (checkpoints, lease renewals) between two chunks of
    its upload, which waits for the commit; right after a big pick the disk is
    busy writing the picked file back, and a synchronous commit then took up
    to 1.5 s (bench/RESULTS.md, "upload"). The write is visible to every other
    connection at once, as before; only a crash of PostgreSQL itself may lose
    the last ones, and that a resumed upload survives (a confirmed chunk the
    row misses is found through `incorrect_offset`). Inside a caller's
    transaction the setting would apply to the caller's commit too, so it is
    left alone there.
    """
    asynchronous = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        if asynchronous:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


def claim(job_id: Any, *, clock: Callable[[], float] = time.monotonic) -> Lease | None:
    """Take the job if it is queued, or running under a lease that ran out; else None."""
    now = timezone.now()
    token = uuid.uuid4()
    free = Q(status=JobStatus.QUEUED) | Q(
        Q(lease_expires_at__lt=now) | Q(lease_expires_at=None), status=JobStatus.RUNNING
    )
    taken = (
        EventJob.objects.filter(free, pk=job_id).update(
            status=JobStatus.RUNNING,
            lease_token=token,
            lease_expires_at=_expiry(now),
            attempts=F("attempts") + 1,
            updated_at=now,
        )
        == 1
    )
    if not taken:
        return None
    metrics.job_state(JobStatus.RUNNING.value)  # again for a takeover: a new attempt
    return Lease(job_id, token, clock=clock, renewed_at=clock())


def recheck_delay(job_id: Any) -> float:
    """Seconds until a job another worker runs could be taken over (its lease ran out), +1."""
    expires = EventJob.objects.filter(pk=job_id).values_list("lease_expires_at", flat=True).first()
    if expires is None:
        return 1.0
    return max((expires - timezone.now()).total_seconds(), 0.0) + 1.0


def orphaned_jobs(now: datetime | None = None) -> list[Any]:
    """Running jobs whose lease ran out over a redelivery period ago: their ids, marked.

    The period is the lease plus BRACE_CELERY_VISIBILITY_TIMEOUT_S: a message
    the broker still holds has come back by then and taken the job over.
    """
    now = now or timezone.now()
    grace = lease_seconds() + float(settings.BRACE_CELERY_VISIBILITY_TIMEOUT_S)
    cutoff = now - timedelta(seconds=grace)
    orphaned = Q(lease_expires_at__lt=cutoff) | Q(lease_expires_at=None)
    found = list(
        EventJob.objects.filter(orphaned, status=JobStatus.RUNNING).values_list("pk", flat=True)
    )
    # Marked one by one, conditionally: two beats at once enqueue each job once.
    return [
        pk
        for pk in found
        if EventJob.objects.filter(orphaned, pk=pk, status=JobStatus.RUNNING).update(
            lease_expires_at=now
        )
    ]


class _HeartbeatReader:
    """A file object that renews the lease as its bytes are read (a long single request)."""

    def __init__(self, handle: IO[bytes], lease: Lease) -> None:
        self._handle = handle
        self._lease = lease

    def read(self, size: int = -1) -> bytes:
        self._lease.beat()
        return self._handle.read(size)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._handle.seek(offset, whence)

    def close(self) -> None:
        self._handle.close()


class HeartbeatResolver:
    """A `FileResolver` whose files keep the job's lease alive while they stream."""

    def __init__(self, inner: FileResolver, lease: Lease) -> None:
        self.inner = inner
        self.lease = lease

    def resolve(self, reference: str) -> ResolvedFile:
        resolved = self.inner.resolve(reference)

        def opener() -> BinaryIO:
            return cast(BinaryIO, _HeartbeatReader(resolved.opener(), self.lease))

        return replace(resolved, opener=opener)
