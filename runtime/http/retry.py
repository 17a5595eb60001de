"""Retrying one step of a chunked upload: which failures, and how long to wait.

A session of a hundred requests is a hundred chances for a passing fault (a
rate limit, a restarting backend, a dropped connection); failing a 2 GB
upload at chunk 97 for one of them would waste the 96 before it. So each
session step (``HttpExecutor`` wraps the protocol's ``Sender``) is retried:

* a 429 or any 5xx answer (RFC 9110 §15.6: the server failed, not the request);
* a transport error other than a timeout: a refused or reset connection, a
  peer that closed without answering. A timeout is not retried: each request
  may take what is left of the run's deadline, so after one nothing is left;
* never another 4xx. 400, 403, 404 and 409 say the request itself is wrong,
  and sending it again gets the same answer (Dropbox's ``incorrect_offset``
  409 is the protocol's to follow). A 401 is the auth's: it refreshes the
  token once and re-sends (``datasources.auth``), under this loop.

The wait before retry ``n`` (1, 2...) is "full jitter": uniform in
``[0, min(max_delay_s, base_delay_s * 2**(n-1))]``, so that clients a fault
hit together do not come back together. A ``Retry-After`` (RFC 9110
§10.2.3: seconds, or an HTTP-date) is honoured instead, up to ``max_delay_s``;
one longer than what is left of the run's deadline fails the run at once
(``RetryAfterTooLongError``) rather than wait for a timeout.

Resending is safe: a step's body is a ``FileByteStream.part``, which reopens
the file at the chunk's offset on every pass, so a retried step carries the
same bytes. If the peer stored an append whose answer was lost, the resent
one is answered ``incorrect_offset`` and the protocol goes on from the offset
the peer holds.
"""

from __future__ import annotations

import email.utils
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from runtime.http.deadline import Deadline
from runtime.http.errors import InvalidActionConfigError, RetryAfterTooLongError

__all__ = [
    "DEFAULT_ATTEMPTS",
    "DEFAULT_BASE_DELAY_S",
    "DEFAULT_MAX_DELAY_S",
    "MAX_ATTEMPTS",
    "RetryPolicy",
    "is_retryable_error",
    "is_retryable_status",
    "parse_retry_after",
]

logger = logging.getLogger(__name__)

DEFAULT_ATTEMPTS = 5
DEFAULT_BASE_DELAY_S = 0.5
DEFAULT_MAX_DELAY_S = 30.0
# More would only hold a worker on a peer that is down, not up.
MAX_ATTEMPTS = 20
# One wait longer than this is a setting's typo (ms for s), not a policy.
MAX_DELAY_LIMIT_S = 600.0


def _utc_now() -> datetime:
    return datetime.now(UTC)


def is_retryable_status(status: int) -> bool:
    """429 and every 5xx: the server could not take the request now."""
    return status == 429 or 500 <= status <= 599


def is_retryable_error(error: httpx.TransportError) -> bool:
    """A transport error other than a timeout (which leaves no deadline to retry in)."""
    return not isinstance(error, httpx.TimeoutException)


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (RFC 9110 §10.2.3), or None.

    ``delay-seconds`` is one or more digits; anything else is an HTTP-date
    (IMF-fixdate, or the obsolete RFC 850 and asctime forms), counted from
    ``now`` (timezone-aware) and never negative. None when absent or
    unreadable: the backoff applies instead.
    """
    if value is None:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        return float(int(text))
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000" and asctime dates: HTTP-dates are GMT
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a session step is sent again (see the module docstring).

    ``attempts`` counts every send of a step, the first included (1: never
    retry). ``sleep``, ``draw`` (uniform in [0, 1)) and ``now`` are the clock
    and the dice, injectable so that tests neither wait nor guess. Raises
    ``InvalidActionConfigError`` whose ``field`` names the bad value.
    """

    attempts: int = DEFAULT_ATTEMPTS
    base_delay_s: float = DEFAULT_BASE_DELAY_S
    max_delay_s: float = DEFAULT_MAX_DELAY_S
    sleep: Callable[[float], None] = time.sleep
    draw: Callable[[], float] = random.random
    now: Callable[[], datetime] = _utc_now

    def __post_init__(self) -> None:
        if isinstance(self.attempts, bool) or not 1 <= self.attempts <= MAX_ATTEMPTS:
            raise InvalidActionConfigError(
                f"must be a whole number from 1 (never retry) to {MAX_ATTEMPTS}; "
                f"got {self.attempts!r}",
                field="attempts",
            )
        for name in ("base_delay_s", "max_delay_s"):
            value = getattr(self, name)
            if isinstance(value, bool) or not 0 <= value <= MAX_DELAY_LIMIT_S:
                raise InvalidActionConfigError(
                    f"must be from 0 to {MAX_DELAY_LIMIT_S:g} seconds; got {value!r}", field=name
                )
        if self.max_delay_s < self.base_delay_s:
            raise InvalidActionConfigError(
                f"must be at least the base delay ({self.base_delay_s:g} s); "
                f"got {self.max_delay_s:g}",
                field="max_delay_s",
            )

    def backoff(self, retry: int) -> float:
        """The jittered wait before retry number ``retry`` (1 for the first)."""
        ceiling = min(self.max_delay_s, self.base_delay_s * 2.0 ** (retry - 1))
        return self.draw() * ceiling

    def send(
        self,
        send_once: Callable[[], httpx.Response],
        deadline: Deadline,
        *,
        on_retry: Callable[[], None] | None = None,
    ) -> httpx.Response:
        """``send_once()`` until it answers something not to retry, or the policy gives up.

        Giving up returns the last answer (a 429, a 503: the run's result, as
        a single request's would be) or raises the last transport error.
        A wait that would outlast the deadline gives up at once: for a
        ``Retry-After``, with ``RetryAfterTooLongError``. ``on_retry`` is
        called before each wait (the executor counts retries).
        """
        retry = 0
        while True:
            retry += 1
            last_attempt = retry >= self.attempts
            try:
                response = send_once()
            except httpx.TransportError as error:
                if last_attempt or not is_retryable_error(error):
                    raise
                wait = self.backoff(retry)
                if wait >= deadline.remaining():
                    raise
                reason = type(error).__name__
            else:
                if last_attempt or not is_retryable_status(response.status_code):
                    return response
                wait, asked = self._wait_for(response, retry)
                remaining = deadline.remaining()
                if asked is not None and asked > remaining:
                    raise RetryAfterTooLongError(
                        f"the upstream answered {response.status_code} and asked to retry after "
                        f"{asked:g} s, more than the {remaining:.0f} s left of the timeout of "
                        f"{deadline.timeout_s:g} s; try again later",
                        retry_after_s=asked,
                        remaining_s=remaining,
                    )
                if wait >= remaining:
                    return response
                response.close()
                reason = str(response.status_code)
            logger.info("upload session step: %s; retry %d in %.2f s", reason, retry, wait)
            if on_retry is not None:
                on_retry()
            self.sleep(wait)

    def _wait_for(self, response: httpx.Response, retry: int) -> tuple[float, float | None]:
        """The wait before retrying ``response``, and the ``Retry-After`` it asked (or None)."""
        asked = parse_retry_after(response.headers.get("Retry-After"), self.now())
        if asked is None:
            return self.backoff(retry), None
        return min(asked, self.max_delay_s), asked
