"""A background run in the portal: its bar in the FilePicker that started it, then its outcome.

Against `FakeRuntime` (tests/browser/fake_runtime.py), which answers each
poll of `jobs/{id}/` with the next state the test queued; the real worker,
Redis and Dropbox upload session are in test_large_upload.py.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.fake_runtime import pick_a_file, widget

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MB = 1024 * 1024
TOTAL = 300 * MB


def line(status: str, progress: float = 0.0, **more: Any) -> dict[str, Any]:
    return {
        "id": "j1",
        "action": "UploadFileToDropbox",
        "widget": "FilePicker1",
        "file_names": ["a.txt"],
        "status": status,
        "progress": progress,
        "bytes_done": round(progress * TOTAL),
        "total_bytes": TOTAL,
        "result": None,
        "error": None,
        **more,
    }


def bar(page: Any) -> Any:
    return widget(page, "FilePicker1").get_by_role("progressbar", name="Uploading a.txt")


RESULT = {
    "effects": [{"type": "showAlert", "message": "Uploaded a.txt", "style": "success"}],
    "widgets": {"Result": {"text": "Stored as /a.txt"}},
    "actions": {
        "UploadFileToDropbox": {
            "isLoading": False,
            "data": {"id": "x"},
            "responseMeta": {"statusCode": 200, "isExecutionSuccess": True},
        }
    },
    "errors": {},
    "jobs": [],
}


def test_the_bar_shows_percent_and_bytes_then_the_outcome(portal: Any) -> None:
    page, runtime = portal()
    runtime.answers.append({"jobs": [line("queued")]})
    runtime.jobs["j1"] = [line("queued"), *[line("running", 0.42)] * 3]
    runtime.jobs["j1"].append(line("succeeded", 1.0, result=RESULT))

    pick_a_file(page)

    expect(bar(page)).to_have_text("Waiting to start · 300 MB")
    expect(bar(page)).not_to_have_attribute("aria-valuenow", re.compile("."))
    # Picking again would replace the files the run sends: not until it ends.
    choose = page.get_by_role("button", name="Select a file")
    expect(choose).to_be_disabled()
    expect(choose).to_have_attribute("aria-busy", "true")
    expect(bar(page)).to_have_attribute("aria-valuenow", "42")
    expect(bar(page)).to_have_text("42% · 126 MB of 300 MB")
    expect(bar(page)).to_have_attribute("aria-valuetext", "42% · 126 MB of 300 MB")
    outcome = widget(page, "FilePicker1").get_by_role("status")
    expect(outcome).to_have_text("Uploaded a.txt")
    expect(choose).to_be_enabled()
    expect(bar(page)).to_have_count(0)
    expect(widget(page, "Result")).to_have_text("Stored as /a.txt")
    assert runtime.jobs["j1"] == []
    assert page.errors == []


def test_a_failed_run_says_why_in_the_picker(portal: Any) -> None:
    page, runtime = portal()
    runtime.answers.append({"jobs": [line("queued")]})
    error = {"code": "invalid_file_reference", "message": "Pick the file again."}
    runtime.jobs["j1"] = [line("running", 0.1), line("failed", 0.1, error=error)]

    pick_a_file(page)

    expect(widget(page, "FilePicker1").get_by_role("alert")).to_have_text(
        "Upload of a.txt failed: Pick the file again."
    )
    expect(page.locator(".toast.is-error")).to_contain_text("Pick the file again.")
    expect(bar(page)).to_have_count(0)


def test_an_upload_the_api_refused_is_not_called_uploaded(portal: Any) -> None:
    page, runtime = portal()
    runtime.answers.append({"jobs": [line("queued")]})
    refused = {
        **RESULT,
        "actions": {"UploadFileToDropbox": {"responseMeta": {"isExecutionSuccess": False}}},
    }
    runtime.jobs["j1"] = [line("succeeded", 1.0, result=refused)]

    pick_a_file(page)

    expect(widget(page, "FilePicker1").get_by_role("alert")).to_have_text("Upload of a.txt failed")


def test_a_cancelled_run_is_shown_as_such_and_the_page_reloads(portal: Any) -> None:
    page, runtime = portal()
    runtime.answers.append({"jobs": [line("queued")]})
    runtime.jobs["j1"] = [line("cancelled", 0.3)]
    runtime.body["widgets"]["Result"]["text"] = "Reloaded"

    pick_a_file(page)

    expect(widget(page, "FilePicker1").get_by_role("alert")).to_have_text(
        "Upload of a.txt was cancelled"
    )
    expect(widget(page, "Result")).to_have_text("Reloaded")
    assert runtime.loads == 2


def test_a_reloaded_page_follows_the_runs_it_lists(portal: Any) -> None:
    page, runtime = portal()
    runtime.body["jobs"] = [line("running", 0.5)]
    runtime.jobs["j1"] = [*[line("running", 0.5)] * 3, line("succeeded", 1.0, result=RESULT)]

    page.reload()

    expect(bar(page)).to_have_text("50% · 150 MB of 300 MB")
    expect(widget(page, "FilePicker1").get_by_role("status")).to_have_text("Uploaded a.txt")


def test_a_run_without_a_widget_slot_shows_in_the_page_list(portal: Any) -> None:
    page, runtime = portal()
    runtime.answers.append({"jobs": [line("queued", widget="Gone")]})
    runtime.jobs["j1"] = [*[line("running", 0.25, widget="Gone")] * 3]
    runtime.jobs["j1"].append(line("succeeded", 1.0, widget="Gone", result=RESULT))

    pick_a_file(page)

    listed = page.locator("#jobs").get_by_role("progressbar", name="Uploading a.txt")
    expect(listed).to_have_text("25% · 75 MB of 300 MB")
    expect(page.locator("#jobs").get_by_role("status")).to_have_text("Uploaded a.txt")


def test_a_job_that_is_gone_ends_its_bar_with_the_error(portal: Any) -> None:
    page, runtime = portal()
    runtime.answers.append({"jobs": [line("queued")]})
    gone = {"code": "not_found", "message": "Not found."}
    page.route("**/api/v1/runtime/jobs/j1/", lambda route: route.fulfill(status=404, json=gone))

    pick_a_file(page)

    expect(widget(page, "FilePicker1").get_by_role("alert")).to_have_text(
        "Upload of a.txt failed: Not found."
    )
    expect(page.locator(".toast.is-error")).to_contain_text("Not found.")
    expect(bar(page)).to_have_count(0)


def test_a_failed_poll_is_tried_again(portal: Any) -> None:
    page, runtime = portal()
    runtime.answers.append({"jobs": [line("queued")]})
    runtime.jobs["j1"] = [line("succeeded", 1.0, result=RESULT)]
    polls: list[int] = []

    def flaky(route: Any) -> None:
        polls.append(1)
        if len(polls) == 1:
            route.fulfill(status=503, json={"code": "unavailable", "message": "Busy."})
        else:
            route.fallback()

    page.route("**/api/v1/runtime/jobs/j1/", flaky)

    pick_a_file(page)

    expect(widget(page, "FilePicker1").get_by_role("status")).to_have_text("Uploaded a.txt")
    assert len(polls) == 2
    expect(page.locator(".toast.is-error")).to_have_count(0)
