"""Where the pieces meet: workspaces, members and roles, applications, pages,
queries, publishing, the editor and portal REST API, runtime sessions, and the
glue that runs a page with `runtime`, `widgets` and `datasources`.

Nothing imports `builder`.
"""
