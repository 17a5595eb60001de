"""Celery tasks of the builder: thin wrappers over its services.

The portal's own tasks (background events) are in `builder.portal.tasks`.
"""

from __future__ import annotations

from celery import shared_task

from builder.execution import files


@shared_task(name="builder.tasks.purge_expired_runtime_files")
def purge_expired_runtime_files() -> dict[str, int]:
    """Delete picked files past their expiry (BRACE_RUNTIME_FILE_TTL_S), bytes and rows."""
    return {"purged": files.purge_expired_runtime_files()}
