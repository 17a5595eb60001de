"""The real portal past BRACE_PORTAL_EVENT_RATE: the refusal is said under the widget the
end user used, what they typed stays on screen and reaches the server after the wait, and
the page's own page-load queries wait their turn and then run."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from builder.api.errors import render
from builder.throttles import too_many_actions
from tests.browser.conftest import SCREENSHOTS
from tests.browser.fake_runtime import FORM_LAYOUT, node, widget

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REFUSED = re.compile(r"^Too many actions at once\. Try again in \d+ seconds?\.$")
# The server's own 429 for a 1-second wait, for the tests that cannot sit out a minute.
REFUSED_FOR_1_S = render(too_many_actions(1))


def publish(published: Any, members: dict[str, Any]) -> None:
    from builder.services.applications import publish_application
    from builder.services.pages import update_page

    layout = json.loads(json.dumps(FORM_LAYOUT))
    layout["children"] = [
        node("NameInput", "Input", 2, 2, 30, 7, label="Your name"),
        node("Send", "Button", 34, 4, 12, 4, text="Send", onClick="{{showAlert('Sent')}}"),
        node("Greeting", "Text", 2, 14, 40, 4, text="{{'Hello ' + NameInput.text}}"),
    ]
    update_page(page=published.pages.get(name="Page1"), layout=layout)
    publish_application(application=published, user=members["developer"])


def test_a_refused_click_is_said_under_the_button_and_the_typed_text_stays(
    new_page: Any, members: dict[str, Any], published: Any, settings: Any
) -> None:
    settings.BRACE_PORTAL_EVENT_RATE = "1/min"  # the live server reads it per request
    publish(published, members)
    page = new_page(members["viewer"])
    page.goto(f"/apps/{published.pk}/")
    field = widget(page, "NameInput").get_by_label("Your name")
    field.fill("Ann")
    expect(widget(page, "Greeting")).to_have_text("Hello Ann")  # the one action allowed

    page.get_by_role("button", name="Send").click()

    notice = widget(page, "Send").get_by_role("alert")
    expect(notice).to_have_text(REFUSED)
    expect(field).to_have_value("Ann")
    expect(widget(page, "Greeting")).to_have_text("Hello Ann")
    expect(page.get_by_role("button", name="Send")).to_be_enabled()
    expect(page.get_by_text("Sent", exact=True)).to_have_count(0)  # the handler did not run
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "test_portal_rate_limit-refused.png"), full_page=True)
    assert page.errors == []


def test_typing_refused_for_now_is_sent_once_the_wait_is_over(
    new_page: Any, members: dict[str, Any], published: Any
) -> None:
    publish(published, members)
    page = new_page(members["viewer"])
    sent: list[Any] = []

    def first_refused(route: Any) -> None:
        sent.append(route.request.post_data_json)
        if len(sent) == 1:
            route.fulfill(status=429, headers={"Retry-After": "1"}, json=REFUSED_FOR_1_S)
        else:
            route.continue_()

    page.route("**/api/v1/runtime/pages/*/events/*", first_refused)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(f"/apps/{published.pk}/")
    field = widget(page, "NameInput").get_by_label("Your name")

    field.fill("Bob")

    expect(widget(page, "NameInput").get_by_role("alert")).to_have_text(REFUSED_FOR_1_S["message"])
    expect(field).to_have_value("Bob")
    page.screenshot(path=str(SCREENSHOTS / "test_portal_rate_limit-typing.png"), full_page=True)
    # After the wait the text goes to the server on its own (meta only, no handler).
    expect(widget(page, "Greeting")).to_have_text("Hello Bob")
    assert sent[1] == {"widget": "NameInput", "event": "", "meta": {"text": "Bob"}}
    assert len(sent) == 2
    assert page.errors == []


def test_a_refused_page_load_runs_once_the_wait_is_over(
    new_page: Any, members: dict[str, Any], published: Any, upstream: Any
) -> None:
    from builder.models import Action
    from builder.services.applications import publish_application
    from builder.services.pages import update_page
    from datasources.models import Datasource

    api = Datasource.objects.create(workspace=published.workspace, name="Echo", url=upstream.url)
    page_row = published.pages.get(name="Page1")
    Action.objects.create(page=page_row, name="Api1", datasource=api, config={"path": "greeting"})
    layout = json.loads(json.dumps(FORM_LAYOUT))
    layout["children"] = [
        node("Shown", "Text", 2, 2, 40, 4, text="{{Api1.data ? Api1.data.path : 'none'}}")
    ]
    update_page(page=page_row, layout=layout)
    publish_application(application=published, user=members["developer"])
    page = new_page(members["viewer"])
    loads: list[Any] = []

    def first_refused(route: Any) -> None:
        loads.append(route.request.url)
        if len(loads) == 1:
            route.fulfill(status=429, headers={"Retry-After": "1"}, json=REFUSED_FOR_1_S)
        else:
            route.continue_()

    page.route("**/api/v1/runtime/pages/*/load/*", first_refused)

    page.goto(f"/apps/{published.pk}/")

    expect(page.get_by_role("status").filter(has_text="Too many actions at once")).to_be_visible()
    expect(widget(page, "Shown")).to_have_text("/greeting")
    expect(widget(page, "Shown")).to_have_attribute("aria-busy", "false")
    assert len(loads) == 2
    assert [request.path for request in upstream.received] == ["/greeting"]
    assert page.errors == []
