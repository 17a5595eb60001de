"""Attacks on and faults in the browser flow, against the real test provider.

Forged, replayed, expired and other people's ``state``; open redirects through
``return_to``; the provider refusing; the code exchange failing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
from django.core import signing
from django.db import connection
from django.test import Client
from django.utils import timezone

from datasources.models import AuthorizationState, OAuthToken
from datasources.oauth2.pkce import s256_challenge
from tests.oauth_provider import browser as dance

pytestmark = pytest.mark.django_db

INVALID_STATE_MESSAGE = (
    "This authorization link is invalid, expired or already used. Start the authorization again."
)


def _with_state(callback_url: str, state: str) -> str:
    parts = urlsplit(callback_url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query["state"] = state
    return urlunsplit(parts._replace(query=urlencode(query)))


@pytest.fixture
def setup(oauth_datasource: Any, browser: Any, members: Any) -> tuple[Any, Client]:
    return oauth_datasource(), browser(members["developer"])


def _assert_invalid_state(landing: dance.Landing) -> None:
    # Never the return_to of a state that could not be trusted.
    assert landing.path == "/"
    assert landing.params == {
        "response_status": "invalid_state",
        "display_message": INVALID_STATE_MESSAGE,
    }


def test_a_forged_state_is_refused(provider: Any, setup: Any) -> None:
    datasource, brace = setup
    callback_url = dance.consent(dance.start(brace, datasource.pk))

    for forged in ("guessed", signing.Signer().sign("guessed"), ""):
        _assert_invalid_state(dance.callback(brace, _with_state(callback_url, forged)))

    # Forged as if by the server itself, but never issued:
    issued = signing.Signer(salt="datasources.oauth2.state").sign("never-issued")
    _assert_invalid_state(dance.callback(brace, _with_state(callback_url, issued)))
    assert not OAuthToken.objects.exists()
    assert provider.token_requests() == []


def test_a_replayed_state_is_refused(provider: Any, setup: Any) -> None:
    datasource, brace = setup
    callback_url = dance.consent(dance.start(brace, datasource.pk))
    assert dance.callback(brace, callback_url).response_status == "success"
    first = OAuthToken.objects.get().access_token

    _assert_invalid_state(dance.callback(brace, callback_url))

    assert OAuthToken.objects.get().access_token == first
    assert len(provider.token_requests("authorization_code")) == 1


def test_an_expired_state_is_refused(provider: Any, setup: Any) -> None:
    datasource, brace = setup
    callback_url = dance.consent(dance.start(brace, datasource.pk))
    AuthorizationState.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    _assert_invalid_state(dance.callback(brace, callback_url))
    assert not OAuthToken.objects.exists()


def test_the_state_expires_after_ten_minutes(provider: Any, setup: Any) -> None:
    datasource, brace = setup
    dance.start(brace, datasource.pk)
    row = AuthorizationState.objects.get()
    assert row.expires_at - row.created_at == pytest.approx(
        timedelta(minutes=10), abs=timedelta(seconds=2)
    )


def test_another_users_state_is_refused_and_burnt(
    provider: Any, setup: Any, browser: Any, members: Any
) -> None:
    datasource, brace = setup
    callback_url = dance.consent(dance.start(brace, datasource.pk))

    _assert_invalid_state(dance.callback(browser(members["viewer"]), callback_url))
    _assert_invalid_state(dance.callback(Client(), callback_url))  # signed out
    # Whoever intercepted it spent it: the victim's own browser cannot use it either.
    _assert_invalid_state(dance.callback(brace, callback_url))
    assert not OAuthToken.objects.exists()


def test_the_same_user_in_another_session_is_refused(
    provider: Any, setup: Any, browser: Any, members: Any
) -> None:
    datasource, brace = setup
    callback_url = dance.consent(dance.start(brace, datasource.pk))

    _assert_invalid_state(dance.callback(browser(members["developer"]), callback_url))
    assert not OAuthToken.objects.exists()


@pytest.mark.parametrize(
    "return_to",
    [
        "https://evil.example/steal",
        "//evil.example/steal",
        "/\\evil.example/steal",
        "javascript:alert(1)",
        "evil.example",
        "/ok\r\nLocation: https://evil.example",
    ],
)
def test_return_to_must_stay_on_brace(provider: Any, setup: Any, return_to: str) -> None:
    datasource, brace = setup

    response = brace.get(
        f"/api/v1/datasources/{datasource.pk}/authorize/", {"return_to": return_to}
    )

    assert response.status_code == 400
    assert response.json()["field"] == "return_to"
    assert not AuthorizationState.objects.exists()


def test_access_denied_at_the_provider(provider: Any, setup: Any) -> None:
    datasource, brace = setup

    landing = dance.authorize(brace, datasource.pk, return_to="/editor/ds/", allow=False)

    assert landing.path == "/editor/ds/"
    assert landing.response_status == "access_denied"
    assert landing.params["display_message"].startswith("Authorization was denied at the provider.")
    assert not OAuthToken.objects.exists()


def test_the_token_endpoint_failing_during_the_exchange(provider: Any, setup: Any) -> None:
    datasource, brace = setup
    provider.set_mode("error_500")

    landing = dance.authorize(brace, datasource.pk, return_to="/editor/ds/")

    assert landing.path == "/editor/ds/"
    assert landing.response_status == "token_exchange_failed"
    assert "HTTP 500" in landing.params["display_message"]
    assert not OAuthToken.objects.exists()


def test_a_tampered_code_fails_the_exchange(provider: Any, setup: Any) -> None:
    datasource, brace = setup
    callback_url = dance.consent(dance.start(brace, datasource.pk))
    parts = urlsplit(callback_url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query["code"] = "not-the-code"

    landing = dance.callback(brace, urlunsplit(parts._replace(query=urlencode(query))))

    assert landing.response_status == "token_exchange_failed"
    assert "invalid_grant" in landing.params["display_message"]


def test_without_pkce_this_provider_refuses(
    provider: Any, oauth_datasource: Any, browser: Any, members: Any
) -> None:
    datasource = oauth_datasource(use_pkce=False)

    landing = dance.authorize(browser(members["developer"]), datasource.pk)

    assert landing.response_status == "invalid_request"
    assert "code_challenge" not in dance.start(browser(members["developer"]), datasource.pk)


def test_the_authorization_request(
    provider: Any, oauth_datasource: Any, browser: Any, members: Any
) -> None:
    datasource = oauth_datasource(
        custom_auth_params=[{"key": "prompt", "value": "consent"}], audience="api://brace"
    )

    url = dance.start(browser(members["developer"]), datasource.pk)

    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == provider.authorization_url
    assert query["response_type"] == "code"
    assert query["client_id"] == "brace-code"
    assert query["redirect_uri"] == "http://testserver/api/v1/datasources/oauth2/callback/"
    assert query["scope"] == "read write"
    assert query["prompt"] == "consent"
    assert query["audience"] == "api://brace"
    assert query["code_challenge_method"] == "S256"
    row = AuthorizationState.objects.get()
    assert query["code_challenge"] == s256_challenge(row.code_verifier)
    assert "client_secret" not in url and "brace-code-secret" not in url
    # The verifier and the state are not readable in the database.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT code_verifier, state_hash FROM datasources_authorizationstate WHERE id = %s",
            [row.pk],
        )
        raw_verifier, state_hash = cursor.fetchone()
    assert row.code_verifier.encode() not in bytes(raw_verifier)
    assert query["state"] not in state_hash


def test_forwarded_proto_is_ignored_unless_behind_a_proxy(
    provider: Any, oauth_datasource: Any, browser: Any, members: Any, settings: Any
) -> None:
    datasource = oauth_datasource()
    brace = browser(members["developer"])
    path = f"/api/v1/datasources/{datasource.pk}/authorize/"

    plain = brace.get(path, HTTP_X_FORWARDED_PROTO="https")["Location"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    proxied = brace.get(path, HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="testserver")["Location"]
    settings.BRACE_PUBLIC_URL = "https://brace.example.com"
    public = brace.get(path)["Location"]

    def redirect_uri(url: str) -> str:
        return parse_qs(urlsplit(url).query)["redirect_uri"][0]

    assert redirect_uri(plain) == "http://testserver/api/v1/datasources/oauth2/callback/"
    assert redirect_uri(proxied) == "https://testserver/api/v1/datasources/oauth2/callback/"
    assert redirect_uri(public) == "https://brace.example.com/api/v1/datasources/oauth2/callback/"


def test_authorize_needs_a_browser_session(
    provider: Any, oauth_datasource: Any, token_client: Any, members: Any
) -> None:
    datasource = oauth_datasource()

    response = token_client(members["developer"]).get(
        f"/api/v1/datasources/{datasource.pk}/authorize/"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "session_required"


def test_client_credentials_are_not_authorized_in_the_browser(
    provider: Any, oauth_datasource: Any, browser: Any, members: Any
) -> None:
    datasource = oauth_datasource(
        grant_type="client_credentials", client_id="brace-cc", client_secret="brace-cc-secret"
    )

    response = browser(members["developer"]).get(f"/api/v1/datasources/{datasource.pk}/authorize/")

    assert response.status_code == 400
    assert response.json()["field"] == "authentication.grant_type"
