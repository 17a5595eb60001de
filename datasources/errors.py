"""Every error the datasources app raises, in one tree.

Each class has a machine-readable ``code``; messages are written for the person
who will read them (a developer in the editor, an end user of a portal) and
never contain a secret.

Hierarchy::

    DatasourceError                         code
    ├── InvalidDatasourceConfigError        "invalid", field (e.g. authentication.client_id)
    │   ├── NotOAuth2Error                  "not_oauth2": tokens of a datasource without OAuth 2.0
    │   └── NoStoredValueError              "no_stored_value": a header kept as value_set, never set
    ├── DatasourceInUseError                "datasource_in_use" (queries still use it)
    ├── SessionRequiredError                "session_required": authorize from a browser session
    ├── AuthorizationError                  the callback's response_status; return_to
    │   ├── InvalidStateError               "invalid_state": forged, replayed, expired, not yours
    │   ├── ProviderAuthorizationError      the provider's error (§4.1.2.1), e.g. access_denied
    │   ├── InvalidAccountsServerError      "invalid_accounts_server": Zoho named an unknown host
    │   └── TokenExchangeFailedError        "token_exchange_failed"
    ├── TokenUnavailableError               a run cannot get a token; datasource_name
    │   ├── NotAuthorizedError              "not_authorized" (nobody authorized yet)
    │   ├── NeedsReauthorizationError       "needs_reauthorization": invalid_grant, no refresh token
    │   └── TokenRefreshError               "token_refresh_failed"; retryable
    └── TokenEndpointError                  one call to a token or revocation endpoint failed
        ├── OAuth2Error                     RFC 6749 §5.2 error response: error, description
        │   ├── InvalidRequestError         "invalid_request"
        │   ├── InvalidClientError          "invalid_client"
        │   ├── InvalidGrantError           "invalid_grant"
        │   ├── UnauthorizedClientError     "unauthorized_client"
        │   ├── UnsupportedGrantTypeError   "unsupported_grant_type"
        │   └── InvalidScopeError           "invalid_scope"
        ├── ProviderUnavailableError        5xx, timeout, connection failure: retryable
        └── InvalidTokenResponseError       a 2xx without access_token, or an unreadable body

``TokenEndpointError`` is the wire level (``datasources.oauth2``); the token
service turns it into a ``TokenUnavailableError`` for runs and into an
``AuthorizationError`` for the callback, after recording it on the token.
"""

from __future__ import annotations

from typing import ClassVar


class DatasourceError(Exception):
    code: ClassVar[str] = "datasource_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidDatasourceConfigError(DatasourceError):
    """The datasource's configuration (or a request about it) is invalid."""

    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NoStoredValueError(InvalidDatasourceConfigError):
    """A header or query parameter sent as ``value_set`` (keep it) has no stored value."""

    code = "no_stored_value"


class NotOAuth2Error(InvalidDatasourceConfigError):
    code = "not_oauth2"


class DatasourceInUseError(DatasourceError):
    code = "datasource_in_use"


class SessionRequiredError(DatasourceError):
    """Authorization was asked with an API token: the state must be bound to a browser session."""

    code = "session_required"


class AuthorizationError(DatasourceError):
    """The browser flow failed; the callback redirects to ``return_to`` with ``code``."""

    code = "authorization_failed"

    def __init__(self, message: str, *, return_to: str = "/") -> None:
        super().__init__(message)
        self.return_to = return_to

    @property
    def response_status(self) -> str:
        return self.code


class InvalidStateError(AuthorizationError):
    code = "invalid_state"


class ProviderAuthorizationError(AuthorizationError):
    """RFC 6749 §4.1.2.1: the provider redirected back with ``error``."""

    def __init__(self, error: str, message: str, *, return_to: str = "/") -> None:
        super().__init__(message, return_to=return_to)
        self.error = error

    @property
    def response_status(self) -> str:
        return self.error


class InvalidAccountsServerError(AuthorizationError):
    code = "invalid_accounts_server"


class TokenExchangeFailedError(AuthorizationError):
    code = "token_exchange_failed"


class TokenUnavailableError(DatasourceError):
    """A run cannot get a usable access token for the datasource."""

    code = "token_unavailable"
    retryable: bool = False

    def __init__(self, message: str, *, datasource_name: str = "") -> None:
        super().__init__(message)
        self.datasource_name = datasource_name


class NotAuthorizedError(TokenUnavailableError):
    code = "not_authorized"


class NeedsReauthorizationError(TokenUnavailableError):
    code = "needs_reauthorization"


class TokenRefreshError(TokenUnavailableError):
    code = "token_refresh_failed"

    def __init__(self, message: str, *, datasource_name: str = "", retryable: bool) -> None:
        super().__init__(message, datasource_name=datasource_name)
        self.retryable = retryable


class TokenEndpointError(DatasourceError):
    code = "token_endpoint_error"
    retryable: bool = False


class OAuth2Error(TokenEndpointError):
    """RFC 6749 §5.2: the provider answered with a JSON ``error``."""

    code = "oauth2_error"
    error: ClassVar[str] = ""

    def __init__(self, description: str = "", *, status_code: int = 400, error: str = "") -> None:
        self.error_code = error or self.error or "unknown_error"
        self.description = description
        self.status_code = status_code
        detail = f": {description}" if description else ""
        super().__init__(f"The provider answered {self.error_code}{detail}")

    @staticmethod
    def for_error(error: str, description: str = "", *, status_code: int = 400) -> OAuth2Error:
        """The subclass for an RFC 6749 §5.2 error code (the base class for others)."""
        cls = _ERRORS.get(error, OAuth2Error)
        return cls(description, status_code=status_code, error=error)


class InvalidRequestError(OAuth2Error):
    error = "invalid_request"


class InvalidClientError(OAuth2Error):
    error = "invalid_client"


class InvalidGrantError(OAuth2Error):
    error = "invalid_grant"


class UnauthorizedClientError(OAuth2Error):
    error = "unauthorized_client"


class UnsupportedGrantTypeError(OAuth2Error):
    error = "unsupported_grant_type"


class InvalidScopeError(OAuth2Error):
    error = "invalid_scope"


_ERRORS: dict[str, type[OAuth2Error]] = {
    cls.error: cls
    for cls in (
        InvalidRequestError,
        InvalidClientError,
        InvalidGrantError,
        UnauthorizedClientError,
        UnsupportedGrantTypeError,
        InvalidScopeError,
    )
}


class ProviderUnavailableError(TokenEndpointError):
    """The provider could not answer now (5xx, timeout, refused connection)."""

    code = "provider_unavailable"
    retryable = True


class InvalidTokenResponseError(TokenEndpointError):
    code = "invalid_token_response"


def fixed_code(error: DatasourceError) -> str:
    """The error's code from a list Brace defines: RFC 6749 §5.2's for a known
    provider error, else its class's ``code`` (never text a provider chose),
    for metrics' labels."""
    known = type(error).error if isinstance(error, OAuth2Error) else ""
    return known or type(error).code
