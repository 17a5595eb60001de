"""Access tokens: handing out a valid one, refreshing it once for everybody, forgetting it.

Single flight: a refresh token is often single-use (rotation, RFC 6749 §10.4),
so two processes refreshing at once would burn it and lose the grant. Whoever
finds the token expiring takes the token row with ``select_for_update``
(PostgreSQL; on SQLite the IMMEDIATE transaction serialises writers), checks
again whether someone refreshed meanwhile, and only then calls the provider.
Everyone else waits on the row and then uses the new token: a token other
than the one a run saw before waiting is never refreshed again by it, even
when it already sits inside the refresh margin.

The margin is ``REFRESH_MARGIN`` but at most a quarter of the token's
lifetime (``refresh_margin``): with tokens that live a few seconds, a fixed
60-second margin would make every run refresh a token that just arrived, and
with rotation each of those refreshes spends the previous refresh token.

Failures are recorded on the token row before the error is raised:
``invalid_grant`` (or no refresh token) marks it ``needs_reauthorization``;
a 5xx or timeout keeps the token, sets ``error`` and counts the failure.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from django.db import transaction
from django.utils import timezone

from datasources.errors import (
    InvalidDatasourceConfigError,
    InvalidGrantError,
    NeedsReauthorizationError,
    NotAuthorizedError,
    ProviderUnavailableError,
    TokenEndpointError,
    TokenRefreshError,
    TokenUnavailableError,
)
from datasources.models import Datasource, GrantType, OAuthToken, TokenStatus
from datasources.oauth2 import client_credentials, refresh, revocation
from datasources.oauth2.token_request import ClientAuth, TokenResponse, request_token, send
from datasources.transport import http_client

logger = logging.getLogger(__name__)

# Refresh this long before expiry, so that a token does not expire in flight...
REFRESH_MARGIN = timedelta(seconds=60)
# ...but never within more than this share of the token's lifetime, so that a
# short-lived token is used for most of its life instead of refreshed at once.
LIFETIME_SHARE = 0.25


def owner_id(datasource: Datasource, user_id: int | None) -> int | None:
    """Whose token a run uses: the user's when tokens are per user, else the shared one."""
    if not datasource.is_per_user:
        return None
    if user_id is None:
        raise InvalidDatasourceConfigError(
            f"Datasource '{datasource.name}' uses per-user tokens: a user is needed.",
            field="user",
        )
    return user_id


def find_token(datasource: Datasource, owner: int | None) -> OAuthToken | None:
    return OAuthToken.objects.filter(datasource=datasource, user=owner).first()


def client_auth(datasource: Datasource, *, for_refresh: bool = False) -> ClientAuth:
    if for_refresh:
        method = (
            "basic_header" if datasource.refresh_client_credentials_location == "header" else "body"
        )
    else:
        method = "basic_header" if datasource.client_authentication == "basic_header" else "body"
    return ClientAuth(datasource.client_id, datasource.client_secret, method)  # type: ignore[arg-type]


def refresh_margin(lifetime: timedelta | None, cap: timedelta = REFRESH_MARGIN) -> timedelta:
    """How long before expiry a token is refreshed: ``cap``, or a fair share of its life.

    A quarter of the lifetime when that is shorter, so that a token living 6
    seconds is refreshed 1.5 seconds before expiry, not as soon as it is
    issued. ``cap`` alone when the lifetime is unknown.
    """
    if lifetime is None:
        return cap
    return min(cap, max(lifetime, timedelta(0)) * LIFETIME_SHARE)


def is_usable(token: OAuthToken, *, cap: timedelta = REFRESH_MARGIN) -> bool:
    """Whether the token can be used as it is: not within its refresh margin of expiry."""
    if not token.access_token or token.status == TokenStatus.NEEDS_REAUTHORIZATION:
        return False
    # No expiry known (no expires_in, no override): usable until the API says 401.
    if token.expires_at is None:
        return True
    return token.expires_at - refresh_margin(token.lifetime, cap) > timezone.now()


