"""Calls for a new access token are counted by outcome, against the real test provider."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from datasources import tokens
from datasources.errors import (
    NeedsReauthorizationError,
    OAuth2Error,
    ProviderUnavailableError,
    TokenRefreshError,
    fixed_code,
)
from datasources.models import OAuthToken
from tests.metrics.reading import sample

pytestmark = pytest.mark.django_db

REFRESHES = "brace_token_refreshes_total"


def _expire(token: OAuthToken) -> None:
    token.expires_at = timezone.now() - timedelta(seconds=1)
    token.save(update_fields=["expires_at"])


def test_a_refresh_counts_one_success(provider: Any, oauth_datasource: Any, authorize: Any) -> None:
    datasource = oauth_datasource()
    token = authorize(datasource)
    _expire(token)
    before = sample(REFRESHES, outcome="success")
    assert tokens.access_token(datasource) != token.access_token
    assert sample(REFRESHES, outcome="success") == before + 1
    # A token with time left costs no call, and counts nothing.
    tokens.access_token(datasource)
    assert sample(REFRESHES, outcome="success") == before + 1


def test_a_revoked_grant_counts_invalid_grant(
    provider: Any, oauth_datasource: Any, authorize: Any
) -> None:
    datasource = oauth_datasource()
    token = authorize(datasource)
    token.refresh_token = "revoked-at-the-provider"
    token.save()
    _expire(token)
    before = sample(REFRESHES, outcome="invalid_grant")
    with pytest.raises(NeedsReauthorizationError):
        tokens.access_token(datasource)
    assert sample(REFRESHES, outcome="invalid_grant") == before + 1
    # Later runs fail at once, without a call, and count nothing more.
    with pytest.raises(NeedsReauthorizationError):
        tokens.access_token(datasource)
    assert sample(REFRESHES, outcome="invalid_grant") == before + 1


def test_a_provider_answering_500_counts_provider_unavailable(
    provider: Any, oauth_datasource: Any, authorize: Any
) -> None:
    datasource = oauth_datasource()
    _expire(authorize(datasource))
    provider.set_mode("error_500")
    before = sample(REFRESHES, outcome="provider_unavailable")
    with pytest.raises(TokenRefreshError):
        tokens.access_token(datasource)
    assert sample(REFRESHES, outcome="provider_unavailable") == before + 1


def test_a_token_without_a_refresh_token_counts_needs_reauthorization(
    provider: Any, oauth_datasource: Any, authorize: Any
) -> None:
    datasource = oauth_datasource()
    token = authorize(datasource)
    token.refresh_token = ""
    token.save()
    _expire(token)
    before = sample(REFRESHES, outcome="needs_reauthorization")
    with pytest.raises(NeedsReauthorizationError):
        tokens.access_token(datasource)
    assert sample(REFRESHES, outcome="needs_reauthorization") == before + 1


def test_the_beat_task_counts_its_refreshes(
    provider: Any, oauth_datasource: Any, authorize: Any
) -> None:
    datasource = oauth_datasource()
    _expire(authorize(datasource))
    before = sample(REFRESHES, outcome="success")
    assert tokens.refresh_expiring().refreshed == 1
    assert sample(REFRESHES, outcome="success") == before + 1


def test_a_provider_error_outside_the_rfc_is_counted_under_one_code() -> None:
    # The provider chooses `error`: only the RFC's codes become label values.
    assert fixed_code(OAuth2Error.for_error("invalid_client")) == "invalid_client"
    assert fixed_code(OAuth2Error.for_error("quota_of_user_42_exceeded")) == "oauth2_error"
    assert fixed_code(ProviderUnavailableError("down")) == "provider_unavailable"
