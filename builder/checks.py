"""System checks for the builder's settings: background jobs' lease and attempts.

A job's lease (``BRACE_JOB_LEASE_S``, builder.portal.job_lease) is what
keeps a second delivery of its message from running it while its worker is
alive: a lease of 0 or less would let every delivery take the job over, and
an upload would run twice at once. ``BRACE_JOB_MAX_ATTEMPTS`` below 1 would
fail every job before it ran. Both stop start-up rather than the first job.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

__all__ = ["check_job_settings"]


def _positive(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


@register()
def check_job_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    lease = getattr(settings, "BRACE_JOB_LEASE_S", None)
    if not _positive(lease):
        messages.append(
            Error(
                f"BRACE_JOB_LEASE_S is {lease!r}: it must be a positive number of seconds.",
                hint="Leave it unset (120), or set it above the time one upload chunk takes.",
                id="builder.E001",
            )
        )
    attempts = getattr(settings, "BRACE_JOB_MAX_ATTEMPTS", None)
    if not isinstance(attempts, int) or isinstance(attempts, bool) or attempts < 1:
        messages.append(
            Error(
                f"BRACE_JOB_MAX_ATTEMPTS is {attempts!r}: it must be 1 or more.",
                hint="Leave it unset (5).",
                id="builder.E002",
            )
        )
    return messages