def _replaced_while_waiting(token: OAuthToken, seen: str) -> bool:
    """Whether another run refreshed the token since this one read ``seen``.

    Such a token is used even inside the margin: refreshing it again would
    spend the refresh token for nothing. Only an expired one is not.
    """
    if not token.access_token or token.access_token == seen:
        return False
    if token.status == TokenStatus.NEEDS_REAUTHORIZATION:
        return False
    return token.expires_at is None or token.expires_at > timezone.now()


def apply_response(
    token: OAuthToken, response: TokenResponse, datasource: Datasource
) -> OAuthToken:
    """Store a token response on the row (not saved)."""
    now = timezone.now()
    token.access_token = response.access_token
    if response.refresh_token:
        token.refresh_token = response.refresh_token
    # else RFC 6749 §6: the old refresh token stays valid unless rotated.
    token.token_type = response.token_type
    expires_in = (
        response.expires_in
        if response.expires_in is not None
        else datasource.authorization_expires_in
    )
    token.lifetime = timedelta(seconds=expires_in) if expires_in is not None else None
    token.expires_at = now + token.lifetime if token.lifetime is not None else None
    if response.scope is not None:
        token.scopes = response.scope
    elif not token.scopes:
        # §5.1: an omitted scope means the scope requested.
        token.scopes = list(datasource.scopes)
    token.status = TokenStatus.AUTHORIZED
    token.last_error = ""
    token.refresh_failures = 0
    token.last_refreshed_at = now
    return token


def _fetch(datasource: Datasource, token: OAuthToken, http: httpx.Client) -> TokenResponse:
    url = token.token_url or datasource.access_token_url
    if datasource.grant_type == GrantType.CLIENT_CREDENTIALS:
        params = client_credentials.token_params(
            scopes=datasource.scopes, audience=datasource.audience, resource=datasource.resource
        )
        return request_token(url, params, client_auth(datasource), http=http)
    if not token.refresh_token:
        raise NeedsReauthorizationError(
            f"Datasource '{datasource.name}' needs to be authorized again: "
            "the provider gave no refresh token.",
            datasource_name=datasource.name,
        )
    params = refresh.refresh_params(
        token.refresh_token,
        scopes=datasource.scopes,
        send_scope=datasource.send_scope_with_refresh_token,
    )
    return request_token(url, params, client_auth(datasource, for_refresh=True), http=http)


def _record_failure(
    datasource: Datasource, token: OAuthToken, exc: Exception
) -> TokenUnavailableError:
    """Mark the row after a failed refresh and say what the run should raise."""
    name = datasource.name
    token.refresh_failures += 1
    message = getattr(exc, "message", str(exc))
    # The provider's error_description is shown in the editor: never let it
    # carry back a secret it was sent.
    for secret in (token.access_token, token.refresh_token, datasource.client_secret):
        if secret:
            message = message.replace(secret, "[secret]")
    token.last_error = message[:1000]
    if isinstance(exc, NeedsReauthorizationError | InvalidGrantError):
        token.status = TokenStatus.NEEDS_REAUTHORIZATION
        return NeedsReauthorizationError(
            f"Datasource '{name}' needs to be authorized again.", datasource_name=name
        )
    token.status = TokenStatus.ERROR
    retryable = isinstance(exc, ProviderUnavailableError)
    hint = "try again later" if retryable else "check the datasource's OAuth 2.0 settings"
    return TokenRefreshError(
        f"Datasource '{name}': the token could not be refreshed ({token.last_error}); {hint}.",
        datasource_name=name,
        retryable=retryable,
    )


