"""Serializers of the datasource API (see docs/editor-api.md, "A datasource").

Inputs are strict (unknown keys and wrong JSON types are refused, naming the
field, e.g. ``authentication.client_id``); secrets are write-only fields that
never appear in an output. Whether a secret is set shows as ``*_set``; so does
a credential typed into a header or query parameter (``value_set`` on its row,
``datasources.config.shown_rows``).
Cross-field rules (what an OAuth 2.0 datasource needs, presets) are checked by
``datasources.config`` after the preset filled its defaults.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from datasources.config import shown_rows
from datasources.models import (
    AuthType,
    ClientAuthentication,
    CredentialsLocation,
    Datasource,
    GrantType,
    TokenPlacement,
    TokenSharing,
    TokenStatus,
)
from datasources.presets import PRESETS
from restapi.strict import (
    StrictBooleanField,
    StrictCharField,
    StrictChoiceField,
    StrictIntegerField,
    StrictSerializer,
)

URL_MAX_LENGTH = 2000
SECRET_MAX_LENGTH = 8192


class StrictURLField(serializers.URLField):
    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


def _secret() -> StrictCharField:
    return StrictCharField(
        write_only=True,
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        max_length=SECRET_MAX_LENGTH,
        style={"input_type": "password"},
    )


def _text(max_length: int = 255) -> StrictCharField:
    return StrictCharField(required=False, allow_blank=True, max_length=max_length)


def _url() -> StrictURLField:
    return StrictURLField(required=False, allow_blank=True, max_length=URL_MAX_LENGTH)


def _choice(choices: Any) -> StrictChoiceField:
    return StrictChoiceField(choices=choices, required=False)


class KeyValueIn(StrictSerializer):
    key = StrictCharField(max_length=255)
    value = StrictCharField(max_length=URL_MAX_LENGTH, allow_blank=True, trim_whitespace=False)


class CredentialKeyValueIn(KeyValueIn):
    value_set = StrictBooleanField(
        required=False,
        help_text=(
            "Answered true, with an empty value, for a credential typed under a name such as "
            "Authorization, Cookie or one holding key, token, secret or password: it is "
            "write-only. Sent back so, with an empty value, the stored value is kept."
        ),
    )


def _pairs(child: type[KeyValueIn] = KeyValueIn) -> serializers.ListField:
    return serializers.ListField(child=child(), required=False, max_length=100)


class AuthenticationIn(StrictSerializer):
    type = _choice(AuthType.choices)
    username = _text()
    password = _secret()
    bearer_token = _secret()
    api_key_name = _text()
    api_key_value = _secret()
    api_key_location = _choice(TokenPlacement.choices)
    grant_type = _choice(GrantType.choices)
    authorization_url = _url()
    access_token_url = _url()
    revocation_url = _url()
    client_id = _text(512)
    client_secret = _secret()
    scopes = serializers.ListField(
        child=StrictCharField(max_length=512), required=False, max_length=100
    )
    custom_auth_params = _pairs()
    client_authentication = _choice(ClientAuthentication.choices)
    send_scope_with_refresh_token = StrictBooleanField(required=False)
    refresh_client_credentials_location = _choice(CredentialsLocation.choices)
    token_placement = _choice(TokenPlacement.choices)
    header_prefix = _text(64)
    audience = _text(URL_MAX_LENGTH)
    resource = _text(URL_MAX_LENGTH)
    authorization_expires_in = StrictIntegerField(
        required=False, allow_null=True, min_value=1, max_value=10 * 365 * 86400
    )
    use_pkce = StrictBooleanField(required=False)
    token_sharing = _choice(TokenSharing.choices)


class DatasourceUpdateIn(StrictSerializer):
    name = StrictCharField(max_length=120, required=False)
    preset = StrictChoiceField(
        choices=[("", "None"), *[(k, p.label) for k, p in PRESETS.items()]], required=False
    )
    preset_region = _text(16)
    url = StrictURLField(max_length=URL_MAX_LENGTH, required=False)
    headers = _pairs(CredentialKeyValueIn)
    query_params = _pairs(CredentialKeyValueIn)
    authentication = AuthenticationIn(required=False)


class DatasourceCreateIn(DatasourceUpdateIn):
    # The URL may come from the preset, so it stays optional here.
    workspace = StrictIntegerField()
    name = StrictCharField(max_length=120)


class KeyValueOut(serializers.Serializer[Any]):
    key = serializers.CharField()
    value = serializers.CharField()


class CredentialKeyValueOut(KeyValueOut):
    value_set = serializers.BooleanField(
        required=False, help_text="Present and true for a write-only credential (value empty)."
    )


class AuthenticationOut(serializers.Serializer[Any]):
    type = serializers.ChoiceField(choices=AuthType.choices, source="auth_type")
    username = serializers.CharField()
    password_set = serializers.BooleanField()
    bearer_token_set = serializers.BooleanField()
    api_key_name = serializers.CharField()
    api_key_value_set = serializers.BooleanField()
    api_key_location = serializers.CharField()
    grant_type = serializers.CharField()
    authorization_url = serializers.CharField()
    access_token_url = serializers.CharField()
    revocation_url = serializers.CharField()
    client_id = serializers.CharField()
    client_secret_set = serializers.BooleanField()
    scopes = serializers.ListField(child=serializers.CharField())
    custom_auth_params = KeyValueOut(many=True)
    client_authentication = serializers.CharField()
    send_scope_with_refresh_token = serializers.BooleanField()
    refresh_client_credentials_location = serializers.CharField()
    token_placement = serializers.CharField()
    header_prefix = serializers.CharField()
    audience = serializers.CharField()
    resource = serializers.CharField()
    authorization_expires_in = serializers.IntegerField(allow_null=True)
    use_pkce = serializers.BooleanField()
    token_sharing = serializers.CharField()

    def to_representation(self, instance: Any) -> dict[str, Any]:
        return super().to_representation(_SecretFlags(instance))


class _SecretFlags:
    """The datasource seen by AuthenticationOut: secrets replaced by whether they are set."""

    def __init__(self, datasource: Any) -> None:
        self._datasource = datasource

    def __getattr__(self, name: str) -> Any:
        if name.endswith("_set"):
            return bool(getattr(self._datasource, name.removesuffix("_set")))
        return getattr(self._datasource, name)


class TokenStatusOut(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=TokenStatus.choices)
    expires_at = serializers.DateTimeField(allow_null=True)
    scopes = serializers.ListField(child=serializers.CharField())
    token_sharing = serializers.CharField()
    last_error = serializers.CharField()
    last_refreshed_at = serializers.DateTimeField(allow_null=True)
    refresh_failures = serializers.IntegerField()


class AuthorizationOut(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=TokenStatus.choices)
    expires_at = serializers.DateTimeField(allow_null=True)
    scopes = serializers.ListField(child=serializers.CharField())


class DatasourceOut(serializers.Serializer[Datasource]):
    # The context gives the callback URL (`redirect_url`) and the status of the
    # token a run by the requester would use (`authorization`).
    id = serializers.IntegerField()
    workspace = serializers.IntegerField(source="workspace_id")
    name = serializers.CharField()
    preset = serializers.CharField()
    preset_region = serializers.CharField()
    url = serializers.CharField()
    headers = serializers.SerializerMethodField()
    query_params = serializers.SerializerMethodField()
    authentication = AuthenticationOut(source="*")
    redirect_url = serializers.SerializerMethodField()
    authorization = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(CredentialKeyValueOut(many=True))
    def get_headers(self, datasource: Datasource) -> Any:
        return shown_rows(datasource.headers)

    @extend_schema_field(CredentialKeyValueOut(many=True))
    def get_query_params(self, datasource: Datasource) -> Any:
        return shown_rows(datasource.query_params)

    def get_redirect_url(self, datasource: Datasource) -> str:
        return str(self.context["redirect_url"])

    @extend_schema_field(AuthorizationOut(allow_null=True))
    def get_authorization(self, datasource: Datasource) -> dict[str, Any] | None:
        found = self.context["authorization"]
        return None if found is None else AuthorizationOut(found).data


class TokenActionIn(StrictSerializer):
    action = StrictChoiceField(choices=[("refresh", "Refresh now")])


class TokenForgetOut(serializers.Serializer[Any]):
    revoked = serializers.BooleanField(help_text="Whether the provider confirmed the revocation.")
    authorization = TokenStatusOut()
