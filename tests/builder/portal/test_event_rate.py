"""BRACE_PORTAL_EVENT_RATE: portal events and page loads per user, 429 with `Retry-After`."""

from __future__ import annotations

from typing import Any

import pytest

from builder.throttles import too_many_actions
from tests.builder.helpers import assert_error, layout, widget
from tests.builder.portal.support import answer, fire, page_url, publish_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def input_page(page: Any, members: dict[str, Any], settings: Any) -> Any:
    settings.BRACE_PORTAL_EVENT_RATE = "2/min"
    echo = widget("Echo", "Text", {"text": "{{ Input1.text }}"})
    return publish_page(page, members["developer"], layout(widget("Input1", "Input", {}), echo))


def test_past_the_rate_an_event_answers_429_with_retry_after(
    client_as: Any, input_page: Any
) -> None:
    viewer = client_as("viewer")
    for text in ("a", "b"):
        answer(fire(viewer, input_page, "Input1", "", {"text": text}))

    refused = fire(viewer, input_page, "Input1", "", {"text": "c"})

    body = assert_error(refused, 429, "too_many_actions")
    wait = int(refused["Retry-After"])
    assert 1 <= wait <= 60
    assert body == {
        "code": "too_many_actions",
        "message": f"Too many actions at once. Try again in {wait} seconds.",
    }
    # Refused before anything ran: the session still holds what was sent last.
    page = answer(viewer.get(page_url(input_page)))
    assert page["widgets"]["Echo"]["text"] == "b"


def test_another_user_is_not_held_back(client_as: Any, input_page: Any) -> None:
    viewer, developer = client_as("viewer"), client_as("developer")
    for _ in range(2):
        answer(fire(viewer, input_page, "Input1", "", {"text": "a"}))
    assert fire(viewer, input_page, "Input1", "", {"text": "a"}).status_code == 429

    assert fire(developer, input_page, "Input1", "", {"text": "mine"}).status_code == 200
    assert answer(developer.post(f"{page_url(input_page)}load/", {}, format="json")) is not None


def test_page_loads_count_with_events_and_reading_the_page_does_not(
    client_as: Any, input_page: Any
) -> None:
    viewer = client_as("viewer")
    load = f"{page_url(input_page)}load/"
    for _ in range(2):
        assert viewer.post(load, {}, format="json").status_code == 200

    assert_error(viewer.post(load, {}, format="json"), 429, "too_many_actions")
    assert_error(fire(viewer, input_page, "Input1", "", {"text": "x"}), 429, "too_many_actions")
    assert viewer.get(page_url(input_page)).status_code == 200


def test_the_wait_is_whole_seconds_and_said_right() -> None:
    assert (too_many_actions(0.2).retry_after, str(too_many_actions(0.2))) == (
        1,
        "Too many actions at once. Try again in 1 second.",
    )
    assert too_many_actions(None).retry_after == 1
    assert str(too_many_actions(11.1)) == "Too many actions at once. Try again in 12 seconds."
