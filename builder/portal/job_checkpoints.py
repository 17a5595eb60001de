"""A background job's upload checkpoints, kept on its row (`EventJob.upload_state`).

`JobCheckpoints` is the `runtime.http.UploadCheckpoints` a job's run hands to
its queries: after every chunk the API confirmed, the checkpoint (session id,
confirmed offset) is written with the job's `bytes_done` and `progress` and
its lease renewed, in one UPDATE that holds only while this worker owns the
job. A new run of the job (its message redelivered after the worker died, or
retried from the admin) reads them back and resumes each session from its
confirmed offset. The same write is where a run stops:

* someone asked to cancel the job: `JobCancelled`, after the chunk is recorded;
* another worker took the job over: `LeaseLost`;
* the API lost a session that had already started over once
  (`runtime.http.MAX_SESSION_RESTARTS`, counted across runs in the row):
  `UploadSessionExpired`, with a message saying so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from builder.errors import JobCancelled, UploadSessionExpired
from builder.models import EventJob
from builder.portal.job_lease import Lease
from runtime.http import MAX_SESSION_RESTARTS, UploadCheckpoint, expired_message

__all__ = ["JobCheckpoints", "confirmed_bytes", "without_restarts"]


def confirmed_bytes(state: Mapping[str, Any]) -> int:
    """The bytes the API confirmed, over every upload of the job."""
    total = 0
    for entry in state.values():
        point = UploadCheckpoint.from_json(entry)
        if point is not None:
            total += point.offset
    return total


def without_restarts(state: Mapping[str, Any]) -> dict[str, Any]:
    """The checkpoints with their restart counts cleared (a retry may start over once more)."""
    return {
        key: {**entry, "restarts": 0} if isinstance(entry, Mapping) else entry
        for key, entry in state.items()
    }


def _restarts(entry: Any) -> int:
    count = entry.get("restarts") if isinstance(entry, Mapping) else None
    return count if isinstance(count, int) and not isinstance(count, bool) else 0


class JobCheckpoints:
    """`runtime.http.UploadCheckpoints` stored on the job's row (see the module docstring)."""

    def __init__(self, lease: Lease, state: Mapping[str, Any], total_bytes: int) -> None:
        self.lease = lease
        self.state: dict[str, Any] = dict(state) if isinstance(state, Mapping) else {}
        self.total_bytes = total_bytes

    def load(self, key: str) -> UploadCheckpoint | None:
        return UploadCheckpoint.from_json(self.state.get(key))

    def save(self, key: str, checkpoint: UploadCheckpoint) -> None:
        self.state[key] = {**checkpoint.to_json(), "restarts": _restarts(self.state.get(key))}
        self._write()
        if EventJob.objects.filter(pk=self.lease.job_id, cancel_requested=True).exists():
            done = confirmed_bytes(self.state)
            raise JobCancelled(
                f"Cancelled after {done} of {self.total_bytes} bytes were uploaded; "
                "retry the job to go on from there."
            )

    def restart(self, key: str, *, step: str, reason: str) -> None:
        restarts = _restarts(self.state.get(key))
        if restarts >= MAX_SESSION_RESTARTS:
            raise UploadSessionExpired(expired_message(step, reason, restarts).capitalize() + ".")
        self.state[key] = {"restarts": restarts + 1}  # no session: the upload starts at 0
        self._write()

    def _write(self) -> None:
        done = confirmed_bytes(self.state)
        progress = min(done / self.total_bytes, 1.0) if self.total_bytes else 0.0
        self.lease.write(upload_state=self.state, bytes_done=done, progress=progress)
