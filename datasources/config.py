"""A datasource's configuration: the API's names for it and the rules it must meet.

The API nests authentication under ``authentication`` and calls the auth type
``type``; the model keeps flat columns. ``flatten`` maps one to the other and
``validate`` checks a complete configuration (after a preset filled it in),
raising ``InvalidDatasourceConfigError`` that names the field as the API spells it.

Credentials typed into ``headers`` and ``query_params`` (``outbound.credentials``
says which names) are write-only like the secrets: ``shown_rows`` gives them as
``value_set``, and ``keep_typed_credentials`` keeps the stored value of a row
sent back so.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from datasources.errors import InvalidDatasourceConfigError, NoStoredValueError
from datasources.models import AuthType, Datasource, GrantType, TokenSharing
from datasources.oauth2.authorization_code import RESERVED_PARAMS
from datasources.presets import PRESETS
from outbound import NoStoredCredentialError, hide_credentials, keep_credentials

TOP_FIELDS = ("name", "preset", "preset_region", "url", "headers", "query_params")
# API name under "authentication" -> model field.
AUTH_FIELDS: dict[str, str] = {
    "type": "auth_type",
    **{
        name: name
        for name in (
            "username",
            "password",
            "bearer_token",
            "api_key_name",
            "api_key_value",
            "api_key_location",
            "grant_type",
            "authorization_url",
            "access_token_url",
            "revocation_url",
            "client_id",
            "client_secret",
            "scopes",
            "custom_auth_params",
            "client_authentication",
            "send_scope_with_refresh_token",
            "refresh_client_credentials_location",
            "token_placement",
            "header_prefix",
            "audience",
            "resource",
            "authorization_expires_in",
            "use_pkce",
            "token_sharing",
        )
    },
}
SECRET_FIELDS = frozenset({"password", "bearer_token", "api_key_value", "client_secret"})
# Key/value rows whose values may be typed credentials (write-only).
CREDENTIAL_ROWS = ("headers", "query_params")
CONFIG_FIELDS = TOP_FIELDS + tuple(AUTH_FIELDS.values())
# Changing any of these makes existing tokens meaningless: they are forgotten.
TOKEN_IDENTITY_FIELDS = frozenset(
    {
        "auth_type",
        "grant_type",
        "client_id",
        "authorization_url",
        "access_token_url",
        "scopes",
        "audience",
        "resource",
        "token_sharing",
        "preset_region",
    }
)
_MODEL_TO_API = {model: f"authentication.{api}" for api, model in AUTH_FIELDS.items()}
# RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
_SCOPE_TOKEN = re.compile(r"^[\x21\x23-\x5b\x5d-\x7e]+$")


def api_field(model_field: str) -> str:
    return _MODEL_TO_API.get(model_field, model_field)


def flatten(data: Mapping[str, Any]) -> dict[str, Any]:
    """API-shaped input -> model field values, only for what was given."""
    fields = {name: data[name] for name in TOP_FIELDS if name in data}
    auth = data.get("authentication") or {}
    for api, model in AUTH_FIELDS.items():
        if api in auth:
            fields[model] = auth[api]
    return fields


def shown_rows(rows: Any) -> Any:
    """Headers or query parameters as the API and the admin show them: typed credentials hidden.

    Every value of a datasource's rows is sent as typed (no bindings).
    """
    return hide_credentials(rows)


def keep_typed_credentials(given: dict[str, Any], stored: Mapping[str, Any]) -> dict[str, Any]:
    """The given fields, each credential row sent back as ``value_set`` given its stored value."""
    kept = dict(given)
    for name in CREDENTIAL_ROWS:
        rows = kept.get(name)
        if not isinstance(rows, list):
            continue
        try:
            kept[name] = keep_credentials(rows, stored.get(name))
        except NoStoredCredentialError as error:
            raise NoStoredValueError(
                error.message, field=f"{api_field(name)}[{error.index}].value"
            ) from error
    return kept


def current_values(datasource: Datasource) -> dict[str, Any]:
    return {name: getattr(datasource, name) for name in CONFIG_FIELDS}


def _require(fields: dict[str, Any], name: str, why: str) -> None:
    value = fields.get(name)
    if value in (None, "", []):
        raise InvalidDatasourceConfigError(
            f"{api_field(name)} is required {why}.", field=api_field(name)
        )


def _check_key_values(fields: dict[str, Any], name: str) -> None:
    seen: set[str] = set()
    for index, item in enumerate(fields.get(name) or []):
        key = str(item.get("key", ""))
        where = f"{api_field(name)}[{index}].key"
        if not key.strip():
            raise InvalidDatasourceConfigError(f"{where} must not be empty.", field=where)
        if name == "custom_auth_params":
            if key in RESERVED_PARAMS:
                raise InvalidDatasourceConfigError(
                    f"{where}: '{key}' is set by Brace and cannot be a custom parameter.",
                    field=where,
                )
            if key in seen:
                raise InvalidDatasourceConfigError(f"{where}: '{key}' is given twice.", field=where)
        seen.add(key)


def validate_preset(fields: dict[str, Any]) -> None:
    key = fields.get("preset") or ""
    if not key:
        return
    if key not in PRESETS:
        raise InvalidDatasourceConfigError(
            f"Unknown preset '{key}'; choose one of {', '.join(sorted(PRESETS))}.", field="preset"
        )
    regions = PRESETS[key].regions
    region = fields.get("preset_region") or ""
    if regions and region not in regions:
        raise InvalidDatasourceConfigError(
            f"preset_region must be one of {', '.join(regions)} for {PRESETS[key].label}.",
            field="preset_region",
        )
    if not regions and region:
        raise InvalidDatasourceConfigError(
            f"{PRESETS[key].label} has no regions; leave preset_region empty.",
            field="preset_region",
        )


def validate(fields: dict[str, Any]) -> None:
    """Check a complete configuration (model field names). Raises InvalidDatasourceConfigError."""
    _require(fields, "name", "")
    _require(fields, "url", "")
    _check_key_values(fields, "headers")
    _check_key_values(fields, "query_params")
    auth_type = fields.get("auth_type")
    if auth_type == AuthType.BASIC:
        _require(fields, "username", "for basic authentication")
    elif auth_type == AuthType.BEARER:
        _require(fields, "bearer_token", "for bearer authentication")
    elif auth_type == AuthType.API_KEY:
        _require(fields, "api_key_name", "for API key authentication")
        _require(fields, "api_key_value", "for API key authentication")
    elif auth_type == AuthType.OAUTH2:
        _validate_oauth2(fields)


def _validate_oauth2(fields: dict[str, Any]) -> None:
    _require(fields, "client_id", "for OAuth 2.0")
    _require(fields, "access_token_url", "for OAuth 2.0")
    if fields.get("grant_type") == GrantType.AUTHORIZATION_CODE:
        _require(fields, "authorization_url", "for the authorization code grant")
    else:
        _require(fields, "client_secret", "for the client credentials grant")
        if fields.get("token_sharing") == TokenSharing.PER_USER:
            raise InvalidDatasourceConfigError(
                "authentication.token_sharing: client credentials act as the application, "
                "so the token can only be shared.",
                field="authentication.token_sharing",
            )
    for index, scope in enumerate(fields.get("scopes") or []):
        if not _SCOPE_TOKEN.match(str(scope)):
            where = f"authentication.scopes[{index}]"
            raise InvalidDatasourceConfigError(
                f"{where} is not a valid scope: no spaces, quotes or backslashes.", field=where
            )
    _check_key_values(fields, "custom_auth_params")
