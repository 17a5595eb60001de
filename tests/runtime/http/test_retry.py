"""Retrying a session step: the policy on its own, then in the executor.

The clock and the dice are injected (``sleep`` records, ``random`` is
fixed), so nothing here waits. The same faults from a real peer (the test
provider's Dropbox endpoint: 429, 503, a dropped connection) are in
``tests/builder/execution/test_upload_retries.py``; here an
``httpx.MockTransport`` plays Dropbox for what the provider does not do (a
timeout, a Retry-After past the deadline).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from runtime.http import InvalidActionConfigError, RetryAfterTooLongError, RetryPolicy
from runtime.http.deadline import Deadline
from runtime.http.retry import (
    DEFAULT_ATTEMPTS,
    is_retryable_error,
    is_retryable_status,
    parse_retry_after,
)

from .test_dropbox_upload_session import CHUNK, Peer, run, steps

NOW = datetime(2026, 12, 5, 7, 0, 0, tzinfo=UTC)
REQUEST = httpx.Request("POST", "https://content.dropboxapi.test/2/files/upload_session/append_v2")


def policy(slept: list[float], *, dice: float = 0.5, **settings: float) -> RetryPolicy:
    return RetryPolicy(sleep=slept.append, draw=lambda: dice, now=lambda: NOW, **settings)  # type: ignore[arg-type]


def answers(*items: httpx.Response | Exception) -> tuple[list[int], object]:
    """A send_once that gives ``items`` in turn; the list of the calls it had."""
    calls: list[int] = []

    def send_once() -> httpx.Response:
        calls.append(len(calls) + 1)
        item = items[len(calls) - 1]
        if isinstance(item, Exception):
            raise item
        return item

    return calls, send_once


def status(code: int, **headers: str) -> httpx.Response:
    return httpx.Response(code, headers=headers, request=REQUEST)


# Retry-After


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("0", 0.0),
        ("7", 7.0),
        (" 120 ", 120.0),
        (format_datetime(NOW + timedelta(seconds=42), usegmt=True), 42.0),  # IMF-fixdate
        ("Saturday, 05-Dec-26 07:00:10 GMT", 10.0),  # RFC 850
        ("Sat Dec  5 07:00:03 2026", 3.0),  # asctime
        (format_datetime(NOW - timedelta(minutes=5), usegmt=True), 0.0),  # already past
    ],
)
def test_retry_after_is_seconds_or_an_http_date(value: str, seconds: float) -> None:
    assert parse_retry_after(value, NOW) == pytest.approx(seconds)


@pytest.mark.parametrize("value", [None, "", "soon", "-5", "1.5", "٣", "Mon, 99 Foo 2026"])
def test_an_unreadable_retry_after_is_none(value: str | None) -> None:
    assert parse_retry_after(value, NOW) is None


# What is retried


@pytest.mark.parametrize("code", [429, 500, 502, 503, 504])
def test_429_and_5xx_are_retried(code: int) -> None:
    assert is_retryable_status(code)


@pytest.mark.parametrize("code", [200, 400, 401, 403, 404, 409, 413, 422])
def test_other_answers_are_not(code: int) -> None:
    assert not is_retryable_status(code)


def test_connection_failures_are_retried_and_timeouts_are_not() -> None:
    assert is_retryable_error(httpx.ConnectError("refused"))
    assert is_retryable_error(httpx.RemoteProtocolError("Server disconnected"))
    assert is_retryable_error(httpx.WriteError("broken pipe"))
    assert not is_retryable_error(httpx.ReadTimeout("slow"))
    assert not is_retryable_error(httpx.ConnectTimeout("slow"))


# Backoff


def test_the_backoff_doubles_from_the_base_up_to_the_cap_times_the_dice() -> None:
    slept: list[float] = []
    retry = policy(slept, dice=1.0, base_delay_s=0.5, max_delay_s=3.0)
    assert [retry.backoff(n) for n in range(1, 7)] == [0.5, 1.0, 2.0, 3.0, 3.0, 3.0]


@pytest.mark.parametrize("retry_number", [1, 2, 5, 12])
def test_full_jitter_stays_between_zero_and_the_ceiling(retry_number: int) -> None:
    ceiling = min(30.0, 0.5 * 2 ** (retry_number - 1))
    for dice in (0.0, 0.25, 0.999999):
        wait = policy([], dice=dice).backoff(retry_number)
        assert 0.0 <= wait <= ceiling
        assert wait == pytest.approx(dice * ceiling)


def test_the_default_random_draws_within_the_ceiling() -> None:
    retry = RetryPolicy(base_delay_s=1.0, max_delay_s=4.0)
    waits = [retry.backoff(3) for _ in range(200)]
    assert all(0.0 <= wait <= 4.0 for wait in waits)
    assert len(set(waits)) > 1  # jittered, not fixed


# The loop


def test_a_5xx_is_sent_again_after_the_backoff_until_it_succeeds() -> None:
    slept: list[float] = []
    calls, send_once = answers(status(503), status(502), status(200))
    retries: list[int] = []
    response = policy(slept, dice=1.0).send(
        send_once,  # type: ignore[arg-type]
        Deadline(60),
        on_retry=lambda: retries.append(1),
    )
    assert response.status_code == 200
    assert calls == [1, 2, 3]
    assert slept == [0.5, 1.0]
    assert len(retries) == 2


def test_retry_after_is_honoured_instead_of_the_backoff() -> None:
    slept: list[float] = []
    date = format_datetime(NOW + timedelta(seconds=9), usegmt=True)
    _, send_once = answers(
        status(429, **{"Retry-After": "3"}), status(503, **{"Retry-After": date}), status(200)
    )
    response = policy(slept, dice=0.0).send(send_once, Deadline(60))  # type: ignore[arg-type]
    assert response.status_code == 200
    assert slept == [3.0, 9.0]


def test_retry_after_is_capped() -> None:
    slept: list[float] = []
    _, send_once = answers(status(429, **{"Retry-After": "50"}), status(200))
    policy(slept, max_delay_s=20.0).send(send_once, Deadline(120))  # type: ignore[arg-type]
    assert slept == [20.0]


def test_a_retry_after_past_the_deadline_fails_at_once() -> None:
    slept: list[float] = []
    calls, send_once = answers(status(429, **{"Retry-After": "600"}), status(200))
    with pytest.raises(RetryAfterTooLongError) as caught:
        policy(slept).send(send_once, Deadline(30))  # type: ignore[arg-type]
    assert calls == [1] and slept == []
    assert caught.value.retry_after_s == 600
    assert 0 < caught.value.remaining_s <= 30
    assert "asked to retry after 600 s" in caught.value.message
    assert caught.value.code == "retry_after_too_long"


def test_a_backoff_past_the_deadline_gives_the_last_answer() -> None:
    slept: list[float] = []
    _, send_once = answers(status(503), status(200))
    response = policy(slept, dice=1.0, base_delay_s=10.0).send(send_once, Deadline(5))  # type: ignore[arg-type]
    assert response.status_code == 503 and slept == []


@pytest.mark.parametrize("code", [400, 401, 403, 404, 409])
def test_other_4xx_are_never_retried(code: int) -> None:
    slept: list[float] = []
    calls, send_once = answers(status(code), status(200))
    response = policy(slept).send(send_once, Deadline(60))  # type: ignore[arg-type]
    assert response.status_code == code
    assert calls == [1] and slept == []


def test_after_the_last_attempt_the_last_answer_stands() -> None:
    slept: list[float] = []
    calls, send_once = answers(*[status(503)] * 3, status(200))
    response = policy(slept, attempts=3).send(send_once, Deadline(60))  # type: ignore[arg-type]
    assert response.status_code == 503
    assert calls == [1, 2, 3] and len(slept) == 2


def test_a_dropped_connection_is_retried_and_the_last_one_raised() -> None:
    slept: list[float] = []
    dropped = httpx.RemoteProtocolError("Server disconnected without sending a response.")
    calls, send_once = answers(dropped, status(200))
    assert policy(slept).send(send_once, Deadline(60)).status_code == 200  # type: ignore[arg-type]
    assert calls == [1, 2]

    calls, send_once = answers(dropped, dropped)
    with pytest.raises(httpx.RemoteProtocolError):
        policy([], attempts=2).send(send_once, Deadline(60))  # type: ignore[arg-type]
    assert calls == [1, 2]


def test_a_timeout_is_not_retried() -> None:
    slept: list[float] = []
    calls, send_once = answers(httpx.ReadTimeout("slow"), status(200))
    with pytest.raises(httpx.ReadTimeout):
        policy(slept).send(send_once, Deadline(60))  # type: ignore[arg-type]
    assert calls == [1] and slept == []


def test_one_attempt_never_retries() -> None:
    calls, send_once = answers(status(503), status(200))
    assert RetryPolicy(attempts=1).send(send_once, Deadline(60)).status_code == 503  # type: ignore[arg-type]
    assert calls == [1]


# Settings


def test_the_defaults() -> None:
    retry = RetryPolicy()
    assert (retry.attempts, retry.base_delay_s, retry.max_delay_s) == (DEFAULT_ATTEMPTS, 0.5, 30.0)


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"attempts": 0}, "attempts"),
        ({"attempts": 21}, "attempts"),
        ({"attempts": True}, "attempts"),
        ({"base_delay_s": -1}, "base_delay_s"),
        ({"max_delay_s": 601}, "max_delay_s"),
        ({"base_delay_s": 5, "max_delay_s": 1}, "max_delay_s"),
    ],
)
def test_bad_settings_are_refused_naming_the_field(settings: dict[str, float], field: str) -> None:
    with pytest.raises(InvalidActionConfigError) as caught:
        RetryPolicy(**settings)  # type: ignore[arg-type]
    assert caught.value.field == field


# In the executor: each session step is retried, with the same bytes


def test_a_step_answered_503_is_sent_again_with_the_same_bytes() -> None:
    content = os.urandom(2 * CHUNK + 7)
    peer = Peer()
    peer.overrides[("append_v2", 1)] = lambda: httpx.Response(503, text="busy")
    slept: list[float] = []
    result = run(peer, content, retry=policy(slept))
    assert result.error is None
    assert steps(peer) == ["start", "append_v2", "append_v2", "finish"]
    assert peer.seen[1][1] == peer.seen[2][1]  # the same cursor
    assert peer.seen[1][2] == peer.seen[2][2] == CHUNK
    assert bytes(peer.data) == content
    assert len(slept) == 1
    assert result.request.body["upload_session"]["requests"] == 4
    assert result.request.body["upload_session"]["retries"] == 1


def test_a_retry_after_past_the_timeout_fails_the_run_clearly() -> None:
    peer = Peer()
    peer.overrides[("append_v2", 1)] = lambda: httpx.Response(
        429, headers={"Retry-After": "3600"}, json={"error_summary": "too_many_requests/"}
    )
    slept: list[float] = []
    result = run(peer, os.urandom(2 * CHUNK + 1), retry=policy(slept), timeout_s=60)
    assert result.is_execution_success is False
    assert result.error.code == "retry_after_too_long"
    assert result.error.retryable is True
    assert "3600 s" in result.error.message and "timeout of 60 s" in result.error.message
    assert result.status_code == 429
    assert steps(peer) == ["start", "append_v2"] and slept == []


@pytest.mark.parametrize("code", [400, 403, 409])
def test_a_step_refused_with_another_4xx_is_not_sent_again(code: int) -> None:
    peer = Peer()
    peer.overrides[("append_v2", 1)] = lambda: httpx.Response(code, json={"error": {".tag": "x"}})
    slept: list[float] = []
    result = run(peer, os.urandom(2 * CHUNK + 1), retry=policy(slept))
    assert result.status_code == code and result.error.code == "http_status"
    assert steps(peer) == ["start", "append_v2"] and slept == []


def test_a_connection_dropped_at_every_attempt_is_the_result() -> None:
    peer = Peer()

    def dropped() -> httpx.Response:
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.")

    for attempt in (1, 2, 3):
        peer.overrides[("append_v2", attempt)] = dropped
    slept: list[float] = []
    result = run(peer, os.urandom(2 * CHUNK + 1), retry=policy(slept, attempts=3))
    assert result.error.code == "protocol_error"
    assert result.status_code is None  # not start's 200
    assert steps(peer) == ["start", "append_v2", "append_v2", "append_v2"]
    assert len(slept) == 2
    assert result.request.body["upload_session"] == {
        "protocol": "dropbox_upload_session",
        "requests": 4,
        "retries": 2,
    }


def test_a_step_that_times_out_is_not_sent_again() -> None:
    peer = Peer()

    def slow() -> httpx.Response:
        raise httpx.ReadTimeout("timed out")

    peer.overrides[("append_v2", 1)] = slow
    slept: list[float] = []
    result = run(peer, os.urandom(2 * CHUNK + 1), retry=policy(slept))
    assert result.error.code == "timeout"
    assert steps(peer) == ["start", "append_v2"] and slept == []


def test_a_request_sent_as_one_is_never_retried() -> None:
    peer = Peer()
    peer.overrides[("upload", 1)] = lambda: httpx.Response(503, text="busy")
    slept: list[float] = []
    result = run(peer, os.urandom(100), retry=policy(slept))
    assert result.status_code == 503
    assert steps(peer) == ["upload"] and slept == []
