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

Settings (the query editor's Settings tab; `QuerySettings` below reads them,
and a config stored without one, from before they existed, reads as its default):

    run_on_page_load         true, false, or null (the default): automatic, the
                             query runs when a portal page opens if its method is
                             GET (no side effects) and a widget binds its data,
                             or it feeds another query that runs then
                             (builder.page_load, Appsmith's rule)
    confirm_before_run       default false; true: the portal asks the end user
                             "Run <name>?" before each run from a handler or on
                             page load, and the server refuses a run not confirmed
                             (builder.portal.confirmations). The editor's own Run
                             button needs no confirmation.
    smart_json_substitution  default true: bindings in a JSON body, and in a
                             header value written as a JSON document, are
                             substituted as JSON values (a string inside a JSON
                             string is escaped there); false: as plain text, so
                             the body is sent as written once it parses as JSON
    encode_query_params      default true: values in the query string of `path`
                             and `query_params` rows are percent-encoded; false:
                             sent as typed after bindings (still refusing line
                             breaks; path segments and the host rule unchanged)

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
from dataclasses import dataclass
from typing import Any

from builder.errors import Invalid
from outbound import NoStoredCredentialError, hide_credentials, keep_credentials
from runtime import is_dynamic
from runtime.http.action_config import DEFAULT_ENCODE_QUERY_PARAMS

MIN_TIMEOUT_S = 1
MAX_TIMEOUT_S = 300
MAX_PATH_LENGTH = 2000


@dataclass(frozen=True)
class QuerySettings:
    """A query's settings; the field defaults are the one definition of each default."""

    # None: automatic (builder.page_load decides from the method and the bindings).
    run_on_page_load: bool | None = None
    confirm_before_run: bool = False
    smart_json_substitution: bool = True
    encode_query_params: bool = DEFAULT_ENCODE_QUERY_PARAMS

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_on_page_load": self.run_on_page_load,
            "confirm_before_run": self.confirm_before_run,
            "smart_json_substitution": self.smart_json_substitution,
            "encode_query_params": self.encode_query_params,
        }


DEFAULT_SETTINGS = QuerySettings()


def query_settings(config: Any) -> QuerySettings:
    """The settings of a stored config: a key absent (an older config) reads as its default."""
    if not isinstance(config, Mapping):
        return DEFAULT_SETTINGS

    def flag(name: str, default: bool) -> bool:
        value = config.get(name)
        return value if isinstance(value, bool) else default

    on_load = config.get("run_on_page_load")
    return QuerySettings(
        run_on_page_load=on_load if isinstance(on_load, bool) else None,
        confirm_before_run=flag("confirm_before_run", DEFAULT_SETTINGS.confirm_before_run),
        smart_json_substitution=flag(
            "smart_json_substitution", DEFAULT_SETTINGS.smart_json_substitution
        ),
        encode_query_params=flag("encode_query_params", DEFAULT_SETTINGS.encode_query_params),
    )


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
    # A config stored before the settings existed shows their defaults.
    shown = {**DEFAULT_SETTINGS.to_dict(), **config}
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
