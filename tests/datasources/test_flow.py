"""The browser flow's plain parts: return_to, the landing URL, state rows, odd callbacks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from datasources import flow, state
from datasources.errors import (
    AuthorizationError,
    InvalidDatasourceConfigError,
    TokenExchangeFailedError,
)
from datasources.models import AuthorizationState, Datasource
from datasources.services import create_datasource

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("given", "expected"),
    [("/a/b?c=1#x", "/a/b?c=1#x"), ("", "/"), ("/", "/")],
)
def test_return_to_accepts_paths_on_brace(given: str, expected: str) -> None:
    assert flow.check_return_to(given) == expected


@pytest.mark.parametrize("given", ["http://a.example/", "//a.example", "/\\a", "a/b", "/a\tb"])
def test_return_to_refuses_the_rest(given: str) -> None:
    with pytest.raises(InvalidDatasourceConfigError) as caught:
        flow.check_return_to(given)
    assert caught.value.field == "return_to"


def test_the_landing_url_keeps_the_path_query_and_fragment() -> None:
    landed = flow.with_status("/ds/7?tab=a&response_status=old#top", "invalid_state", "Try again.")
    assert landed == "/ds/7?tab=a&response_status=invalid_state&display_message=Try+again.#top"
    assert flow.with_status("/", "success") == "/?response_status=success"


@pytest.fixture
def oauth_ds(workspace: Any) -> Datasource:
    return create_datasource(
        workspace.pk,
        {
            "name": "P",
            "url": "https://api.example/",
            "authentication": {
                "type": "oauth2",
                "authorization_url": "https://auth.example/authorize",
                "access_token_url": "https://auth.example/token",
                "client_id": "cid",
            },
        },
    )


def _pending(ds: Datasource, user: Any) -> str:
    return state.create_state(
        ds, user_id=user.pk, session_key="sk", return_to="/back", redirect_uri="https://b/cb/"
    )


def test_a_callback_with_neither_code_nor_error(oauth_ds: Datasource, members: Any) -> None:
    user = members["developer"]
    with pytest.raises(TokenExchangeFailedError) as caught:
        flow.complete_authorization(
            {"state": _pending(oauth_ds, user)}, user_id=user.pk, session_key="sk"
        )
    assert caught.value.return_to == "/back"
    assert caught.value.response_status == "token_exchange_failed"


def test_a_callback_after_the_grant_type_changed(oauth_ds: Datasource, members: Any) -> None:
    user = members["developer"]
    value = _pending(oauth_ds, user)
    Datasource.objects.filter(pk=oauth_ds.pk).update(grant_type="client_credentials")

    with pytest.raises(AuthorizationError) as caught:
        flow.complete_authorization(
            {"state": value, "code": "c"}, user_id=user.pk, session_key="sk"
        )
    assert caught.value.response_status == "authorization_failed"
    assert caught.value.return_to == "/back"


def test_only_oauth2_authorization_code_datasources_start_a_flow(
    workspace: Any, members: Any
) -> None:
    plain = create_datasource(workspace.pk, {"name": "Plain", "url": "https://api.example/"})
    with pytest.raises(InvalidDatasourceConfigError) as caught:
        flow.start_authorization(
            plain,
            user_id=members["developer"].pk,
            session_key="sk",
            return_to="/",
            redirect_uri="x",
        )
    assert caught.value.field == "authentication.grant_type"


def test_used_up_states_are_purged_after_a_day(oauth_ds: Datasource, members: Any) -> None:
    _pending(oauth_ds, members["developer"])
    _pending(oauth_ds, members["developer"])
    old = AuthorizationState.objects.first()
    assert old is not None
    AuthorizationState.objects.filter(pk=old.pk).update(
        expires_at=timezone.now() - timedelta(days=2)
    )

    assert state.purge_expired() == 1
    assert AuthorizationState.objects.count() == 1
