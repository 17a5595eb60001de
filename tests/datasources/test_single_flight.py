"""Single-flight refresh across connections: many runs, one expired token, one refresh.

Needs PostgreSQL (row locks with ``select_for_update``); every run is a thread
with its own database connection, as separate web and worker processes have.
Short-lived tokens (the provider set to 6 seconds, rotation on) are the hard
case: the token a run finds after waiting is already inside a 60-second margin.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any

import httpx
import pytest
from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone

from datasources import tokens
from datasources.auth import datasource_auth
from datasources.models import OAuthToken

RUNS = 100
SHORT_LIFETIME_S = 6

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="needs PostgreSQL: DATABASE_URL=postgres://...",
    ),
]


def _run(datasource_id: int, me_url: str, barrier: threading.Barrier, out: list[Any]) -> None:
    try:
        barrier.wait(timeout=30)
        with httpx.Client(auth=datasource_auth(datasource_id), timeout=30) as client:
            response = client.get(me_url)
        out.append((response.status_code, response.request.headers["authorization"]))
    except Exception as exc:  # reported by the assertions below
        out.append((type(exc).__name__, str(exc)))
    finally:
        connections.close_all()


def _race(datasource_id: int, me_url: str, runs: int) -> list[Any]:
    barrier = threading.Barrier(runs)
    results: list[Any] = []
    threads = [
        threading.Thread(target=_run, args=(datasource_id, me_url, barrier, results))
        for _ in range(runs)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _expire(token: OAuthToken) -> None:
    token.expires_at = timezone.now() - timedelta(seconds=1)
    token.save(update_fields=["expires_at"])


def test_100_runs_on_an_expired_token_make_one_refresh(
    provider: Any, oauth_datasource: Any, authorize: Any
) -> None:
    datasource = oauth_datasource()
    token = authorize(datasource)
    _expire(token)
    # A slow provider keeps the refresher inside its lock while the others arrive.
    provider.set_mode("slow", delay_s=0.5)
    connection.close()  # leave the connection slots to the runs

    results = _race(datasource.pk, provider.me_url, RUNS)

    assert len(results) == RUNS
    assert {status for status, _ in results} == {200}, results[:3]
    assert len(provider.token_requests("refresh_token")) == 1
    token = OAuthToken.objects.get(pk=token.pk)
    assert {header for _, header in results} == {f"Bearer {token.access_token}"}


def test_20_runs_on_an_expired_6_second_token_make_one_refresh(
    provider: Any, oauth_datasource: Any, authorize: Any
) -> None:
    provider.set_access_token_lifetime(SHORT_LIFETIME_S)
    datasource = oauth_datasource()
    token = authorize(datasource)
    assert token.lifetime == timedelta(seconds=SHORT_LIFETIME_S)
    _expire(token)
    provider.set_mode("slow", delay_s=0.5)
    connection.close()

    results = _race(datasource.pk, provider.me_url, 20)

    assert len(results) == 20
    assert {status for status, _ in results} == {200}, results[:3]
    # The others used the token the first one got, though it lives less than
    # REFRESH_MARGIN: each refresh would have spent the previous refresh token.
    assert len(provider.token_requests("refresh_token")) == 1
    token = OAuthToken.objects.get(pk=token.pk)
    assert {header for _, header in results} == {f"Bearer {token.access_token}"}
    assert token.lifetime == timedelta(seconds=SHORT_LIFETIME_S)


def _wait_until_another_connection_waits_for_this_one() -> None:
    deadline = time.monotonic() + 30
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            # Statistics views are a snapshot per transaction unless cleared.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid))"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("the run never waited for the token row")


def test_a_token_refreshed_while_a_run_waited_is_used_even_inside_the_margin(
    provider: Any, oauth_datasource: Any, authorize: Any
) -> None:
    datasource = oauth_datasource()
    token = authorize(datasource)
    # A row whose lifetime is unknown (stored before lifetimes were) keeps the
    # full 60-second margin: the run sees it expiring and goes for the lock.
    OAuthToken.objects.filter(pk=token.pk).update(
        lifetime=None, expires_at=timezone.now() + timedelta(seconds=30)
    )
    seen = token.access_token
    result: list[Any] = []

    def run() -> None:
        try:
            result.append(tokens.access_token(datasource))
        except Exception as exc:  # reported by the assertions below
            result.append(exc)
        finally:
            connections.close_all()

    with transaction.atomic():
        locked = OAuthToken.objects.select_for_update().get(pk=token.pk)
        waiting = threading.Thread(target=run)
        waiting.start()
        _wait_until_another_connection_waits_for_this_one()
        # Another run's refresh, as it commits: a new token, still inside 60 s.
        locked.access_token = "refreshed-by-another-run"
        locked.expires_at = timezone.now() + timedelta(seconds=20)
        locked.save(update_fields=["access_token", "expires_at"])
    waiting.join(timeout=60)

    assert result == ["refreshed-by-another-run"]
    assert seen != "refreshed-by-another-run"
    assert provider.token_requests("refresh_token") == []
