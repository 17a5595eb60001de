"""The published portal's server side: runtime sessions, events and background jobs.

    runtime_page(user, page_id, url=...)        # GET pages/{id}/: the evaluated page
    handle_event(user, EventRequest(...))       # POST pages/{id}/events/: effects, changes, jobs
    run_job(job_id)                             # the Celery worker's side of a big event
    job_json(get_job(user, job_id))             # GET jobs/{id}/

Modules: `sessions` (the per user and application state in the database, and
how an event's changes are applied to it), `evaluation` (a published page
evaluated for a session, and what changed between two evaluations),
`picked_files` (FilePicker meta checked against the user's stored files),
`queries` (the trigger host that runs published queries), `events` (one
event, start to end) and `jobs` (events too big for a web request).
docs/runtime-api.md is the contract.
"""

from __future__ import annotations
