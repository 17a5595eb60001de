"""Save and Authorize: the authorization code flow between Brace and the browser.

``start_authorization`` stores a state (with the PKCE verifier, RFC 7636 §4.1)
and returns the provider URL (RFC 6749 §4.1.1). ``complete_authorization``
handles the provider's redirect (§4.1.2): it consumes the state, exchanges the
code (§4.1.3) and stores the tokens. Every failure is an ``AuthorizationError``
whose ``code`` becomes the ``response_status`` the browser lands with.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from datasources import state, tokens
from datasources.errors import (
    AuthorizationError,
    InvalidAccountsServerError,
    InvalidDatasourceConfigError,
    OAuth2Error,
    ProviderAuthorizationError,
    TokenEndpointError,
    TokenExchangeFailedError,
)
from datasources.models import Datasource, GrantType, OAuthToken
from datasources.oauth2 import authorization_code, pkce
from datasources.oauth2.token_request import request_token
from datasources.presets import zoho_accounts_server
from datasources.transport import http_client

logger = logging.getLogger(__name__)

# Readable messages for the provider's errors (RFC 6749 §4.1.2.1).
_PROVIDER_MESSAGES = {
    "access_denied": "Authorization was denied at the provider.",
    "invalid_scope": "The provider refused the requested scopes.",
    "unauthorized_client": "The provider does not allow this client to use this flow.",
    "unsupported_response_type": "The provider does not support the authorization code flow.",
    "server_error": "The provider had an error; try again.",
    "temporarily_unavailable": "The provider is temporarily unavailable; try again later.",
    "invalid_request": "The provider rejected the authorization request.",
}


def check_return_to(value: str) -> str:
    """A relative path on Brace; anything else could send the browser elsewhere."""
    value = value or "/"
    parts = urlsplit(value)
    if (
        not value.startswith("/")
        or value.startswith(("//", "/\\"))
        or parts.scheme
        or parts.netloc
        or any(ord(ch) < 0x20 or ch == "\\" for ch in value)
    ):
        raise InvalidDatasourceConfigError(
            "return_to must be a path on Brace starting with a single '/'.", field="return_to"
        )
    return value


def with_status(return_to: str, response_status: str, display_message: str = "") -> str:
    """``return_to`` with ``response_status`` (and ``display_message``) added to its query."""
    parts = urlsplit(return_to)
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k not in ("response_status", "display_message")
    ]
    query.append(("response_status", response_status))
    if display_message:
        query.append(("display_message", display_message))
    return urlunsplit(("", "", parts.path, urlencode(query), parts.fragment))


def start_authorization(
    datasource: Datasource, *, user_id: int, session_key: str, return_to: str, redirect_uri: str
) -> str:
    """Store the pending authorization and return the provider URL to redirect to."""
    return_to = check_return_to(return_to)
    if not datasource.is_oauth2 or datasource.grant_type != GrantType.AUTHORIZATION_CODE:
        raise InvalidDatasourceConfigError(
            "Only OAuth 2.0 datasources with the authorization code grant are authorized "
            "in the browser.",
            field="authentication.grant_type",
        )
    challenge = pkce.generate() if datasource.use_pkce else None
    state_value = state.create_state(
        datasource,
        user_id=user_id,
        session_key=session_key,
        return_to=return_to,
        redirect_uri=redirect_uri,
        code_verifier=challenge.verifier if challenge else "",
    )
    return authorization_code.authorization_url(
        datasource.authorization_url,
        client_id=datasource.client_id,
        redirect_uri=redirect_uri,
        state=state_value,
        scopes=datasource.scopes,
        code_challenge=challenge.challenge if challenge else None,
        audience=datasource.audience,
        resource=datasource.resource,
        extra_params=[(p["key"], p["value"]) for p in datasource.custom_auth_params],
    )


@dataclass(frozen=True)
class Authorized:
    return_to: str
    token: OAuthToken


def _token_url(datasource: Datasource, extra: Mapping[str, str], return_to: str) -> str:
    """Zoho names the data centre that issued the code; trust only its known hosts."""
    server = extra.get("accounts-server")
    if datasource.preset != "zoho_campaigns" or not server:
        return datasource.access_token_url
    url = zoho_accounts_server(server)
    if url is None:
        raise InvalidAccountsServerError(
            "The provider named an accounts server that is not a Zoho host.", return_to=return_to
        )
    return url


def complete_authorization(
    query: Mapping[str, str],
    *,
    user_id: int | None,
    session_key: str | None,
    http: httpx.Client | None = None,
) -> Authorized:
    """Handle the provider's redirect. Raises AuthorizationError (with return_to)."""
    params = authorization_code.parse_callback(query)
    pending = state.consume_state(params.state, user_id=user_id, session_key=session_key)
    return_to = pending.return_to
    datasource = pending.datasource
    if params.error:
        message = _PROVIDER_MESSAGES.get(params.error, "The provider refused the authorization.")
        if params.error_description:
            message = f"{message} ({params.error_description[:200]})"
        raise ProviderAuthorizationError(params.error[:64], message, return_to=return_to)
    if not params.code:
        raise TokenExchangeFailedError(
            "The provider sent no authorization code.", return_to=return_to
        )
    if not datasource.is_oauth2 or datasource.grant_type != GrantType.AUTHORIZATION_CODE:
        raise AuthorizationError(
            "The datasource no longer uses the authorization code grant.", return_to=return_to
        )
    url = _token_url(datasource, params.extra, return_to)
    body = authorization_code.token_params(
        params.code,
        redirect_uri=pending.redirect_uri,
        code_verifier=pending.code_verifier,
        resource=datasource.resource,
    )
    try:
        if http is None:
            with http_client() as client:
                response = request_token(url, body, tokens.client_auth(datasource), http=client)
        else:
            response = request_token(url, body, tokens.client_auth(datasource), http=http)
    except TokenEndpointError as exc:
        detail = exc.error_code if isinstance(exc, OAuth2Error) else exc.message
        logger.warning("datasource %s: code exchange failed (%s)", datasource.pk, exc.code)
        raise TokenExchangeFailedError(
            f"Brace could not get a token from the provider: {detail}", return_to=return_to
        ) from None
    owner = pending.user_id if datasource.is_per_user else None
    token = tokens.store_authorization(
        datasource, owner, response, token_url="" if url == datasource.access_token_url else url
    )
    return Authorized(return_to=return_to, token=token)
