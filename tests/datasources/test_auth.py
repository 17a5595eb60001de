"""``datasource_auth`` for every authentication type, and client credentials, against
the real test provider."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.utils import timezone

from datasources.auth import datasource_auth, is_replayable
from datasources.errors import TokenRefreshError
from datasources.models import OAuthToken, TokenStatus
from datasources.services import create_datasource

pytestmark = pytest.mark.django_db


def _echo(auth: httpx.Auth, provider: Any) -> dict[str, Any]:
    with httpx.Client(auth=auth) as client:
        return client.get(provider.url("/api/echo/"), params={"q": "1"}).json()


def _make(workspace: Any, provider: Any, **authentication: Any) -> Any:
    return create_datasource(
        workspace.pk,
        {"name": "API", "url": provider.url("/api/"), "authentication": authentication},
    )


def test_no_authentication_sends_nothing(workspace: Any, provider: Any) -> None:
    seen = _echo(datasource_auth(_make(workspace, provider, type="none")), provider)
    assert seen == {"authorization": "", "x_api_key": "", "query": {"q": "1"}}


def test_basic(workspace: Any, provider: Any) -> None:
    datasource = _make(workspace, provider, type="basic", username="ann", password="pw:1")
    seen = _echo(datasource_auth(datasource.pk), provider)
    assert seen["authorization"] == "Basic YW5uOnB3OjE="


def test_bearer(workspace: Any, provider: Any) -> None:
    datasource = _make(workspace, provider, type="bearer", bearer_token="static-token")
    assert _echo(datasource_auth(datasource), provider)["authorization"] == "Bearer static-token"


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("header", {"x_api_key": "k-123", "query": {"q": "1"}}),
        ("query", {"x_api_key": "", "query": {"q": "1", "X-Api-Key": "k-123"}}),
    ],
)
def test_api_key(workspace: Any, provider: Any, location: str, expected: dict[str, Any]) -> None:
    datasource = _make(
        workspace,
        provider,
        type="api_key",
        api_key_name="X-Api-Key",
        api_key_value="k-123",
        api_key_location=location,
    )
    seen = _echo(datasource_auth(datasource), provider)
    assert {k: seen[k] for k in expected} == expected


@pytest.mark.parametrize(
    ("placement", "prefix", "header", "query"),
    [
        ("header", "Bearer", "Bearer {}", {}),
        ("header", "", "{}", {}),
        ("header", "Zoho-oauthtoken", "Zoho-oauthtoken {}", {}),
        ("query", "Bearer", "", {"access_token": "{}"}),
    ],
)
def test_oauth2_token_placement(
    provider: Any,
    oauth_datasource: Any,
    authorize: Any,
    placement: str,
    prefix: str,
    header: str,
    query: dict[str, str],
) -> None:
    datasource = oauth_datasource(token_placement=placement, header_prefix=prefix)
    token = authorize(datasource)

    seen = _echo(datasource_auth(datasource), provider)

    assert seen["authorization"] == header.format(token.access_token)
    assert seen["query"] == {
        "q": "1",
        **{k: v.format(token.access_token) for k, v in query.items()},
    }


def test_a_token_in_the_query_reaches_the_protected_api(
    provider: Any, oauth_datasource: Any, authorize: Any
) -> None:
    datasource = oauth_datasource(token_placement="query")
    authorize(datasource)
    with httpx.Client(auth=datasource_auth(datasource)) as client:
        assert client.get(provider.me_url).json()["username"] == "alice"


def _client_credentials(oauth_datasource: Any, **overrides: Any) -> Any:
    settings = {
        "name": "Machine",
        "grant_type": "client_credentials",
        "client_id": "brace-cc",
        "client_secret": "brace-cc-secret",
        "authorization_url": "",
    }
    return oauth_datasource(**{**settings, **overrides})


@pytest.mark.parametrize("client_authentication", ["basic_header", "body"])
def test_client_credentials_are_fetched_on_demand_and_cached(
    provider: Any, oauth_datasource: Any, client_authentication: str
) -> None:
    datasource = _client_credentials(oauth_datasource, client_authentication=client_authentication)
    assert not OAuthToken.objects.exists()

    with httpx.Client(auth=datasource_auth(datasource)) as client:
        first = client.get(provider.me_url)
        second = client.get(provider.me_url)

    assert (first.status_code, second.status_code) == (200, 200)
    assert first.json()["client_id"] == "brace-cc"
    [request] = provider.token_requests()
    assert request["grant_type"] == "client_credentials"
    assert (
        request["client_auth"] == {"basic_header": "basic", "body": "body"}[client_authentication]
    )
    assert request["scope"] == "read write"
    token = OAuthToken.objects.get(datasource=datasource, user=None)
    assert token.status == TokenStatus.AUTHORIZED
    assert token.refresh_token == ""


def test_client_credentials_are_fetched_again_when_expired_or_rejected(
    provider: Any, oauth_datasource: Any
) -> None:
    datasource = _client_credentials(oauth_datasource)
    auth = datasource_auth(datasource)
    with httpx.Client(auth=auth) as client:
        client.get(provider.me_url)
        OAuthToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
        assert client.get(provider.me_url).status_code == 200
        provider.expire_access_tokens()
        assert client.get(provider.me_url).status_code == 200

    assert len(provider.token_requests("client_credentials")) == 3


def test_client_credentials_with_a_wrong_secret(provider: Any, oauth_datasource: Any) -> None:
    datasource = _client_credentials(oauth_datasource, client_secret="wrong")

    with (
        pytest.raises(TokenRefreshError) as caught,
        httpx.Client(auth=datasource_auth(datasource)) as c,
    ):
        c.get(provider.me_url)

    assert caught.value.retryable is False
    assert "invalid_client" in str(caught.value)
    token = OAuthToken.objects.get(datasource=datasource)
    assert token.status == TokenStatus.ERROR
    assert "wrong" not in token.last_error


def test_an_unknown_datasource_id(db: Any) -> None:
    from datasources.models import Datasource

    with pytest.raises(Datasource.DoesNotExist):
        datasource_auth(999_999)


# Re-sending a body after a 401


class ReopeningFileStream(httpx.SyncByteStream):
    """A file body that reopens the file on every pass and says so, as
    ``runtime.http``'s file streams do (``datasources`` must not import them)."""

    replayable = True

    def __init__(self, path: Path, chunk_size: int = 16 * 1024) -> None:
        self.path = path
        self.chunk_size = chunk_size
        self.passes = 0

    def __iter__(self) -> Iterator[bytes]:
        self.passes += 1
        with self.path.open("rb") as handle:
            while chunk := handle.read(self.chunk_size):
                yield chunk


