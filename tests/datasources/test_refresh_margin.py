"""The refresh margin of short-lived tokens: a fair share of their life, for runs and the beat.

The pure rules first (``refresh_margin``, ``is_usable``, ``due_for_sweep``,
with made-up clocks), then the beat's sweep against the real test provider
set to issue short-lived tokens (rotation on, no grace period).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from datasources import tokens
from datasources.models import OAuthToken, TokenStatus
from datasources.tokens import REFRESH_MARGIN, due_for_sweep, is_usable, refresh_margin

SWEEP = timedelta(minutes=5)  # the beat's window (datasources.tasks.REFRESH_WITHIN)
NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def _s(seconds: float) -> timedelta:
    return timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("lifetime", "margin"),
    [
        (None, REFRESH_MARGIN),  # unknown: the fixed margin
        (_s(3600), _s(60)),
        (_s(240), _s(60)),  # a quarter is exactly the fixed margin
        (_s(120), _s(30)),
        (_s(6), _s(1.5)),
        (_s(0), _s(0)),
        (_s(-5), _s(0)),  # a provider's nonsense does not move the expiry later
    ],
)
def test_the_margin_is_at_most_a_quarter_of_the_lifetime(
    lifetime: timedelta | None, margin: timedelta
) -> None:
    assert refresh_margin(lifetime) == margin


@pytest.mark.parametrize(
    ("lifetime", "window"),
    [(None, SWEEP), (_s(3600), SWEEP), (_s(300), _s(75)), (_s(6), _s(1.5))],
)
def test_the_beats_window_is_bounded_by_the_same_share(
    lifetime: timedelta | None, window: timedelta
) -> None:
    assert refresh_margin(lifetime, SWEEP) == window


def _token(lifetime: float | None, left: float) -> OAuthToken:
    return OAuthToken(
        access_token="at",
        status=TokenStatus.AUTHORIZED,
        lifetime=None if lifetime is None else _s(lifetime),
        expires_at=timezone.now() + _s(left),
    )


@pytest.mark.parametrize(
    ("lifetime", "left", "usable"),
    [
        (6, 5, True),  # a 6-second token just issued is used, not refreshed
        (6, 1, False),
        (3600, 90, True),
        (3600, 30, False),
        (None, 30, False),  # unknown lifetime: the fixed 60 seconds
        (None, 90, True),
    ],
)
def test_a_token_is_usable_outside_its_margin(
    lifetime: float | None, left: float, usable: bool
) -> None:
    assert is_usable(_token(lifetime, left)) is usable


def _at(lifetime: float | None, expires_in: float) -> OAuthToken:
    return OAuthToken(
        lifetime=None if lifetime is None else _s(lifetime), expires_at=NOW + _s(expires_in)
    )


@pytest.mark.parametrize(
    ("lifetime", "left", "due"),
    [
        (3600, 240, True),  # long-lived: the whole 5 minutes
        (3600, 360, False),
        (3600, -10, True),  # expired: refreshed, runs will find it fresh
        (300, 120, False),  # would be refreshed at every beat with a fixed 5 minutes
        (300, 60, True),
        (6, 6, False),  # just issued: not refreshed again by the next beat
        (6, 1, True),
        (6, -1, False),  # expired, and no beat can keep it fresh: left to the runs
        (None, -1, True),
        (None, 240, True),
    ],
)
def test_the_sweep_takes_a_token_within_its_window(
    lifetime: float | None, left: float, due: bool
) -> None:
    assert due_for_sweep(_at(lifetime, left), SWEEP, NOW) is due


def test_a_token_without_expiry_is_never_due() -> None:
    assert due_for_sweep(OAuthToken(lifetime=None, expires_at=None), SWEEP, NOW) is False


@pytest.mark.django_db
def test_the_token_keeps_the_lifetime_the_provider_gave(
    provider: Any, oauth_datasource: Any, authorize: Any
) -> None:
    provider.set_access_token_lifetime(6)
    datasource = oauth_datasource()

    token = authorize(datasource)
    assert token.lifetime == _s(6)
    provider.set_access_token_lifetime(40)
    token = tokens.refresh_now(datasource)
    assert token.lifetime == _s(40)
    assert token.expires_at is not None
    assert token.last_refreshed_at is not None
    assert token.expires_at - token.last_refreshed_at == _s(40)


@pytest.mark.django_db
def test_the_sweep_leaves_a_fresh_6_second_token_alone(
    provider: Any, oauth_datasource: Any, authorize: Any
) -> None:
    provider.set_access_token_lifetime(6)
    authorize(oauth_datasource())

    # Each of these would have refreshed it with a fixed 5-minute window.
    reports = [tokens.refresh_expiring(SWEEP) for _ in range(3)]

    assert [report.refreshed for report in reports] == [0, 0, 0]
    assert provider.token_requests("refresh_token") == []


@pytest.mark.django_db
def test_the_sweep_refreshes_a_short_lived_token_once_per_window(
    provider: Any, oauth_datasource: Any, authorize: Any
) -> None:
    # 40 seconds: shorter than the 60-second margin and the 5-minute window,
    # long enough that a slow machine does not move it out of its window.
    provider.set_access_token_lifetime(40)
    datasource = oauth_datasource()
    token = authorize(datasource)
    OAuthToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + _s(5))

    reports = [tokens.refresh_expiring(SWEEP) for _ in range(3)]

    assert [report.refreshed for report in reports] == [1, 0, 0]
    assert len(provider.token_requests("refresh_token")) == 1
    token.refresh_from_db()
    assert token.expires_at > timezone.now() + _s(10)  # past its 10-second window

    # Expired, it is left to the next run, which refreshes it on demand.
    OAuthToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - _s(1))
    assert tokens.refresh_expiring(SWEEP).refreshed == 0
    assert len(provider.token_requests("refresh_token")) == 1
    assert tokens.access_token(datasource) != token.access_token
    assert len(provider.token_requests("refresh_token")) == 2
