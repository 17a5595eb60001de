"""POST pages/{id}/events/: run an event now, or hand it to a background job.

answer = handle_event(request.user, EventRequest(page_id, widget, event, meta, url))

A background job is enqueued once its row is committed (`delay_on_commit`).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from builder.portal.events import EventRequest, prepare_event, run_event
from builder.portal.jobs import create_job, queued_answer, runs_in_background
from builder.portal.tasks import run_event_job
from builder.published_pages import PublishedPage

__all__ = ["handle_event"]


def handle_event(
    user: User, request: EventRequest, *, published: PublishedPage | None = None
) -> dict[str, Any]:
    """Check the event (4xx before any write), then run it here or queue it for a worker."""
    prepared = prepare_event(user, request, published=published)
    if runs_in_background(prepared):
        job = create_job(prepared)
        run_event_job.delay_on_commit(str(job.pk))
        return queued_answer(prepared, job)
    return run_event(prepared)
