"""Refresh, rotation and failures of OAuth 2.0 tokens, against the real test provider."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from django.utils import timezone

from datasources import tokens
from datasources.auth import datasource_auth
from datasources.errors import (
    InvalidDatasourceConfigError,
    NeedsReauthorizationError,
    NotAuthorizedError,
    TokenRefreshError,
)
from datasources.models import OAuthToken, TokenStatus

pytestmark = pytest.mark.django_db


def _get(datasource: Any, url: str, user: Any = None) -> httpx.Response:
    with httpx.Client(auth=datasource_auth(datasource, user)) as client:
        return client.get(url)


def _expire_locally(token: OAuthToken, seconds_left: int = -1) -> None:
    token.expires_at = timezone.now() + timedelta(seconds=seconds_left)
    token.save(update_fields=["expires_at"])


def test_an_expired_token_is_refreshed_before_the_request(
    provider: Any, oauth_datasource: Any, authorize: Any
) -> None:
    datasource = oauth_datasource()
    token = authorize(datasource)
    old_access, old_refresh = token.access_token, token.refresh_token
    _expire_locally(token)

    response = _get(datasource, provider.me_url)

    assert response.status_code == 200
    assert len(provider.token_requests("refresh_token")) == 1
    token.refresh_from_db()
    assert token.access_token != old_access
    assert token.refresh_token != old_refresh  # rotated, and the new one stored
    assert token.status == TokenStatus.AUTHORIZED
    assert token.expires_at > timezone.now() + timedelta(seconds=200)
    assert token.last_refreshed_at is not None


def test_a_token_expiring_within_60_seconds_is_refreshed_first(
    provider: Any, oauth_datasource: Any, authorize: Any
) -> None:
    datasource = oauth_datasource()
    token = authorize(datasource)
    _expire_locally(token, seconds_left=30)

    assert _get(datasource, provider.me_url).status_code == 200
    assert len(provider.token_requests("refresh_token")) == 1


def test_a_token_with_time_left_is_used_as_is(
    provider: Any, oauth_datasource: Any, authorize: Any
) -> None:
    datasource = oauth_datasource()
    token = authorize(datasource)
    _expire_locally(token, seconds_left=120)

    assert _get(datasource, provider.me_url).status_code == 200
    assert provider.token_requests("refresh_token") == []


def test_a_401_refreshes_once_and_retries(
    provider: Any, oauth_datasource: Any, authorize: Any
) -> None:
    datasource = oauth_datasource()
    authorize(datasource)
    assert provider.expire_access_tokens() >= 1  # Brace still thinks it is valid

    response = _get(datasource, provider.me_url)

    assert response.status_code == 200
    assert response.json()["username"] == "alice"
    assert len(provider.token_requests("refresh_token")) == 1


def test_a_second_401_is_the_answer_after_one_refresh(
    provider: Any, oauth_datasource: Any, authorize: Any
) -> None:
    datasource = oauth_datasource()
    authorize(datasource)

    response = _get(datasource, provider.url("/api/deny/"))

    assert response.status_code == 401
    assert len(provider.token_requests("refresh_token")) == 1


def test_a_streamed_body_is_not_resent_but_the_token_is_refreshed(
    provider: Any, oauth_datasource: Any, authorize: Any
) -> None:
    datasource = oauth_datasource()
    token = authorize(datasource)
    provider.expire_access_tokens()

    with httpx.Client(auth=datasource_auth(datasource)) as client:
        response = client.post(provider.me_url, content=iter([b"chunk"]))

    assert response.status_code == 401
    assert len(provider.token_requests("refresh_token")) == 1
    old = token.access_token
    token.refresh_from_db()
    assert token.access_token != old
    assert _get(datasource, provider.me_url).status_code == 200


def test_the_rotated_refresh_token_replaces_the_spent_one(
    provider: Any, oauth_datasource: Any, authorize: Any
) -> None:
    datasource = oauth_datasource()
    token = authorize(datasource)
    spent = token.refresh_token
    tokens.refresh_now(datasource)
    token.refresh_from_db()

    # The provider refuses the spent one (no grace period)...
    replay = httpx.post(
        provider.token_url,
        data={"grant_type": "refresh_token", "refresh_token": spent},
        auth=("brace-code", "brace-code-secret"),
    )
    assert replay.json()["error"] == "invalid_grant"
    # ...so only the stored, rotated one can refresh again.
    tokens.refresh_now(datasource)
    token.refresh_from_db()
    assert token.status == TokenStatus.AUTHORIZED
    assert len(provider.token_requests("refresh_token")) == 3


def test_when_no_refresh_token_comes_back_the_old_one_is_kept(
    provider: Any, oauth_datasource: Any, authorize: Any
) -> None:
    datasource = oauth_datasource(authorization_expires_in=600)
    token = authorize(datasource)
    old_refresh = token.refresh_token
    provider.set_mode("bare")  # no refresh_token, no expires_in

    tokens.refresh_now(datasource)

    token.refresh_from_db()
    assert token.refresh_token == old_refresh
    # No expires_in: the datasource's "authorization expires in" applies.
    left = token.expires_at - timezone.now()
    assert timedelta(seconds=590) < left <= timedelta(seconds=600)


def test_invalid_grant_marks_the_token_for_reauthorization(
    provider: Any, oauth_datasource: Any, authorize: Any
) -> None:
    datasource = oauth_datasource()
    token = authorize(datasource)
    token.refresh_token = "revoked-at-the-provider"
    token.save()
    _expire_locally(token)

    with pytest.raises(NeedsReauthorizationError) as caught:
        _get(datasource, provider.me_url)

    assert str(caught.value) == "Datasource 'Provider' needs to be authorized again."
    token.refresh_from_db()
    assert token.status == TokenStatus.NEEDS_REAUTHORIZATION
    assert "invalid_grant" in token.last_error
    # Later runs fail at once, without spending requests at the provider.
    with pytest.raises(NeedsReauthorizationError):
        _get(datasource, provider.me_url)
    assert len(provider.token_requests("refresh_token")) == 1


def test_a_token_endpoint_500_keeps_the_token_and_is_retryable(
    provider: Any, oauth_datasource: Any, authorize: Any
) -> None:
    datasource = oauth_datasource()
    token = authorize(datasource)
    kept_access, kept_refresh = token.access_token, token.refresh_token
    _expire_locally(token)
    provider.set_mode("error_500")

    with pytest.raises(TokenRefreshError) as caught:
        _get(datasource, provider.me_url)

    assert caught.value.retryable is True
    token.refresh_from_db()
    assert (token.access_token, token.refresh_token) == (kept_access, kept_refresh)
    assert token.status == TokenStatus.ERROR
    assert token.refresh_failures == 1
    assert "HTTP 500" in token.last_error
    # Once the provider is back, the kept refresh token works.
    provider.set_mode("ok")
    assert _get(datasource, provider.me_url).status_code == 200
    token.refresh_from_db()
    assert (token.status, token.refresh_failures, token.last_error) == ("authorized", 0, "")


def test_a_token_endpoint_timeout_keeps_the_token_and_is_retryable(
    provider: Any, oauth_datasource: Any, authorize: Any, settings: Any
) -> None:
    datasource = oauth_datasource()
    token = authorize(datasource)
    kept = token.refresh_token
    _expire_locally(token)
    settings.BRACE_OAUTH_HTTP_TIMEOUT_S = 0.3
    provider.set_mode("slow", delay_s=2.0)

    with pytest.raises(TokenRefreshError) as caught:
        _get(datasource, provider.me_url)

    assert caught.value.retryable is True
    assert "did not answer in time" in str(caught.value)
    token.refresh_from_db()
    assert token.refresh_token == kept
    assert token.status == TokenStatus.ERROR


@pytest.mark.parametrize(("send_scope", "expected"), [(True, "read write"), (False, None)])
def test_scope_is_sent_with_the_refresh_only_when_configured(
    provider: Any, oauth_datasource: Any, authorize: Any, send_scope: bool, expected: Any
) -> None:
    datasource = oauth_datasource(send_scope_with_refresh_token=send_scope)
    authorize(datasource)

    tokens.refresh_now(datasource)

    [refresh] = provider.token_requests("refresh_token")
    assert refresh["scope"] == expected


@pytest.mark.parametrize(
    ("client_authentication", "refresh_location", "exchange_seen", "refresh_seen"),
    [("basic_header", "body", "basic", "body"), ("body", "header", "body", "basic")],
)
def test_client_credentials_go_where_configured(
    provider: Any,
    oauth_datasource: Any,
    authorize: Any,
    client_authentication: str,
    refresh_location: str,
    exchange_seen: str,
    refresh_seen: str,
) -> None:
    datasource = oauth_datasource(
        client_authentication=client_authentication,
        refresh_client_credentials_location=refresh_location,
    )
    authorize(datasource)
    tokens.refresh_now(datasource)

    [exchange] = provider.token_requests("authorization_code")
    [refresh] = provider.token_requests("refresh_token")
    assert exchange["client_auth"] == exchange_seen
    assert refresh["client_auth"] == refresh_seen


def test_a_provider_without_expires_in_or_refresh_token(
    provider: Any, oauth_datasource: Any, authorize: Any
) -> None:
    datasource = oauth_datasource()
    provider.set_mode("bare")
    token = authorize(datasource)
    assert (token.expires_at, token.refresh_token) == (None, "")
    # No expiry known: the token is used until the API rejects it.
    assert _get(datasource, provider.me_url).status_code == 200
    provider.expire_access_tokens()

    with pytest.raises(NeedsReauthorizationError):
        _get(datasource, provider.me_url)

    token.refresh_from_db()
    assert token.status == TokenStatus.NEEDS_REAUTHORIZATION
    assert provider.token_requests("refresh_token") == []


def test_nobody_authorized_yet(provider: Any, oauth_datasource: Any) -> None:
    datasource = oauth_datasource()

    with pytest.raises(NotAuthorizedError) as caught:
        _get(datasource, provider.me_url)

    assert "is not authorized yet" in str(caught.value)
    assert provider.token_requests() == []


def test_per_user_tokens_are_kept_apart(
    provider: Any, oauth_datasource: Any, authorize: Any, members: Any
) -> None:
    datasource = oauth_datasource(token_sharing="per_user")
    authorize(datasource, as_user=members["developer"], username="alice")
    authorize(datasource, as_user=members["viewer"], username="bob")

    assert _get(datasource, provider.me_url, members["developer"]).json()["username"] == "alice"
    assert _get(datasource, provider.me_url, members["viewer"]).json()["username"] == "bob"
    assert OAuthToken.objects.filter(datasource=datasource, user=None).count() == 0
    with pytest.raises(NotAuthorizedError):
        _get(datasource, provider.me_url, members["admin"])
    with pytest.raises(InvalidDatasourceConfigError) as caught:
        datasource_auth(datasource)
    assert caught.value.field == "user"


def test_refreshing_one_user_leaves_the_other_alone(
    provider: Any, oauth_datasource: Any, authorize: Any, members: Any
) -> None:
    datasource = oauth_datasource(token_sharing="per_user")
    alice = authorize(datasource, as_user=members["developer"], username="alice")
    bob = authorize(datasource, as_user=members["viewer"], username="bob")
    bobs_access = bob.access_token
    _expire_locally(alice)

    assert _get(datasource, provider.me_url, members["developer"]).status_code == 200

    bob.refresh_from_db()
    assert bob.access_token == bobs_access
    assert len(provider.token_requests("refresh_token")) == 1


def test_forget_revokes_at_the_provider(
    provider: Any, oauth_datasource: Any, authorize: Any
) -> None:
    datasource = oauth_datasource(revocation_url=provider.revocation_url)
    token = authorize(datasource)
    access = token.access_token

    assert tokens.forget(datasource) is True

    assert not OAuthToken.objects.filter(pk=token.pk).exists()
    direct = httpx.get(provider.me_url, headers={"Authorization": f"Bearer {access}"})
    assert direct.status_code == 401


def test_forget_without_a_revocation_endpoint_only_forgets(
    provider: Any, oauth_datasource: Any, authorize: Any
) -> None:
    datasource = oauth_datasource()
    token = authorize(datasource)

    assert tokens.forget(datasource) is False
    assert not OAuthToken.objects.filter(pk=token.pk).exists()
    assert tokens.forget(datasource) is False  # nothing left to forget


def test_forget_when_the_provider_does_not_confirm(
    provider: Any, oauth_datasource: Any, authorize: Any
) -> None:
    datasource = oauth_datasource(revocation_url=provider.url("/no-such-endpoint/"))
    token = authorize(datasource)

    assert tokens.forget(datasource) is False
    assert not OAuthToken.objects.filter(pk=token.pk).exists()


def test_deleting_the_datasource_revokes_its_tokens(
    provider: Any, oauth_datasource: Any, authorize: Any
) -> None:
    from datasources.services import delete_datasource

    datasource = oauth_datasource(revocation_url=provider.revocation_url)
    access = authorize(datasource).access_token

    delete_datasource(datasource)

    direct = httpx.get(provider.me_url, headers={"Authorization": f"Bearer {access}"})
    assert direct.status_code == 401


def test_refresh_now_through_the_api_reports_provider_trouble(
    provider: Any, oauth_datasource: Any, authorize: Any, client_as: Any
) -> None:
    datasource = oauth_datasource()
    token = authorize(datasource)
    url = f"/api/v1/datasources/{datasource.pk}/token/"
    client = client_as("developer")

    provider.set_mode("error_500")
    outage = client.post(url, {"action": "refresh"}, format="json")
    assert (outage.status_code, outage.json()["code"]) == (502, "token_refresh_failed")

    provider.set_mode("ok")
    OAuthToken.objects.filter(pk=token.pk).update(refresh_token="spent")
    spent = client.post(url, {"action": "refresh"}, format="json")
    assert (spent.status_code, spent.json()["code"]) == (409, "needs_reauthorization")
    assert client.get(url).json()["status"] == "needs_reauthorization"
    assert "spent" not in spent.content.decode()


def test_a_provider_echoing_a_secret_does_not_get_it_shown(oauth_datasource: Any) -> None:
    # No real provider misbehaves like this on demand: a stand-in answers.
    datasource = oauth_datasource()
    OAuthToken.objects.create(
        datasource=datasource,
        access_token="at-value-123",
        refresh_token="rt-value-456",
        expires_at=timezone.now() - timedelta(seconds=1),
        status=TokenStatus.AUTHORIZED,
    )

    def echoing(request: httpx.Request) -> httpx.Response:
        body = {"error": "invalid_grant", "error_description": "rt-value-456 is unknown"}
        return httpx.Response(400, json=body)

    with (
        httpx.Client(transport=httpx.MockTransport(echoing)) as http,
        pytest.raises(NeedsReauthorizationError),
    ):
        tokens.access_token(datasource, http=http)

    token = OAuthToken.objects.get(datasource=datasource)
    assert token.last_error == "The provider answered invalid_grant: [secret] is unknown"


def test_forget_when_the_revocation_endpoint_is_unreachable(
    provider: Any, oauth_datasource: Any, authorize: Any
) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    datasource = oauth_datasource(revocation_url=f"http://127.0.0.1:{closed}/revoke/")
    token = authorize(datasource)

    assert tokens.forget(datasource) is False
    assert not OAuthToken.objects.filter(pk=token.pk).exists()
