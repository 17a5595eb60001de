"""Single-flight refresh across connections: 100 runs, one expired token, one refresh.

Needs PostgreSQL (row locks with ``select_for_update``); every run is a thread
with its own database connection, as separate web and worker processes have.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import httpx
import pytest
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from datasources.auth import datasource_auth
from datasources.models import OAuthToken

RUNS = 100

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


def test_100_runs_on_an_expired_token_make_one_refresh(
    provider: Any, oauth_datasource: Any, authorize: Any
) -> None:
    datasource = oauth_datasource()
    token = authorize(datasource)
    token.expires_at = timezone.now() - timedelta(seconds=1)
    token.save(update_fields=["expires_at"])
    # A slow provider keeps the refresher inside its lock while the others arrive.
    provider.set_mode("slow", delay_s=0.5)
    connection.close()  # leave the connection slots to the runs

    barrier = threading.Barrier(RUNS)
    results: list[Any] = []
    threads = [
        threading.Thread(target=_run, args=(datasource.pk, provider.me_url, barrier, results))
        for _ in range(RUNS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert len(results) == RUNS
    assert {status for status, _ in results} == {200}, results[:3]
    assert len(provider.token_requests("refresh_token")) == 1
    token = OAuthToken.objects.get(pk=token.pk)
    assert {header for _, header in results} == {f"Bearer {token.access_token}"}
