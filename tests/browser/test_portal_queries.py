"""Queries in the real portal: run on page load (widgets show that they wait), and
confirm before running ("Run Upload?" with Confirm / Cancel), against an API on loopback."""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.fake_runtime import FORM_LAYOUT, node, widget

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

UPLOAD_HANDLER = (
    "{{ Upload.run()"
    ".then(() => showAlert('Uploaded ' + Upload.data.path, 'success'))"
    ".catch((e) => showAlert(e.message, 'error')) }}"
)


def publish(published: Any, members: dict[str, Any], children: list[Any], **queries: Any) -> Any:
    """Page1 of the `published` app with `children` and queries {name: (datasource, config)}."""
    from builder.models import Action
    from builder.services.applications import publish_application
    from builder.services.pages import update_page

    page_row = published.pages.get(name="Page1")
    for name, (datasource, config) in queries.items():
        Action.objects.create(page=page_row, name=name, datasource=datasource, config=config)
    layout = json.loads(json.dumps(FORM_LAYOUT))
    layout["children"] = children
    update_page(page=page_row, layout=layout)
    publish_application(application=published, user=members["developer"])
    return page_row


@pytest.fixture
def api(published: Any, upstream: Any) -> Any:
    from datasources.models import Datasource

    return Datasource.objects.create(workspace=published.workspace, name="Echo", url=upstream.url)


def test_a_page_load_query_fills_a_text_and_a_bound_button_shows_it_is_loading(
    new_page: Any, members: dict[str, Any], published: Any, api: Any, upstream: Any
) -> None:
    children = [
        node("Shown", "Text", 2, 2, 40, 4, text="{{Api1.data ? Api1.data.path : 'none'}}"),
        node("Refresh", "Button", 2, 8, 12, 4, text="Refresh", isDisabled="{{Api1.isLoading}}"),
    ]
    publish(published, members, children, Api1=(api, {"path": "greeting"}))
    page = new_page(members["viewer"])
    held: list[Any] = []
    page.route("**/api/v1/runtime/pages/*/load/*", lambda route: held.append(route))

    page.goto(f"/apps/{published.pk}/")

    # The page shows at once, the query still loading.
    button = page.get_by_role("button", name="Refresh")
    expect(button).to_be_disabled()
    expect(button).to_have_attribute("aria-busy", "true")
    expect(button.locator(".w-spinner")).to_be_visible()
    expect(widget(page, "Shown")).to_have_attribute("aria-busy", "true")
    expect(widget(page, "Shown")).to_have_text("Loading…")
    page.screenshot(path=_shot("page-load-waiting"), full_page=True)
    assert upstream.received == []

    held[0].continue_()

    expect(widget(page, "Shown")).to_have_text("/greeting")
    expect(widget(page, "Shown")).to_have_attribute("aria-busy", "false")
    expect(button).to_be_enabled()
    expect(button).to_have_attribute("aria-busy", "false")
    expect(button.locator(".w-spinner")).to_be_hidden()
    assert [request.path for request in upstream.received] == ["/greeting"]
    assert page.errors == []


def test_page_load_queries_run_in_dependency_order(
    new_page: Any, members: dict[str, Any], published: Any, api: Any, upstream: Any
) -> None:
    children = [node("Shown", "Text", 2, 2, 40, 4, text="{{Second.data.path}}")]
    publish(
        published,
        members,
        children,
        Second=(api, {"path": "second/{{First.data.method}}"}),
        First=(api, {"path": "first"}),
    )
    page = new_page(members["viewer"])
    page.goto(f"/apps/{published.pk}/")
    expect(widget(page, "Shown")).to_have_text("/second/GET")
    assert [request.path for request in upstream.received] == ["/first", "/second/GET"]


