"""Reads about datasources that views and other apps need, without secrets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from datasources.models import Datasource, OAuthToken, TokenSharing, TokenStatus


@dataclass(frozen=True)
class AuthorizationStatus:
    """What the editor shows about a datasource's token: never the token itself."""

    status: str
    expires_at: datetime | None = None
    scopes: tuple[str, ...] = ()
    token_sharing: str = TokenSharing.SHARED
    last_error: str = ""
    last_refreshed_at: datetime | None = None
    refresh_failures: int = 0


def token_owner(datasource: Datasource, user_id: int | None) -> int | None:
    return user_id if datasource.is_per_user else None


def authorization_status(datasource: Datasource, user_id: int | None) -> AuthorizationStatus | None:
    """The status of the token a run by ``user_id`` would use; None when not OAuth 2.0."""
    if not datasource.is_oauth2:
        return None
    owner = token_owner(datasource, user_id)
    token = None
    if owner is not None or not datasource.is_per_user:
        token = OAuthToken.objects.filter(datasource=datasource, user=owner).first()
    if token is None or (not token.access_token and token.status != TokenStatus.ERROR):
        return AuthorizationStatus(
            status=TokenStatus.UNAUTHORIZED, token_sharing=datasource.token_sharing
        )
    return AuthorizationStatus(
        status=token.status,
        expires_at=token.expires_at,
        scopes=tuple(token.scopes or ()),
        token_sharing=datasource.token_sharing,
        last_error=token.last_error,
        last_refreshed_at=token.last_refreshed_at,
        refresh_failures=token.refresh_failures,
    )