def _single_flight(
    datasource: Datasource,
    owner: int | None,
    *,
    seen: str | None = None,
    cap: timedelta = REFRESH_MARGIN,
    rejected: str | None = None,
    force: bool = False,
    http: httpx.Client | None = None,
) -> OAuthToken:
    """Refresh the token unless someone did while we waited for the row lock.

    ``seen`` is the access token the caller read before waiting ("" for
    none): any other one found under the lock was just refreshed by another
    run and is used. ``rejected`` is the one the API answered 401 to.
    """
    is_cc = datasource.grant_type == GrantType.CLIENT_CREDENTIALS
    if is_cc:
        # Client credentials are fetched on demand: the row may not exist yet.
        OAuthToken.objects.get_or_create(datasource=datasource, user=None)
    failure: TokenUnavailableError
    with transaction.atomic():
        token = (
            OAuthToken.objects.select_for_update().filter(datasource=datasource, user=owner).first()
        )
        if token is None or (not is_cc and not token.access_token):
            raise NotAuthorizedError(
                f"Datasource '{datasource.name}' is not authorized yet.",
                datasource_name=datasource.name,
            )
        if not force:
            if rejected is None and is_usable(token, cap=cap):
                return token
            if rejected is None and seen is not None and _replaced_while_waiting(token, seen):
                return token  # refreshed by another run while this one waited
            if rejected is not None and token.access_token not in ("", rejected):
                return token  # another run already replaced the rejected token
        if token.status == TokenStatus.NEEDS_REAUTHORIZATION and not is_cc:
            raise NeedsReauthorizationError(
                f"Datasource '{datasource.name}' needs to be authorized again.",
                datasource_name=datasource.name,
            )
        try:
            if http is None:
                with http_client() as client:
                    response = _fetch(datasource, token, client)
            else:
                response = _fetch(datasource, token, http)
        except (TokenEndpointError, NeedsReauthorizationError) as exc:
            failure = _record_failure(datasource, token, exc)
            token.save()
            logger.warning(
                "token %s of datasource %s: refresh failed (%s)",
                token.pk,
                datasource.pk,
                failure.code,
            )
        else:
            apply_response(token, response, datasource)
            token.save()
            logger.info("token %s of datasource %s refreshed", token.pk, datasource.pk)
            return token
    # Raised after the commit, so the failure stays recorded on the row.
    raise failure


def access_token(
    datasource: Datasource, user_id: int | None = None, *, http: httpx.Client | None = None
) -> str:
    """A valid access token, refreshed first if it expires within its refresh margin."""
    owner = owner_id(datasource, user_id)
    token = find_token(datasource, owner)
    if token is not None and is_usable(token):
        return token.access_token  # the common case takes no lock
    seen = token.access_token if token is not None else ""
    return _single_flight(datasource, owner, seen=seen, http=http).access_token


def replace_rejected(
    datasource: Datasource,
    rejected: str,
    user_id: int | None = None,
    *,
    http: httpx.Client | None = None,
) -> str:
    """After the API answered 401 to ``rejected``: a new token (refreshed once, by one run)."""
    owner = owner_id(datasource, user_id)
    return _single_flight(datasource, owner, rejected=rejected, http=http).access_token


def refresh_now(
    datasource: Datasource, user_id: int | None = None, *, http: httpx.Client | None = None
) -> OAuthToken:
    owner = owner_id(datasource, user_id)
    return _single_flight(datasource, owner, force=True, http=http)


@dataclass
class RefreshReport:
    refreshed: int = 0
    failed: int = 0
    backing_off: int = 0


def retry_delay(failures: int) -> timedelta:
    """How long the beat leaves a failing token alone: 1, 2, 4... minutes, at most an hour.

    Runs still try at once; this only keeps the beat from hammering a
    provider that is down, for every token, every minute.
    """
    return timedelta(minutes=min(2 ** max(failures - 1, 0), 60))


def due_for_sweep(token: OAuthToken, within: timedelta, now: datetime) -> bool:
    """Whether the beat should refresh this token now.

    Its window is ``within`` bounded by the same fair share of the token's
    lifetime as the runs' margin: with a fixed 5 minutes, a token living 6
    seconds would be refreshed at every beat, right after each refresh. A
    token living less than ``within`` that has already expired is left to the
    next run that needs it: the beat cannot keep it fresh between two of its
    passes, and refreshing it at each one would only spend refresh tokens.
    """
    if token.expires_at is None:
        return False
    if token.expires_at <= now:
        return token.lifetime is None or token.lifetime >= within
    return token.expires_at - refresh_margin(token.lifetime, within) <= now


