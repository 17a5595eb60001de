"""The stored shape of an action's `config`: the query as the API pane edits it.

    method        one of runtime.http.action_config.METHODS; default GET
    path          appended to the datasource URL; may hold {{ }} bindings, each
                  value percent-encoded where it sits (docs/editor-api.md)
    headers       [{key, value}] strings; values may hold bindings
    query_params  [{key, value}] strings, like headers
    body_type     one of runtime.http.BodyType; default none
    body          a string (may hold bindings) or any JSON value
    timeout_s     MIN_TIMEOUT_S..MAX_TIMEOUT_S seconds; default
                  runtime.http.action_config.DEFAULT_TIMEOUT_S (60), which the
                  runtime also applies to a config stored without it

Body types (Appsmith's names where it has one):

    none              no body
    json              `body` as JSON; a string is sent as written (after bindings)
    form_urlencoded   application/x-www-form-urlencoded
    multipart         multipart/form-data
    raw               `body` as text, with the Content-Type the headers give
    binary            a file's bytes, streamed (e.g. {{FilePicker1.files[0].data}})
"""

from __future__ import annotations

MIN_TIMEOUT_S = 1
MAX_TIMEOUT_S = 300
MAX_PATH_LENGTH = 2000
