"""``datasource_auth``: the one way other apps authenticate requests to a datasource.

It returns an ``httpx.Auth``. For OAuth 2.0 its ``auth_flow`` is a generator
(httpx's own shape for challenge-response auth): attach a valid access token
(RFC 6750 §2.1 header or §2.3 query), refreshing first when it expires within
60 s; if the API still answers 401, get a new token once (single flight, see
``datasources.tokens``) and send the request again, when its body can be sent
again (``is_replayable``: in memory, or a stream with ``replayable = True``).

The runtime never sees a token: it only holds this object. The flow is
synchronous (it reads the database); use it with ``httpx.Client``.
"""

from __future__ import annotations

from collections.abc import Generator

import httpx

from datasources import tokens
from datasources.errors import InvalidDatasourceConfigError
from datasources.models import AuthType, Datasource, TokenPlacement
from workspaces.users import AnyUser

__all__ = ["OAuth2Auth", "datasource_auth", "is_replayable"]


class _HeaderAuth(httpx.Auth):
    def __init__(self, name: str, value: str) -> None:
        self._name = name
        self._value = value

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers[self._name] = self._value
        yield request

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._name!r})"


class _QueryAuth(httpx.Auth):
    def __init__(self, name: str, value: str) -> None:
        self._name = name
        self._value = value

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.url = request.url.copy_set_param(self._name, self._value)
        yield request

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._name!r})"


class OAuth2Auth(httpx.Auth):
    """Attaches the datasource's (or the user's) OAuth 2.0 access token.

    Raises from ``datasources.errors`` while sending: ``NotAuthorizedError``,
    ``NeedsReauthorizationError`` (invalid_grant, or rejected with no refresh
    token), ``TokenRefreshError`` (``retryable`` for a 5xx or timeout).
    """

    requires_request_body = False
    requires_response_body = False

    def __init__(
        self,
        datasource: Datasource,
        user_id: int | None = None,
        *,
        token_client: httpx.Client | None = None,
    ) -> None:
        self.datasource = datasource
        self.user_id = user_id
        self._token_client = token_client

    def __repr__(self) -> str:
        return f"OAuth2Auth(datasource={self.datasource.pk}, user={self.user_id})"

    def _attach(self, request: httpx.Request, access_token: str) -> None:
        ds = self.datasource
        if ds.token_placement == TokenPlacement.QUERY:
            request.url = request.url.copy_set_param("access_token", access_token)
        else:
            prefix = ds.header_prefix.strip()
            request.headers["Authorization"] = (
                f"{prefix} {access_token}" if prefix else access_token
            )

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        token = tokens.access_token(self.datasource, self.user_id, http=self._token_client)
        self._attach(request, token)
        response = yield request
        if response.status_code != 401:
            return
        fresh = tokens.replace_rejected(
            self.datasource, token, self.user_id, http=self._token_client
        )
        # A one-shot stream (a generator) cannot be sent twice: the 401 stands,
        # and the next run uses the new token.
        if is_replayable(request.stream):
            self._attach(request, fresh)
            yield request


def is_replayable(stream: object) -> bool:
    """Whether a request body can be sent a second time, byte for byte.

    True for an in-memory ``httpx.ByteStream``, and for any stream that says so
    with a true ``replayable`` attribute: ``runtime.http``'s file streams
    reopen the file on every pass, so an upload is re-sent after a 401
    without being held in memory. (Duck-typed because ``datasources`` must not
    import ``runtime``.) Anything else, such as httpx's wrapper around a
    generator, may already be spent.
    """
    return isinstance(stream, httpx.ByteStream) or getattr(stream, "replayable", False) is True


def datasource_auth(
    datasource: Datasource | int,
    user: AnyUser | int | None = None,
    *,
    token_client: httpx.Client | None = None,
) -> httpx.Auth:
    """The ``httpx.Auth`` for requests to ``datasource`` on behalf of ``user``.

    ``user`` is a user object, a user id or None; it is required when the
    datasource's tokens are per user (``InvalidDatasourceConfigError`` otherwise) and
    ignored when they are shared. ``token_client`` overrides the client used
    for token calls (tests, benchmarks).

    Raises ``Datasource.DoesNotExist`` for an unknown id. The returned OAuth 2.0
    auth raises ``TokenUnavailableError`` subclasses while a request is sent.
    """
    ds = datasource if isinstance(datasource, Datasource) else Datasource.objects.get(pk=datasource)
    user_id = user if user is None or isinstance(user, int) else user.pk
    kind = ds.auth_type
    if kind == AuthType.OAUTH2:
        tokens.owner_id(ds, user_id)  # fail now, not on the first request
        return OAuth2Auth(ds, user_id, token_client=token_client)
    if kind == AuthType.BASIC:
        return httpx.BasicAuth(ds.username, ds.password)
    if kind == AuthType.BEARER:
        return _HeaderAuth("Authorization", f"Bearer {ds.bearer_token}")
    if kind == AuthType.API_KEY:
        if ds.api_key_location == TokenPlacement.QUERY:
            return _QueryAuth(ds.api_key_name, ds.api_key_value)
        return _HeaderAuth(ds.api_key_name, ds.api_key_value)
    if kind == AuthType.NONE:
        return httpx.Auth()  # the base class sends the request unchanged
    raise InvalidDatasourceConfigError(
        f"Unknown authentication type '{kind}'.", field="authentication.type"
    )
