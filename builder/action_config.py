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

Header and parameter values that are typed credentials are write-only
(`shown_config`, `config_to_store`, below).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from builder.errors import Invalid
from outbound import NoStoredCredentialError, hide_credentials, keep_credentials
from runtime import is_dynamic

MIN_TIMEOUT_S = 1
MAX_TIMEOUT_S = 300
MAX_PATH_LENGTH = 2000


# Credentials typed into `headers` and `query_params` (`outbound.credentials`
# says which names) are write-only: the API and the admin show them as
# {"key", "value": "", "value_set": true}; a config saved with such a row keeps
# the stored value. A value with a {{ }} binding refers to a credential kept
# elsewhere (the store, the datasource) and is shown as written.
WRITE_ONLY_ROWS = ("headers", "query_params")


def _is_literal(value: str) -> bool:
    return not is_dynamic(value)


def shown_config(config: Any) -> Any:
    """The stored config as the API and the admin show it: typed credentials hidden."""
    if not isinstance(config, Mapping):
        return config
    shown = dict(config)
    for name in WRITE_ONLY_ROWS:
        if name in shown:
            shown[name] = hide_credentials(shown[name], is_literal=_is_literal)
    return shown


def config_to_store(config: Mapping[str, Any], stored: Any) -> dict[str, Any]:
    """The config a client sent, with each credential it left as `value_set` kept from `stored`.

    Raises Invalid naming the row (`config.headers[1].value`) when there is no
    such stored value to keep.
    """
    before = stored if isinstance(stored, Mapping) else {}
    kept = dict(config)
    for name in WRITE_ONLY_ROWS:
        rows = kept.get(name)
        if not isinstance(rows, list):
            continue
        try:
            kept[name] = keep_credentials(rows, before.get(name), is_literal=_is_literal)
        except NoStoredCredentialError as error:
            raise Invalid(
                error.message, code=error.code, field=f"config.{name}[{error.index}].value"
            ) from error
    return kept
