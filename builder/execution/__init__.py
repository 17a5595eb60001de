"""Running a page, for the editor's Run and the published portal alike.

Modules: `evaluation` (a stored layout and its actions as runtime input,
evaluated for one state), `queries` (a query's bindings evaluated, then sent
by `runtime.http`), `query_host` (what `Query.run()` in an event handler
does in Python) and `files` (files end users pick: stored, resolved for
queries, purged). `builder.portal` keeps what only the portal has: runtime
sessions, events and background jobs.
"""
