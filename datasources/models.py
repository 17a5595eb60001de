"""Authenticated API datasources, their OAuth 2.0 tokens and pending authorizations.

Every secret (client secret, basic password, bearer token, API key value,
access and refresh tokens, PKCE code verifiers) sits in an encrypted field
(django-cryptography, keyed by ``CRYPTOGRAPHY_KEY``). Nothing here renders a
secret: ``__str__`` and ``__repr__`` name rows by their ids.

OAuth 2.0 terms follow RFC 6749; PKCE (RFC 7636) and resource indicators
(RFC 8707) are configured per datasource.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from datasources.encryption import encrypted_text
from workspaces.models import Workspace


class AuthType(models.TextChoices):
    NONE = "none", "None"
    BASIC = "basic", "Basic"
    BEARER = "bearer", "Bearer token"
    API_KEY = "api_key", "API key"
    OAUTH2 = "oauth2", "OAuth 2.0"


class GrantType(models.TextChoices):
    AUTHORIZATION_CODE = "authorization_code", "Authorization code"
    CLIENT_CREDENTIALS = "client_credentials", "Client credentials"


class ClientAuthentication(models.TextChoices):
    """RFC 6749 §2.3.1: HTTP Basic, or client_id/client_secret in the body."""

    BASIC_HEADER = "basic_header", "Basic header"
    BODY = "body", "Body"


class CredentialsLocation(models.TextChoices):
    HEADER = "header", "Header"
    BODY = "body", "Body"


class TokenPlacement(models.TextChoices):
    """RFC 6750 §2.1 (header) or §2.3 (query parameter)."""

    HEADER = "header", "Header"
    QUERY = "query", "Query parameter"


class TokenSharing(models.TextChoices):
    SHARED = "shared", "Shared by the datasource"
    PER_USER = "per_user", "Per end user"


class Datasource(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="datasources")
    name = models.CharField(max_length=120)
    preset = models.CharField(max_length=32, blank=True, default="")
    preset_region = models.CharField(max_length=16, blank=True, default="")
    url = models.URLField(max_length=2000)
    headers = models.JSONField(default=list, blank=True)
    query_params = models.JSONField(default=list, blank=True)

    auth_type = models.CharField(max_length=16, choices=AuthType.choices, default=AuthType.NONE)
    # basic / bearer / API key
    username = models.CharField(max_length=255, blank=True, default="")
    password = encrypted_text()
    bearer_token = encrypted_text()
    api_key_name = models.CharField(max_length=255, blank=True, default="")
    api_key_value = encrypted_text()
    api_key_location = models.CharField(
        max_length=8, choices=TokenPlacement.choices, default=TokenPlacement.HEADER
    )
    # OAuth 2.0
    grant_type = models.CharField(
        max_length=32, choices=GrantType.choices, default=GrantType.AUTHORIZATION_CODE
    )
    authorization_url = models.URLField(max_length=2000, blank=True, default="")
    access_token_url = models.URLField(max_length=2000, blank=True, default="")
    revocation_url = models.URLField(max_length=2000, blank=True, default="")
    client_id = models.CharField(max_length=512, blank=True, default="")
    client_secret = encrypted_text()
    scopes = models.JSONField(default=list, blank=True)
    custom_auth_params = models.JSONField(default=list, blank=True)
    client_authentication = models.CharField(
        max_length=16, choices=ClientAuthentication.choices, default=ClientAuthentication.BODY
    )
    send_scope_with_refresh_token = models.BooleanField(default=False)
    refresh_client_credentials_location = models.CharField(
        max_length=8, choices=CredentialsLocation.choices, default=CredentialsLocation.BODY
    )
    token_placement = models.CharField(
        max_length=8, choices=TokenPlacement.choices, default=TokenPlacement.HEADER
    )
    header_prefix = models.CharField(max_length=64, blank=True, default="Bearer")
    audience = models.CharField(max_length=2000, blank=True, default="")
    resource = models.CharField(max_length=2000, blank=True, default="")
    # For providers that send no expires_in: how long a token is taken to live.
    authorization_expires_in = models.PositiveIntegerField(null=True, blank=True)
    use_pkce = models.BooleanField(default=True)
    token_sharing = models.CharField(
        max_length=16, choices=TokenSharing.choices, default=TokenSharing.SHARED
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="datasource_unique_name"),
        ]
        ordering = ["workspace_id", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_oauth2(self) -> bool:
        return self.auth_type == AuthType.OAUTH2

    @property
    def is_per_user(self) -> bool:
        return self.is_oauth2 and self.token_sharing == TokenSharing.PER_USER


class TokenStatus(models.TextChoices):
    UNAUTHORIZED = "unauthorized", "Unauthorized"
    AUTHORIZED = "authorized", "Authorized"
    NEEDS_REAUTHORIZATION = "needs_reauthorization", "Needs reauthorization"
    ERROR = "error", "Error"


class OAuthToken(models.Model):
    """The tokens of one datasource: the shared one (user NULL) or one per end user.

    The row is also the single-flight lock: whoever refreshes holds it with
    ``select_for_update`` so that a single-use refresh token is spent once.
    """

    datasource = models.ForeignKey(Datasource, on_delete=models.CASCADE, related_name="tokens")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="datasource_tokens",
    )
    access_token = encrypted_text()
    refresh_token = encrypted_text()
    token_type = models.CharField(max_length=40, blank=True, default="")
    expires_at = models.DateTimeField(null=True, blank=True)
    # How long the provider said the access token lives (expires_in): the
    # refresh margin is a fair share of it, so that a token living seconds is
    # not refreshed as soon as it arrives. NULL when unknown.
    lifetime = models.DurationField(null=True, blank=True)
    scopes = models.JSONField(default=list, blank=True)
    # Where to refresh: the datasource's token URL, or the host the provider
    # named at authorization (Zoho's accounts-server), checked against presets.
    token_url = models.URLField(max_length=2000, blank=True, default="")
    status = models.CharField(
        max_length=32, choices=TokenStatus.choices, default=TokenStatus.UNAUTHORIZED
    )
    last_error = models.TextField(blank=True, default="")
    last_refreshed_at = models.DateTimeField(null=True, blank=True)
    refresh_failures = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["datasource", "user"],
                name="oauthtoken_unique_user",
                condition=Q(user__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["datasource"],
                name="oauthtoken_unique_shared",
                condition=Q(user__isnull=True),
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_at"], name="oauthtoken_due")]
        ordering = ["datasource_id", "user_id"]

    def __str__(self) -> str:
        owner = f"user {self.user_id}" if self.user_id else "shared"
        return f"Token #{self.pk} of datasource {self.datasource_id} ({owner})"

    __repr__ = __str__


class AuthorizationState(models.Model):
    """A pending authorization request (RFC 6749 §10.12: CSRF via ``state``).

    Only a SHA-256 of the random ``state`` value is stored, so a database read
    cannot forge a callback; the PKCE verifier is encrypted.
    """

    state_hash = models.CharField(max_length=64, unique=True)
    datasource = models.ForeignKey(
        Datasource, on_delete=models.CASCADE, related_name="authorization_states"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session_key_hash = models.CharField(max_length=64)
    return_to = models.CharField(max_length=2000, default="/")
    redirect_uri = models.URLField(max_length=2000)
    code_verifier = encrypted_text()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["expires_at"], name="authstate_expiry")]

    def __str__(self) -> str:
        return f"Authorization #{self.pk} of datasource {self.datasource_id}"

    __repr__ = __str__