def refresh_expiring(
    within: timedelta = timedelta(minutes=5), *, http: httpx.Client | None = None
) -> RefreshReport:
    """Refresh every refreshable token due within ``within`` of expiry (the beat task).

    ``within`` is bounded per token by a fair share of its lifetime (``due_for_sweep``).
    """
    report = RefreshReport()
    now = timezone.now()
    candidates = (
        OAuthToken.objects.filter(
            expires_at__lt=now + within,
            status__in=[TokenStatus.AUTHORIZED, TokenStatus.ERROR],
            datasource__grant_type=GrantType.AUTHORIZATION_CODE,
            datasource__auth_type="oauth2",
        )
        .select_related("datasource")
        .order_by("expires_at")
    )
    for token in candidates:
        if not due_for_sweep(token, within, now):
            continue
        if token.status == TokenStatus.ERROR and now - token.updated_at < retry_delay(
            token.refresh_failures
        ):
            report.backing_off += 1
            continue
        try:
            fresh = _single_flight(
                token.datasource, token.user_id, seen=token.access_token, cap=within, http=http
            )
        except TokenUnavailableError:
            report.failed += 1  # already recorded on the row by _single_flight
        else:
            # Unchanged when the lock showed it no longer due (a run refreshed it).
            if fresh.access_token != token.access_token:
                report.refreshed += 1
    return report


def store_authorization(
    datasource: Datasource, owner: int | None, response: TokenResponse, *, token_url: str = ""
) -> OAuthToken:
    """Keep the tokens of a fresh authorization, replacing the previous grant."""
    with transaction.atomic():
        token, _ = OAuthToken.objects.get_or_create(datasource=datasource, user_id=owner)
        token = OAuthToken.objects.select_for_update().get(pk=token.pk)
        token.refresh_token = ""
        token.scopes = []
        token.token_url = token_url
        apply_response(token, response, datasource)
        token.save()
    logger.info("token %s of datasource %s authorized", token.pk, datasource.pk)
    return token


def forget(
    datasource: Datasource, user_id: int | None = None, *, http: httpx.Client | None = None
) -> bool:
    """Delete the token; revoke it at the provider first when it has an endpoint (RFC 7009).

    Returns whether the provider confirmed the revocation. The token is
    forgotten either way: the user asked for it to be gone.
    """
    owner = owner_id(datasource, user_id)
    with transaction.atomic():
        token = (
            OAuthToken.objects.select_for_update().filter(datasource=datasource, user=owner).first()
        )
        if token is None:
            return False
        revoked = False
        if datasource.revocation_url and (token.refresh_token or token.access_token):
            if http is None:
                with http_client() as client:
                    revoked = revoke(datasource, token, client)
            else:
                revoked = revoke(datasource, token, http)
        token.delete()
    logger.info("token of datasource %s forgotten (revoked: %s)", datasource.pk, revoked)
    return revoked


def revoke(datasource: Datasource, token: OAuthToken, http: httpx.Client) -> bool:
    """Revoke the token's grant at the provider (RFC 7009); whether it confirmed."""
    # Revoking the refresh token ends the grant (RFC 7009 §2.1); the access
    # token is revoked too for providers that keep it alive until expiry.
    pairs = [(token.refresh_token, "refresh_token"), (token.access_token, "access_token")]
    ok = True
    for value, hint in pairs:
        if not value:
            continue
        request = revocation.build_revocation_request(
            datasource.revocation_url, value, hint=hint, client=client_auth(datasource)
        )
        try:
            response = send(request, http=http)
        except TokenEndpointError:
            ok = False
            continue
        ok = ok and response.is_success
    if not ok:
        logger.warning("datasource %s: the provider did not confirm the revocation", datasource.pk)
    return ok
