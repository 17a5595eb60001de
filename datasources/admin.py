"""Admin console for datasources and their tokens.

Secrets are never rendered: forms use password inputs that do not echo the
stored value (left blank, the secret is kept), and lists and detail pages show
only whether a secret is set. Credentials typed into headers and query
parameters show as ``value_set`` (left so, the stored value is kept). Tokens
are read-only, with "Refresh now" and "Revoke" actions that call the same
services as the API.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms.fields import InvalidJSONInput
from django.http import HttpRequest

from datasources import config, tokens
from datasources.config import CONFIG_FIELDS, CREDENTIAL_ROWS, SECRET_FIELDS, shown_rows
from datasources.errors import DatasourceError, InvalidDatasourceConfigError, NoStoredValueError
from datasources.models import Datasource, OAuthToken

MASK = "•••••• (set)"


def masked(value: str) -> str:
    return MASK if value else "—"


def _flat_list(text: str) -> bool:
    """Whether ``text`` is a JSON list of scalars or of objects holding scalars."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):  # 1,000 nested arrays exhaust the parser's stack
        return False
    return isinstance(value, list) and all(
        not isinstance(item, (list, dict))
        or (isinstance(item, dict) and not any(isinstance(v, (list, dict)) for v in item.values()))
        for item in value
    )


class FlatJSONListField(forms.JSONField):
    """Headers, parameters and scopes: a JSON list of strings or of flat objects.

    Checked before Django's own field parses the text, whose RecursionError on
    deeply nested JSON would be a 500, as would rows that are not objects.
    """

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value.strip() and not _flat_list(value):
            raise forms.ValidationError(
                'Enter a JSON list of strings or of {"key": ..., "value": ...} objects.',
                code="invalid",
            )
        return super().to_python(value)

    def bound_data(self, data: Any, initial: Any) -> Any:
        if isinstance(data, str) and data.strip() and not _flat_list(data):
            return InvalidJSONInput(data)
        return super().bound_data(data, initial)


class DatasourceForm(forms.ModelForm[Datasource]):
    class Meta:
        model = Datasource
        fields = ["workspace", *CONFIG_FIELDS]
        # Django 6 changes the default scheme of URL form fields to https; say so now.
        field_classes = {
            **{
                name: partial(forms.URLField, assume_scheme="https")
                for name in ("url", "authorization_url", "access_token_url", "revocation_url")
            },
            **dict.fromkeys(
                ("headers", "query_params", "scopes", "custom_auth_params"), FlatJSONListField
            ),
        }
        widgets = {
            name: forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"})
            for name in SECRET_FIELDS
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in SECRET_FIELDS:
            self.fields[name].required = False
            self.fields[name].help_text = "Write-only. Leave blank to keep the current value."
        for name in CREDENTIAL_ROWS:
            self.fields[name].help_text = "Credentials show as value_set: left so, they are kept."
            if self.instance.pk:
                self.initial[name] = shown_rows(getattr(self.instance, name))

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        for name in SECRET_FIELDS:
            if not cleaned.get(name) and self.instance.pk:
                cleaned[name] = getattr(self.instance, name)
        if not self.errors:
            stored = config.current_values(self.instance) if self.instance.pk else {}
            try:
                cleaned.update(
                    config.keep_typed_credentials(
                        {name: cleaned.get(name) for name in CREDENTIAL_ROWS}, stored
                    )
                )
            except NoStoredValueError as exc:
                raise forms.ValidationError(f"{exc.field}: {exc.message}") from None
        if not self.errors:
            # The same rules as the API, so the admin cannot store what the API refuses.
            try:
                config.validate({name: cleaned.get(name) for name in CONFIG_FIELDS})
            except InvalidDatasourceConfigError as exc:
                model_field = exc.field.rpartition(".")[2] if exc.field else None
                if model_field == "type":
                    model_field = "auth_type"
                target = model_field if model_field in self.fields else None
                raise forms.ValidationError(
                    {target: exc.message} if target else exc.message
                ) from None
        return cleaned


class TokenInline(admin.TabularInline[OAuthToken, Datasource]):
    model = OAuthToken
    extra = 0
    can_delete = False
    fields = ("user", "status", "expires_at", "access", "refresh", "last_error")
    readonly_fields = fields
    show_change_link = True

    @admin.display(description="Access token")
    def access(self, obj: OAuthToken) -> str:
        return masked(obj.access_token)

    @admin.display(description="Refresh token")
    def refresh(self, obj: OAuthToken) -> str:
        return masked(obj.refresh_token)

    def has_add_permission(self, request: HttpRequest, obj: Datasource | None = None) -> bool:
        return False


@admin.register(Datasource)
class DatasourceAdmin(admin.ModelAdmin[Datasource]):
    form = DatasourceForm
    list_display = ["name", "workspace", "auth_type", "grant_type", "token_sharing", "secret"]
    list_filter = ["auth_type", "grant_type", "token_sharing", "preset"]
    search_fields = ["name", "url", "client_id"]
    inlines = [TokenInline]
    actions = ["revoke_tokens"]

    @admin.display(description="Client secret")
    def secret(self, obj: Datasource) -> str:
        return masked(obj.client_secret)

    @admin.action(description="Revoke and forget every token")
    def revoke_tokens(self, request: HttpRequest, queryset: QuerySet[Datasource]) -> None:
        for datasource in queryset:
            for token in datasource.tokens.all():
                _forget(request, token)


def _forget(request: HttpRequest, token: OAuthToken) -> None:
    try:
        revoked = tokens.forget(token.datasource, token.user_id)
    except DatasourceError as exc:
        messages.error(request, f"{token}: {exc.message}")
        return
    note = "revoked at the provider" if revoked else "forgotten (the provider did not confirm)"
    messages.success(request, f"{token}: {note}.")


@admin.register(OAuthToken)
class OAuthTokenAdmin(admin.ModelAdmin[OAuthToken]):
    list_display = [
        "id",
        "datasource",
        "user",
        "status",
        "expires_at",
        "last_refreshed_at",
        "refresh_failures",
    ]
    list_filter = ["status"]
    list_select_related = ["datasource", "user"]
    fields = (
        "datasource",
        "user",
        "status",
        "access",
        "refresh",
        "token_type",
        "expires_at",
        "scopes",
        "token_url",
        "last_error",
        "last_refreshed_at",
        "refresh_failures",
    )
    readonly_fields = fields
    actions = ["refresh_now", "revoke"]

    @admin.display(description="Access token")
    def access(self, obj: OAuthToken) -> str:
        return masked(obj.access_token)

    @admin.display(description="Refresh token")
    def refresh(self, obj: OAuthToken) -> str:
        return masked(obj.refresh_token)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: OAuthToken | None = None) -> bool:
        return False

    @admin.action(description="Refresh now", permissions=["view"])
    def refresh_now(self, request: HttpRequest, queryset: QuerySet[OAuthToken]) -> None:
        for token in queryset.select_related("datasource"):
            try:
                tokens.refresh_now(token.datasource, token.user_id)
            except DatasourceError as exc:
                messages.error(request, f"{token}: {exc.message}")
            else:
                messages.success(request, f"{token}: refreshed.")

    @admin.action(description="Revoke and forget", permissions=["delete"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[OAuthToken]) -> None:
        for token in queryset.select_related("datasource"):
            _forget(request, token)
