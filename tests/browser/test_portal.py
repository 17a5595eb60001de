"""The published portal in Chromium.

Most tests stand in for the runtime API with `FakeRuntime` (tests/browser/fake_runtime.py),
so they check what the browser does with each part of the contract (layout,
evaluated values, errors, effects, uploads); the `test_the_real_runtime_*`
tests run against the real one. What the portal does with an answer's
changes, handler errors and jobs is in test_portal_answers.py.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.fake_runtime import (
    FORM_LAYOUT,
    FORM_WIDGETS,
    SEED_WIDGETS,
    UPLOADED,
    node,
    seed_layout,
    widget,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_REFERRER = {"referrer-policy": "no-referrer"}


def test_the_seed_page_renders_on_the_grid(portal: Any) -> None:
    page, _ = portal()

    expect(widget(page, "Title")).to_have_text("Upload your profile")
    expect(widget(page, "FilePicker1").get_by_role("button")).to_have_text("Select a file")
    expect(widget(page, "Result")).to_have_text("Nothing uploaded yet")
    canvas = widget(page, "MainContainer").bounding_box()
    title = widget(page, "Title").bounding_box()
    picker = widget(page, "FilePicker1").bounding_box()
    result = widget(page, "Result").bounding_box()
    column = canvas["width"] / 64
    assert title["x"] - canvas["x"] == pytest.approx(2 * column, abs=1.5)
    assert picker["width"] == pytest.approx(20 * column, abs=1.5)
    assert (title["y"], picker["y"], result["y"]) == (
        pytest.approx(canvas["y"] + 10, abs=1.5),
        pytest.approx(canvas["y"] + 60, abs=1.5),
        pytest.approx(canvas["y"] + 110, abs=1.5),
    )
    assert page.errors == []


def test_text_is_never_parsed_as_html(portal: Any) -> None:
    widgets = json.loads(json.dumps(SEED_WIDGETS))
    widgets["Result"]["text"] = "<img src=x onerror=\"document.title='owned'\"> & <b>bold</b>"
    page, _ = portal(widgets=widgets)

    expect(widget(page, "Result")).to_have_text(widgets["Result"]["text"])
    expect(widget(page, "Result").locator("img, b")).to_have_count(0)
    assert page.title() != "owned"


def test_binding_errors_show_a_marker_with_the_message(portal: Any) -> None:
    errors = {
        "Result.text": [
            {"name": "ReferenceError", "message": "nope is not defined", "binding": "{{nope}}"}
        ]
    }
    page, _ = portal(errors=errors)

    marker = widget(page, "Result").locator(".w-marker")
    expect(marker).to_be_visible()
    expect(marker).to_have_attribute("title", "text: ReferenceError: nope is not defined")
    expect(widget(page, "Title").locator(".w-marker")).to_be_hidden()


def test_picking_a_file_uploads_it_then_sends_on_files_selected(portal: Any) -> None:
    page, runtime = portal()
    runtime.answers.append(
        {
            "effects": [{"type": "showAlert", "message": "Uploaded a.txt", "style": "success"}],
            "widgets": {
                "Result": {"text": "Stored as /a.txt"},
                "FilePicker1": {"files": [UPLOADED], "isValid": True},
            },
            "errors": {},
        }
    )

    page.locator('[data-widget="FilePicker1"] input[type=file]').set_input_files(
        files=[{"name": "a.txt", "mimeType": "text/plain", "buffer": b"hello"}]
    )

    expect(page.locator(".toast.is-success")).to_have_text(re.compile("Uploaded a.txt"))
    expect(widget(page, "Result")).to_have_text("Stored as /a.txt")
    expect(widget(page, "FilePicker1").locator(".w-file-names")).to_have_text("a.txt")
    assert runtime.events == [
        {"widget": "FilePicker1", "event": "onFilesSelected", "meta": {"files": [UPLOADED]}}
    ]
    upload = runtime.uploads[0]
    body = upload.post_data_buffer
    assert b'name="page"' in body and str(runtime.page_id).encode() in body
    assert b'name="widget"\r\n\r\nFilePicker1' in body
    assert b'filename="a.txt"' in body and b"hello" in body
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    assert upload.headers["x-csrftoken"] == csrf
    assert runtime.event_headers[0]["x-csrftoken"] == csrf
    assert page.errors == []


def test_an_upload_refused_by_the_server_shows_its_message(portal: Any) -> None:
    page, runtime = portal()
    runtime.upload_answer = (
        400,
        {"code": "file_too_large", "message": "a.txt is larger than 200 MB.", "field": "file"},
    )

    page.locator('[data-widget="FilePicker1"] input[type=file]').set_input_files(
        files=[{"name": "a.txt", "mimeType": "text/plain", "buffer": b"hello"}]
    )

    expect(page.locator(".toast.is-error")).to_contain_text("a.txt is larger than 200 MB.")
    expect(widget(page, "FilePicker1").get_by_role("button")).to_be_enabled()
    assert runtime.events == []


def test_typing_is_sent_before_a_click_and_effects_apply_in_order(portal: Any) -> None:
    page, runtime = portal(layout=FORM_LAYOUT, widgets=FORM_WIDGETS)
    runtime.answers += [
        {"widgets": {"NameInput": {"text": "Ann", "isValid": True}}, "effects": []},
        {
            "widgets": {"Greeting": {"text": "Hello Ann"}},
            "effects": [
                {"type": "storeValue", "key": "name", "value": "Ann", "persist": False},
                {
                    "type": "download",
                    "data": "Hello Ann",
                    "name": "hello.txt",
                    "content_type": "text/plain",
                },
                {"type": "showAlert", "message": "Sent", "style": "info"},
            ],
        },
    ]

    expect(widget(page, "NameInput").get_by_label("Your name")).to_have_attribute(
        "placeholder", "Ann"
    )
    widget(page, "NameInput").get_by_label("Your name").fill("Ann")
    with page.expect_download() as download:
        widget(page, "Send").get_by_role("button", name="Send").click()

    assert download.value.suggested_filename == "hello.txt"
    expect(widget(page, "Greeting")).to_have_text("Hello Ann")
    expect(page.locator(".toast.is-info")).to_contain_text("Sent")
    assert [(e["widget"], e["event"], e.get("meta")) for e in runtime.events] == [
        ("NameInput", "onTextChanged", {"text": "Ann"}),
        ("Send", "onClick", None),
    ]
    assert page.errors == []


def test_enter_submits_and_the_error_message_waits_for_interaction(portal: Any) -> None:
    page, runtime = portal(layout=FORM_LAYOUT, widgets=FORM_WIDGETS)
    field = widget(page, "NameInput").get_by_label("Your name")
    expect(widget(page, "NameInput").locator(".w-error")).to_be_hidden()

    field.focus()
    field.press("Enter")

    expect(widget(page, "NameInput").locator(".w-error")).to_have_text("A name is needed")
    assert runtime.events[-1] == {"widget": "NameInput", "event": "onSubmit", "meta": {"text": ""}}


def test_navigate_to_a_page_by_name(portal: Any, published: Any) -> None:
    page, runtime = portal(layout=FORM_LAYOUT, widgets=FORM_WIDGETS)
    runtime.answers.append(
        {
            "effects": [
                {
                    "type": "navigateTo",
                    "page": "Page1",
                    "params": {"a": "1"},
                    "target": "SAME_WINDOW",
                }
            ]
        }
    )

    widget(page, "Send").get_by_role("button").click()

    expect(page).to_have_url(re.compile(rf"/apps/{published.pk}/pages/{runtime.page_id}/\?a=1$"))


def test_navigate_to_refuses_javascript_urls(portal: Any) -> None:
    page, runtime = portal(layout=FORM_LAYOUT, widgets=FORM_WIDGETS)
    runtime.answers.append(
        {"effects": [{"type": "navigateTo", "page": "javascript:document.title='owned'"}]}
    )

    widget(page, "Send").get_by_role("button").click()

    expect(page.locator(".toast.is-error")).to_contain_text("There is no page")
    assert page.title() != "owned"


def test_reset_widget_clears_the_picked_files(portal: Any) -> None:
    widgets = json.loads(json.dumps(SEED_WIDGETS))
    widgets["FilePicker1"]["files"] = [UPLOADED]
    layout = json.loads(json.dumps(FORM_LAYOUT))
    layout["children"].append(node("FilePicker1", "FilePicker", 2, 20, 20, 4))
    page, runtime = portal(
        layout=layout, widgets={**FORM_WIDGETS, "FilePicker1": widgets["FilePicker1"]}
    )
    expect(widget(page, "FilePicker1").locator(".w-file-names")).to_have_text("a.txt")
    runtime.answers.append(
        {"effects": [{"type": "resetWidget", "widget": "FilePicker1", "reset_children": True}]}
    )

    widget(page, "Send").get_by_role("button").click()

    expect(widget(page, "FilePicker1").locator(".w-file-names")).to_have_text("No file chosen")


def test_an_unpublished_app_says_so(
    new_page: Any, members: dict[str, Any], application: Any
) -> None:
    page = new_page(members["viewer"])
    response = page.goto(f"/apps/{application.pk}/")

    assert response is not None and response.status == 404
    expect(page.get_by_role("heading")).to_have_text("This app is not published yet")


def test_outsiders_and_strangers(
    new_page: Any, members: dict[str, Any], published: Any, site_url: str
) -> None:
    page = new_page(members["outsider"])
    response = page.goto(f"/apps/{published.pk}/")
    assert response is not None and response.status == 404

    anonymous = new_page()
    anonymous.goto(f"/apps/{published.pk}/")
    expect(anonymous).to_have_url(f"{site_url}/accounts/login/?next=/apps/{published.pk}/")


def test_the_real_runtime_serves_the_seed_page(
    new_page: Any,
    members: dict[str, Any],
    published: Any,
    datasource: Any,
    dropbox_portal: Any,
) -> None:
    from builder.models import Action
    from builder.services.applications import publish_application
    from builder.services.pages import update_page

    page_row = published.pages.get(name="Page1")
    # Result's binding reads the action: without it the text is a ReferenceError.
    (action,) = dropbox_portal["actions"]
    Action.objects.create(
        page=page_row, name=action["name"], datasource=datasource, config=action["config"]
    )
    update_page(page=page_row, layout=seed_layout(dropbox_portal))
    publish_application(application=published, user=members["developer"])

    page = new_page(members["viewer"])
    page.goto(f"/apps/{published.pk}/")

    expect(widget(page, "Title")).to_have_text("Upload your profile")
    expect(widget(page, "Result")).to_have_text("Nothing uploaded yet")
    expect(widget(page, "Result").locator(".w-marker")).to_be_hidden()
    expect(widget(page, "FilePicker1").get_by_role("button")).to_have_text("Select a file")
    assert page.errors == []


def test_the_real_runtime_reads_the_address_without_a_referer(
    new_page: Any, members: dict[str, Any], published: Any
) -> None:
    from builder.services.applications import publish_application
    from builder.services.pages import update_page

    page_row = published.pages.get(name="Page1")
    layout = json.loads(json.dumps(FORM_LAYOUT))
    greet = "{{ showAlert('Hi ' + appsmith.URL.queryParams.who, 'info'); null.boom }}"
    layout["children"] = [
        node("Send", "Button", 2, 2, 12, 4, text="Send", onClick=greet),
        node("Greeting", "Text", 2, 8, 40, 4, text="{{ 'For ' + appsmith.URL.queryParams.who }}"),
    ]
    update_page(page=page_row, layout=layout)
    publish_application(application=published, user=members["developer"])
    page = new_page(members["viewer"])

    # With no Referer (the policy says so), the server has only ?url= to read the address from.
    def no_referrer(route: Any) -> None:
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, **NO_REFERRER})

    page.route(f"**/apps/{published.pk}/pages/{page_row.pk}/*", no_referrer)

    page.goto(f"/apps/{published.pk}/pages/{page_row.pk}/?who=Ann")
    expect(widget(page, "Greeting")).to_have_text("For Ann")
    widget(page, "Send").get_by_role("button").click()

    expect(page.locator(".toast.is-info")).to_contain_text("Hi Ann")
    # The real server's handler error: `null.boom` throws after the alert.
    expect(page.locator(".toast.is-error")).to_contain_text("TypeError: ")
    assert page.errors == []