def _upload(provider: Any, path: str, length: int, stream: httpx.SyncByteStream) -> httpx.Request:
    """A Dropbox upload whose ``request.stream`` is ``stream`` itself."""
    url = httpx.URL(provider.url("/2/files/upload"))
    headers = {
        "Host": url.netloc.decode("ascii"),
        "Content-Type": "application/octet-stream",
        "Content-Length": str(length),
        "Dropbox-API-Arg": json.dumps({"path": path, "mode": "add"}),
    }
    return httpx.Request("POST", url, headers=headers, stream=stream)


def test_a_replayable_stream_is_sent_again_after_a_401(
    provider: Any, oauth_datasource: Any, authorize: Any, apis: Any, tmp_path: Path
) -> None:
    datasource = oauth_datasource(scopes=["files.content.write"])
    token = authorize(datasource)
    assert provider.expire_access_tokens() >= 1  # Brace still thinks it is valid
    content = os.urandom(100_000)
    (tmp_path / "cv.bin").write_bytes(content)
    stream = ReopeningFileStream(tmp_path / "cv.bin")

    with httpx.Client(auth=datasource_auth(datasource)) as client:
        response = client.send(_upload(provider, "/cv.bin", len(content), stream))

    assert response.status_code == 200, response.text
    assert stream.passes == 2  # read from the file again, never buffered
    assert len(provider.token_requests("refresh_token")) == 1
    first, second = apis.requests("dropbox.upload")
    assert (first["status"], second["status"]) == (401, 200)
    assert first["headers"]["authorization"] != second["headers"]["authorization"]
    assert second["headers"]["content-length"] == str(len(content))
    assert hashlib.sha256(apis.content("/cv.bin")).digest() == hashlib.sha256(content).digest()
    old = token.access_token
    token.refresh_from_db()
    assert token.access_token != old


def test_a_one_shot_generator_is_not_sent_again_but_the_token_is_refreshed(
    provider: Any, oauth_datasource: Any, authorize: Any, apis: Any
) -> None:
    datasource = oauth_datasource(scopes=["files.content.write"])
    token = authorize(datasource)
    provider.expire_access_tokens()
    passes = []

    def chunks() -> Iterator[bytes]:
        passes.append(1)
        yield b"only "
        yield b"once"

    with httpx.Client(auth=datasource_auth(datasource)) as client:
        response = client.post(
            provider.url("/2/files/upload"),
            content=chunks(),
            headers={
                "Content-Type": "application/octet-stream",
                "Content-Length": "9",
                "Dropbox-API-Arg": json.dumps({"path": "/once.txt"}),
            },
        )

    assert response.status_code == 401  # the answer stands: the body is spent
    assert len(passes) == 1
    assert [r["status"] for r in apis.requests("dropbox.upload")] == [401]
    assert len(provider.token_requests("refresh_token")) == 1
    old = token.access_token
    token.refresh_from_db()
    assert token.access_token != old  # the next run uses the new token
    with httpx.Client(auth=datasource_auth(datasource)) as client:
        again = client.post(
            provider.url("/2/files/upload"),
            content=b"only once",
            headers={
                "Content-Type": "application/octet-stream",
                "Dropbox-API-Arg": json.dumps({"path": "/once.txt"}),
            },
        )
    assert again.status_code == 200, again.text
    assert len(provider.token_requests("refresh_token")) == 1


class _Flagged(httpx.SyncByteStream):
    def __init__(self, flag: object) -> None:
        self.replayable = flag

    def __iter__(self) -> Iterator[bytes]:
        yield b"x"


@pytest.mark.parametrize(
    ("stream", "expected"),
    [
        (httpx.ByteStream(b"in memory"), True),
        (_Flagged(True), True),
        (_Flagged(False), False),
        (_Flagged("yes"), False),  # only a real True is a promise
        (httpx.Request("POST", "https://h.test/", content=iter([b"x"])).stream, False),
        (httpx.Request("POST", "https://h.test/", content=(b for b in [b"x"])).stream, False),
    ],
    ids=["bytes", "replayable", "not-replayable", "truthy-not-true", "iterator", "generator"],
)
def test_is_replayable(stream: object, expected: bool) -> None:
    assert is_replayable(stream) is expected
