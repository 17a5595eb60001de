"""The published portal's server side: runtime sessions, events and background jobs.

    runtime_page(user, page_id, url=...)        # GET pages/{id}/: the evaluated page
    handle_event(user, EventRequest(...))       # POST pages/{id}/events/: effects, changes, jobs
    run_job(job_id)                             # the Celery worker's side of a big event
    job_json(get_job(user, job_id))             # GET jobs/{id}/

Modules, from the top: `dispatch` (run an event now, or queue it), `tasks`
(the Celery tasks), `jobs` (events too big for a web request), `events` (one
event, start to end) and `pages` (the page GET answers), `picked_files` (an
upload checked against its FilePicker; FilePicker meta checked against the
user's stored files) and `evaluation` (a published page evaluated for a
session), `sessions` (the per user and application state in the database,
how an event's changes are applied to it, and which of its background jobs
have not ended: their queries read as loading). Running the page itself
(evaluation, queries, files) is `builder.execution`'s, shared with the
editor. docs/runtime-api.md is the contract.
"""

from __future__ import annotations
