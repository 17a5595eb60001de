"""The stored shape of an action's `config`: the query as the API pane edits it.

    method        one of HTTP_METHODS; default GET
    path          appended to the datasource URL; may hold {{ }} bindings
    headers       [{key, value}] strings; values may hold bindings
    query_params  [{key, value}] strings, like headers
    body_type     one of BODY_TYPES; default none
    body          a string (may hold bindings) or any JSON value
    timeout_s     1..300 seconds; default 60

Body types (Appsmith's names where it has one):

    none              no body
    json              `body` as JSON; a string is sent as written (after bindings)
    form_urlencoded   application/x-www-form-urlencoded
    multipart         multipart/form-data
    raw               `body` as text, with the Content-Type the headers give
    binary            a file's bytes, streamed (e.g. {{FilePicker1.files[0].data}})
"""

from __future__ import annotations

HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
BODY_TYPES = ("none", "json", "form_urlencoded", "multipart", "raw", "binary")
DEFAULT_TIMEOUT_S = 60
MIN_TIMEOUT_S = 1
MAX_TIMEOUT_S = 300
MAX_PATH_LENGTH = 2000