def test_a_page_load_cycle_is_shown_as_an_error(
    new_page: Any, members: dict[str, Any], published: Any, api: Any, upstream: Any
) -> None:
    children = [node("Shown", "Text", 2, 2, 40, 4, text="{{A.data}}")]
    publish(
        published,
        members,
        children,
        A=(api, {"path": "{{B.data.path}}"}),
        B=(api, {"path": "{{A.data.path}}"}),
    )
    page = new_page(members["viewer"])
    page.goto(f"/apps/{published.pk}/")
    expect(page.locator(".toast.is-error").first).to_contain_text("A did not run: A -> B -> A")
    assert upstream.received == []


class TestConfirmBeforeRunning:
    @pytest.fixture
    def portal_page(self, new_page: Any, members: dict[str, Any], published: Any, api: Any) -> Any:
        children = [node("Send", "Button", 2, 2, 12, 4, text="Upload", onClick=UPLOAD_HANDLER)]
        config = {"method": "POST", "path": "upload", "confirm_before_run": True}
        publish(published, members, children, Upload=(api, config))
        page = new_page(members["viewer"])
        page.goto(f"/apps/{published.pk}/")
        expect(page.locator("#portal")).to_have_attribute("aria-busy", "false")
        return page

    def test_it_runs_only_on_confirm(self, portal_page: Any, upstream: Any) -> None:
        page = portal_page
        page.get_by_role("button", name="Upload").click()
        dialog = page.get_by_role("dialog", name="Run Upload?")
        expect(dialog).to_be_visible()
        expect(dialog.get_by_role("button", name="Confirm")).to_be_focused()
        page.screenshot(path=_shot("confirm-dialog"), full_page=True)
        assert upstream.received == []

        dialog.get_by_role("button", name="Confirm").click()

        expect(page.locator(".toast.is-success")).to_contain_text("Uploaded /upload")
        expect(dialog).to_be_hidden()
        assert [(r.method, r.path) for r in upstream.received] == [("POST", "/upload")]
        assert page.errors == []

    def test_cancel_rejects_into_the_handlers_catch(self, portal_page: Any, upstream: Any) -> None:
        page = portal_page
        page.get_by_role("button", name="Upload").click()
        page.get_by_role("dialog", name="Run Upload?").get_by_role("button", name="Cancel").click()

        expect(page.locator(".toast.is-error")).to_contain_text("Upload was cancelled")
        expect(page.get_by_role("button", name="Upload")).to_be_enabled()
        assert upstream.received == []

    def test_escape_cancels_too(self, portal_page: Any, upstream: Any) -> None:
        page = portal_page
        page.get_by_role("button", name="Upload").click()
        expect(page.get_by_role("dialog", name="Run Upload?")).to_be_visible()
        page.keyboard.press("Escape")
        expect(page.locator(".toast.is-error")).to_contain_text("Upload was cancelled")
        assert upstream.received == []

    def test_the_server_refuses_an_unconfirmed_run(self, portal_page: Any, upstream: Any) -> None:
        # What a page that skips the dialog would send: the event alone, then a made-up token.
        page = portal_page
        answers = page.evaluate(
            """async () => {
              const token = document.cookie.match(/csrftoken=([^;]+)/)[1];
              const post = (body) => fetch(
                `/api/v1/runtime/pages/${document.querySelector('#portal').dataset.pageId}/events/`,
                {method: 'POST', body: JSON.stringify(body),
                 headers: {'Content-Type': 'application/json', 'X-CSRFToken': token}})
                .then(async (r) => [r.status, await r.json()]);
              return [await post({widget: 'Send', event: 'onClick'}),
                      await post({widget: 'Send', event: 'onClick', confirm: {Upload: 'made-up'}})];
            }"""
        )
        (status, asked), (refused_status, refused) = answers
        assert status == 200
        assert asked["confirm"][0]["code"] == "confirmation_required"
        assert asked["effects"] == []
        assert refused_status == 400
        assert (refused["code"], refused["field"]) == ("invalid_confirmation", "confirm.Upload")
        assert upstream.received == []


def _shot(name: str) -> str:
    from tests.browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return str(SCREENSHOTS / f"test_portal_queries-{name}.png")
