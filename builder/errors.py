"""Every error the builder raises, in one tree.

Services, selectors, the portal, its Celery jobs, the admin and the views
raise these; none of them knows HTTP. `builder.api.errors` maps them, with
every other app's errors, to HTTP statuses in one table and renders each as
``{"code", "message", "field"?}``.

Each error carries a machine-readable ``code`` (the class's own, or a more
precise one given where it is raised: ``duplicate_name``, ``last_admin``,
``not_published``...), a ``message`` written for the person who will read it
(a developer in the editor, an end user of a portal), and the ``field`` it is
about when there is one: a dotted JSON path into the request, such as
``name``, ``layout.children[0].widgetName`` or ``meta.files[0].size``.

A role too low for an action is `workspaces.errors.RoleTooLow`.

Hierarchy::

    BuilderError                code, message, field
    ├── Invalid                 "invalid": the request is wrong; field names the input
    ├── NotFound                "not_found": no such object, or none the user may see
    ├── Conflict                "conflict": the current state forbids it (last admin,
    │                           page in use, a saved layout that is not valid)
    ├── PayloadTooLarge         "payload_too_large": a body, a file or a layout over its limit
    ├── TooMany                 "too_many": a count the user may keep is reached (stored files)
    └── JobStopped              a background job's run ends before its event did
        ├── JobCancelled        "cancelled": someone asked; it stopped at a chunk's end
        ├── LeaseLost           "lease_lost": another worker took the job over
        └── UploadSessionExpired "upload_session_expired": the provider lost the
                                upload's session after it had started over once

The `JobStopped` kinds are raised while a worker runs a job
(`builder.portal.job_checkpoints`) and end up in the job's `error`, never in
an HTTP answer.
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "BuilderError",
    "Conflict",
    "Invalid",
    "JobCancelled",
    "JobStopped",
    "LeaseLost",
    "NotFound",
    "PayloadTooLarge",
    "TooMany",
    "UploadSessionExpired",
]


class BuilderError(Exception):
    """Root of every error the builder raises."""

    default_code: ClassVar[str] = "builder_error"
    default_message: ClassVar[str] = "The builder cannot do this."

    def __init__(
        self, message: str | None = None, *, code: str | None = None, field: str | None = None
    ) -> None:
        self.message = message or self.default_message
        self.code = code or self.default_code
        self.field = field
        super().__init__(self.message)


class Invalid(BuilderError):
    default_code = "invalid"
    default_message = "The request is invalid."


class NotFound(BuilderError):
    """Also the answer for objects in a workspace the user is not a member of,
    so that ids do not leak."""

    default_code = "not_found"
    default_message = "Not found."


class Conflict(BuilderError):
    default_code = "conflict"
    default_message = "The request conflicts with the current state."


class PayloadTooLarge(BuilderError):
    default_code = "payload_too_large"
    default_message = "The request body is too large."


class TooMany(BuilderError):
    """The user keeps as many of something as they may; it passes once some go (expire).

    ``retry_after``: seconds until one goes, when known (the API's `Retry-After`).
    """

    default_code = "too_many"
    default_message = "You have reached the limit; try again later."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        field: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message, code=code, field=field)
        self.retry_after = retry_after


class JobStopped(BuilderError):
    """A background job's run stops before its event finished (see the subclasses)."""

    default_code = "job_stopped"
    default_message = "The background run stopped."


class JobCancelled(JobStopped):
    default_code = "cancelled"
    default_message = "The job was cancelled."


class LeaseLost(JobStopped):
    """This worker's lease on the job ran out and another worker took the job over."""

    default_code = "lease_lost"
    default_message = "Another worker took the job over."


class UploadSessionExpired(JobStopped):
    default_code = "upload_session_expired"
    default_message = "The provider no longer knows the upload session."
