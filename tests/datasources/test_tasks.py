"""The beat task that refreshes expiring tokens, run by a real Celery worker on Redis."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from celery import Celery
from django.utils import timezone

from datasources.models import OAuthToken, TokenStatus
from tests.redis_server import TEST_REDIS_URL, redis_is_up

TASK = "datasources.tasks.refresh_expiring_tokens"  # the name CELERY_BEAT_SCHEDULE uses


pytestmark = [
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
    # CI starts Redis: there a missing server is a failure, not a skip.
    pytest.mark.skipif(
        not os.environ.get("CI") and not redis_is_up(), reason=f"needs Redis at {TEST_REDIS_URL}"
    ),
]


@dataclass
class Worker:
    app: Celery
    queue: str

    def beat(self) -> dict[str, int]:
        """Send the beat's task by name, as celery beat does, and wait for its result."""
        return self.app.send_task(TASK, queue=self.queue).get(timeout=30)


@pytest.fixture
def worker() -> Iterator[Worker]:
    """A worker in this process, on Redis and a queue of its own (Redis may be shared).

    Its own Celery app, not config.celery's: that one caches its broker and
    result backend, which other tests point at the filesystem transport.
    """
    from celery.contrib.testing.worker import start_worker

    import datasources.tasks  # noqa: F401  (registers the shared task)

    app = Celery(
        "brace-test-datasources",
        broker=TEST_REDIS_URL,
        backend=TEST_REDIS_URL,
        set_as_current=False,
    )
    app.conf.update(accept_content=["json"], task_serializer="json", result_serializer="json")
    queue = f"brace-test-datasources-{uuid.uuid4().hex}"
    with start_worker(
        app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[queue]
    ):
        yield Worker(app, queue)


def _expiring_in(token: OAuthToken, seconds: int) -> None:
    token.expires_at = timezone.now() + timedelta(seconds=seconds)
    token.save(update_fields=["expires_at"])


def test_the_task_refreshes_what_expires_within_5_minutes_and_records_failures(
    worker: Any, provider: Any, oauth_datasource: Any, authorize: Any
) -> None:
    # Hour-long tokens: the whole 5 minutes is within a quarter of their life.
    provider.set_access_token_lifetime(3600)
    soon = authorize(oauth_datasource("Soon"))
    later = authorize(oauth_datasource("Later"))
    broken = authorize(oauth_datasource("Broken"))
    _expiring_in(soon, 120)
    _expiring_in(later, 600)
    _expiring_in(broken, 60)
    OAuthToken.objects.filter(pk=broken.pk).update(refresh_token="spent")
    soon_access, later_access = soon.access_token, later.access_token

    result = worker.beat()

    assert (result["refreshed"], result["failed"]) == (1, 1)
    soon.refresh_from_db()
    later.refresh_from_db()
    broken.refresh_from_db()
    assert soon.access_token != soon_access
    assert soon.expires_at > timezone.now() + timedelta(minutes=4)
    assert later.access_token == later_access
    assert broken.status == TokenStatus.NEEDS_REAUTHORIZATION
    assert "invalid_grant" in broken.last_error
    assert broken.refresh_failures == 1


def test_a_provider_outage_is_recorded_on_the_token(
    worker: Any, provider: Any, oauth_datasource: Any, authorize: Any
) -> None:
    provider.set_access_token_lifetime(3600)
    token = authorize(oauth_datasource())
    _expiring_in(token, 120)
    provider.set_mode("error_500")

    result = worker.beat()

    assert (result["refreshed"], result["failed"]) == (0, 1)
    token.refresh_from_db()
    assert token.status == TokenStatus.ERROR
    assert token.refresh_failures == 1
    assert "HTTP 500" in token.last_error
    # The next beat leaves it alone for a minute, then retries; success clears the record.
    provider.set_mode("ok")
    provider.reset()
    provider.set_access_token_lifetime(3600)
    assert worker.beat() == {"refreshed": 0, "failed": 0, "states_purged": 0}
    assert provider.token_requests() == []
    OAuthToken.objects.filter(pk=token.pk).update(updated_at=timezone.now() - timedelta(seconds=61))
    assert worker.beat()["refreshed"] == 1
    token.refresh_from_db()
    assert (token.status, token.refresh_failures) == (TokenStatus.AUTHORIZED, 0)


def test_the_retry_delay_doubles_up_to_an_hour() -> None:
    from datasources.tokens import retry_delay

    minutes = [retry_delay(n) / timedelta(minutes=1) for n in (0, 1, 2, 3, 7, 8, 20)]
    assert minutes == [1, 1, 2, 4, 60, 60, 60]
