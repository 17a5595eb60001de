"""The portal applies what the runtime answers: changes, effects, handler errors, jobs.

Against `FakeRuntime` (tests/browser/fake_runtime.py): each test hands the
portal one answer shape from docs/runtime-api.md and checks what the end user sees.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from tests.browser.fake_runtime import (
    FORM_LAYOUT,
    FORM_WIDGETS,
    pick_a_file,
    widget,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_succeeded_job_applies_its_result_like_an_answer(portal: Any) -> None:
    page, runtime = portal()
    runtime.answers.append(
        {"jobs": [{"id": "j1", "action": "UploadFileToDropbox", "status": "queued"}]}
    )
    result = {
        "effects": [
            {"type": "storeValue", "key": "last", "value": "a.txt", "persist": True},
            {"type": "showAlert", "message": "Uploaded a.txt", "style": "success"},
        ],
        "widgets": {"Result": {"text": "Stored as /a.txt"}},
        "actions": {"UploadFileToDropbox": {"isLoading": False, "data": {"id": "x"}}},
        "errors": {},
        "store": {"last": "a.txt"},
        "jobs": [],
    }
    runtime.jobs["j1"] = [
        {"id": "j1", "status": "running", "progress": 0.5, "result": None, "error": None},
        {"id": "j1", "status": "succeeded", "progress": 1, "result": result, "error": None},
    ]

    pick_a_file(page)

    expect(page.locator(".toast.is-success")).to_have_text(re.compile("Uploaded a.txt"))
    expect(widget(page, "Result")).to_have_text("Stored as /a.txt")
    expect(page.get_by_role("progressbar")).to_have_count(0)
    assert runtime.jobs["j1"] == []
    assert runtime.loads == 1  # the result is the answer: no reload
    assert page.errors == []


def test_a_job_whose_handler_threw_shows_the_error(portal: Any) -> None:
    page, runtime = portal()
    runtime.answers.append({"jobs": [{"id": "j1", "status": "queued"}]})
    result = {
        "effects": [],
        "widgets": {},
        "errors": {},
        "error": {"code": "handler_error", "name": "TypeError", "message": "x is undefined"},
    }
    runtime.jobs["j1"] = [
        {"id": "j1", "status": "succeeded", "progress": 1, "result": result, "error": None}
    ]

    pick_a_file(page)

    expect(page.locator(".toast.is-error")).to_contain_text("TypeError: x is undefined")


def test_a_failed_job_shows_its_error_then_the_page_reloads(portal: Any) -> None:
    page, runtime = portal()
    runtime.answers.append({"jobs": [{"id": "j1", "status": "queued"}]})
    error = {"code": "invalid_file_reference", "message": "Pick the file again."}
    runtime.jobs["j1"] = [
        {"id": "j1", "status": "failed", "progress": 0, "result": None, "error": error}
    ]
    runtime.body["widgets"]["Result"]["text"] = "Reloaded"

    pick_a_file(page)

    expect(page.locator(".toast.is-error")).to_contain_text("Pick the file again.")
    expect(widget(page, "Result")).to_have_text("Reloaded")
    assert runtime.loads == 2


def test_a_handler_error_shows_after_the_effects_it_made(portal: Any) -> None:
    page, runtime = portal(layout=FORM_LAYOUT, widgets=FORM_WIDGETS)
    runtime.answers.append(
        {
            "effects": [{"type": "showAlert", "message": "Before", "style": "info"}],
            "widgets": {},
            "errors": {},
            "error": {"code": "handler_error", "name": "ReferenceError", "message": "y"},
        }
    )

    widget(page, "Send").get_by_role("button").click()

    expect(page.locator(".toast.is-info")).to_contain_text("Before")
    expect(page.locator(".toast.is-error")).to_have_text(re.compile(r"^ReferenceError: y"))
    assert page.errors == []


def test_store_and_modal_effects_are_applied_without_errors(portal: Any) -> None:
    page, runtime = portal(layout=FORM_LAYOUT, widgets=FORM_WIDGETS)
    messages: list[str] = []
    page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
    runtime.answers.append(
        {
            "effects": [
                {"type": "storeValue", "key": "a", "value": 1, "persist": True},
                {"type": "removeValue", "key": "a"},
                {"type": "clearStore"},
                {"type": "showModal", "name": "Modal1"},
                {"type": "closeModal", "name": "Modal1"},
                {"type": "showAlert", "message": "After the modals", "style": "info"},
            ],
            "widgets": {},
            "store": {},
        }
    )

    widget(page, "Send").get_by_role("button").click()

    expect(page.locator(".toast.is-info")).to_contain_text("After the modals")
    assert [m for m in messages if m.startswith(("warning", "error"))] == []
    assert any(m.startswith("debug") and "showModal" in m for m in messages), messages
    assert page.errors == []


def test_a_property_that_lost_its_value_shows_the_widgets_default(portal: Any) -> None:
    page, runtime = portal()
    lost = [{"name": "ReferenceError", "message": "Q is not defined", "binding": "{{Q}}"}]
    runtime.answers.append(
        {
            "effects": [],
            "widgets": {"Result": {"text": None}, "FilePicker1": {"label": None}},
            "errors": {"Result.text": lost, "FilePicker1.label": lost},
        }
    )

    pick_a_file(page)

    expect(widget(page, "Result").locator(".w-marker")).to_have_attribute(
        "title", "text: ReferenceError: Q is not defined"
    )
    expect(widget(page, "Result")).to_have_text("")
    expect(widget(page, "FilePicker1").get_by_role("button")).to_have_text("Select files")


def test_page_and_event_requests_send_the_pages_address(portal: Any, published: Any) -> None:
    page, runtime = portal(layout=FORM_LAYOUT, widgets=FORM_WIDGETS)

    widget(page, "Send").get_by_role("button").click()

    expect(widget(page, "Send").get_by_role("button")).to_be_enabled()
    assert len(runtime.urls) == 2  # the page, then the event
    address = quote(page.url, safe="")
    assert page.url.endswith(f"/apps/{published.pk}/")
    assert [url.split("?", 1)[1] for url in runtime.urls] == [f"url={address}"] * 2
