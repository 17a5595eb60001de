"""Running a page, for the editor's Run and the published portal alike.

Modules: `state` (what one evaluation depends on: meta values, action
results, the store, user and URL), `evaluation` (a stored layout and its
actions as runtime input, evaluated once for a state and then only where a
later state differs), `queries` (a query's bindings evaluated, then sent by
`runtime.http`; its result stays a `runtime.http.ExecutionResult` until it
is answered), `query_host` (what `Query.run()` in an event handler does in
Python), `files` (files end users pick: stored, resolved for queries,
purged) and `sandbox` (the JavaScript limits and engine the settings name).
`builder.portal` keeps what only the portal has: runtime sessions, events
and background jobs.
"""
