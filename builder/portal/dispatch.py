"""POST pages/{id}/events/: ask for confirmations, run an event now, or hand it to a job.

answer = handle_event(request.user, EventRequest(page_id, widget, event, meta, url,
                                                 confirm={"Upload": token}, cancel=()))

An event whose handler runs a query set to `confirm_before_run` that the
end user has not answered runs nothing: its answer carries `confirm`, the
tokens to send back (builder.portal.confirmations). A background job is
enqueued once its row is committed (`delay_on_commit`).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from builder.portal.confirmations import redeem, request_confirmations
from builder.portal.events import EventRequest, PreparedEvent, prepare_event, run_event
from builder.portal.jobs import create_job, queued_answer, runs_in_background
from builder.portal.tasks import run_event_job
from builder.published_pages import PublishedPage

__all__ = ["handle_event"]


def _confirmation_answer(prepared: PreparedEvent, asked: list[str]) -> dict[str, Any]:
    """Nothing ran: the answer only asks the end user to confirm `asked`."""
    request = prepared.request
    tokens = request_confirmations(
        prepared.user, prepared.published.page["id"], request.handler_key, asked
    )
    return {
        "effects": [],
        "widgets": {},
        "actions": {},
        "errors": {},
        "store": prepared.view.store,
        "jobs": [],
        "confirm": tokens,
    }


def handle_event(
    user: User, request: EventRequest, *, published: PublishedPage | None = None
) -> dict[str, Any]:
    """Check the event (4xx before any write), then ask, run it here, or queue it."""
    prepared = prepare_event(user, request, published=published)
    asked = prepared.to_confirm
    if asked:
        return _confirmation_answer(prepared, asked)
    confirmed = redeem(user, prepared.published.page["id"], request.handler_key, request.confirm)
    if runs_in_background(prepared):
        job = create_job(prepared, confirmed=confirmed)
        run_event_job.delay_on_commit(str(job.pk))
        return queued_answer(prepared, job)
    return run_event(prepared, confirmed=confirmed)
