"""The seed's walkthrough (issue 12), end to end in Chromium, as a new user does it.

From a workspace with nothing in it, with the mouse and the keyboard only:
sign in with the login form; create an application; create a datasource
from a preset, pointed at the test OAuth provider (tests/oauth_provider, a
real django-oauth-toolkit on loopback, with Dropbox- and Google-Docs-shaped
APIs); Save and Authorize through the provider's own login and consent
pages; make a query from the datasource and fill it in; drag widgets from
the palette and wire them with the property pane and its action selector;
publish; then open the portal as a viewer and use it. What the provider
stored is checked byte for byte. Each step leaves a screenshot,
var/test-output/screenshots/walkthrough-NN-<step>.png (google-docs-NN-...
for the second walkthrough).

The browser reaches the provider as "localhost" (Brace is on 127.0.0.1),
so each keeps its own session cookie (tests/browser/test_authorize_flow.py).
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.editor_page import Editor
from tests.conftest import PASSWORD
from tests.oauth_provider.clients import CLIENTS
from tests.oauth_provider.clients import PASSWORD as PROVIDER_PASSWORD
from tests.oauth_provider.dropbox import ProviderApis
from tests.oauth_provider.process import Provider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DROPBOX_API_ARG = (
    '{"path": "/{{FilePicker1.files[0].name}}", "mode": "add", "autorename": true, '
    '"mute": false, "strict_conflict": false}'
)


class Steps:
    """Numbered screenshots of one walkthrough: `prefix-NN-<step>.png`."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.count = 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def shot(self, page: Any, step: str) -> None:
        self.count += 1
        path = SCREENSHOTS / f"{self.prefix}-{self.count:02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)


def sign_in(page: Any, username: str, password: str = PASSWORD) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def type_code(page: Any, field: Any, text: str, *, paste: bool = False) -> None:
    """Types into a code field (closing brackets come by themselves) and closes
    the completions; `paste` puts the text in as one input, as a paste does."""
    field.click()
    page.keyboard.press("ControlOrMeta+a")
    if paste:
        page.keyboard.press("Delete")
        page.keyboard.insert_text(text)
    else:
        page.keyboard.type(text)
    page.keyboard.press("Escape")


def saved(page: Any) -> None:
    status = page.get_by_role("toolbar", name="Editor").get_by_role("status")
    expect(status).to_have_text("Saved")


def create_application(page: Any, steps: Steps, workspace: Any, name: str) -> None:
    card = page.locator(f'[data-workspace="{workspace.pk}"]')
    expect(card).to_contain_text("No applications yet.")
    card.get_by_role("button", name="Create application").click()
    field = card.get_by_role("textbox", name="New application name")
    field.fill(name)
    field.press("Enter")
    expect(card.get_by_role("link", name=name, exact=True)).to_be_visible()
    steps.shot(page, "application-created")


def create_and_authorize_datasource(
    page: Any,
    steps: Steps,
    provider: Provider,
    workspace: Any,
    *,
    name: str,
    preset: str,
    scopes: str | None = None,
) -> None:
    """From the workspace card: a datasource from `preset`, on the provider; Save and
    Authorize through its consent page, back on the screen, authorized."""
    card = page.locator(f'[data-workspace="{workspace.pk}"]')
    card.get_by_role("link", name="New datasource").click()
    expect(page.get_by_role("heading", name="New datasource")).to_be_visible()
    page.wait_for_load_state("load")  # the screen's script, which follows the preset
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Preset").select_option(label=preset)
    page.get_by_label("URL", exact=True).fill(provider.url("/"))
    authorize_at = provider.authorization_url.replace("://127.0.0.1:", "://localhost:")
    page.get_by_label("Authorization URL").fill(authorize_at)
    page.get_by_label("Access token URL").fill(provider.token_url)
    page.get_by_label("Client ID").fill("brace-code")
    page.get_by_label("Client secret").fill(CLIENTS["brace-code"][0])
    if scopes is not None:
        page.get_by_label("Scopes").fill(scopes)
    steps.shot(page, "datasource-form")

    landings: list[str] = []
    page.on(
        "framenavigated",
        lambda frame: landings.append(frame.url) if frame == page.main_frame else None,
    )
    page.get_by_role("button", name="Save and Authorize").click()
    sign_in(page, "alice", PROVIDER_PASSWORD)
    expect(page.get_by_role("button", name="Authorize")).to_be_visible()
    steps.shot(page, "provider-consent")
    page.get_by_role("button", name="Authorize").click()

    expect(page.locator("#banner")).to_contain_text("Authorized")
    expect(page.locator("#status-badge")).to_have_text("Authorized")
    assert any("response_status=success" in url for url in landings), landings
    steps.shot(page, "authorized")


def new_query_from_datasource(page: Any, steps: Steps, name: str) -> Any:
    """The datasource screen's New query, then renamed: the open query editor."""
    page.get_by_role("button", name="New query").click()
    editor = page.get_by_role("main", name="Query editor")
    query_name = editor.get_by_role("textbox", name="Query name")
    expect(query_name).to_have_value("Api1")
    query_name.fill(name)
    query_name.press("Enter")
    explorer = page.get_by_role("navigation", name="Explorer")
    expect(explorer.get_by_role("link", name=name)).to_be_visible()
    expect(query_name).not_to_have_attribute("aria-invalid", "true")
    steps.shot(page, "query-created")
    return editor


def drop_widget(editor: Editor, label: str, name: str, type_: str, cell: tuple[int, int]) -> None:
    editor.drag_from_palette(label, editor.cell(*cell))
    expect(editor.widget(name, type_)).to_be_visible()


def publish(page: Any) -> None:
    toolbar = page.get_by_role("toolbar", name="Editor")
    toolbar.get_by_role("button", name="Publish").click()
    expect(toolbar).to_contain_text("Published v1")


def test_the_dropbox_walkthrough_from_an_empty_workspace(
    new_page: Any,
    site_url: str,
    members: dict[str, Any],
    workspace: Any,
    provider: Provider,
    apis: ProviderApis,
    settings: Any,
    tmp_path: Any,
) -> None:
    from builder.models import Action, Application

    settings.MEDIA_ROOT = str(tmp_path / "media")
    steps = Steps("walkthrough")
    page = new_page()
    page.set_viewport_size({"width": 1440, "height": 900})

    # Sign in.
    page.goto("/editor/")
    sign_in(page, members["developer"].username)
    expect(page).to_have_url(f"{site_url}/editor/")
    steps.shot(page, "signed-in")

    create_application(page, steps, workspace, "Profile")
    create_and_authorize_datasource(
        page, steps, provider, workspace, name="Dropbox", preset="Dropbox"
    )

    # The query, from the datasource.
    editor = new_query_from_datasource(page, steps, "UploadFileToDropbox")
    editor.get_by_role("combobox", name="Method").select_option("POST")
    type_code(page, editor.get_by_role("textbox", name="Path"), "2/files/upload")
    editor.get_by_role("button", name="Add header").click()
    editor.get_by_role("textbox", name="Header 1 name").fill("Dropbox-API-Arg")
    type_code(
        page, editor.get_by_role("textbox", name="Header 1 value"), DROPBOX_API_ARG, paste=True
    )
    steps.shot(page, "query-headers")
    editor.get_by_role("tab", name="Body").click()
    editor.get_by_role("combobox", name="Body type").select_option(label="Binary")
    type_code(page, editor.get_by_role("textbox", name="File data"), "{{FilePicker1.files[0].data")
    saved(page)
    steps.shot(page, "query-body")
    action = Action.objects.get(name="UploadFileToDropbox")
    assert action.config["headers"] == [{"key": "Dropbox-API-Arg", "value": DROPBOX_API_ARG}]
    assert (action.config["body_type"], action.config["body"]) == (
        "binary",
        "{{FilePicker1.files[0].data}}",
    )
    editor.get_by_role("button", name="Close query").click()

    # The widgets, from the palette.
    canvas = Editor(page, None)
    drop_widget(canvas, "File picker", "FilePicker1", "FilePicker", (2, 2))
    drop_widget(canvas, "Text", "Text1", "Text", (2, 10))
    steps.shot(page, "widgets-dropped")

    # The picked file as the file itself (its help says so), for the binary body;
    # then onFilesSelected: run the query, and on success an alert.
    canvas.widget("FilePicker1", "FilePicker").click()
    pane = page.get_by_role("complementary", name="Properties")
    data_format = pane.get_by_label("Data format", exact=True)
    expect(pane.locator('[data-field="FilePicker1.dataFormat"]')).to_contain_text(
        "Binary: the file itself, for a query's binary body"
    )
    data_format.select_option("Binary")
    pane.get_by_role("button", name="Add action to onFilesSelected").click()
    step = pane.get_by_role("group", name="onFilesSelected action 1")
    step.get_by_label("Query", exact=True).select_option("UploadFileToDropbox")
    step.get_by_role("button", name="Add action to onFilesSelected action 1 on success").click()
    success = step.get_by_role("group", name="onFilesSelected action 1 on success action 1")
    success.get_by_label("Action", exact=True).select_option("showAlert")
    success.get_by_label("Message", exact=True).fill("Uploaded to Dropbox")
    steps.shot(page, "on-files-selected")

    # The Text shows where the file went.
    canvas.widget("Text1", "Text").click()
    text = pane.get_by_role("textbox", name="Text", exact=True)
    text.click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("{{UploadFileToDropbox.data.path_display}}")
    saved(page)
    expect(text).to_have_value("{{UploadFileToDropbox.data.path_display}}")
    steps.shot(page, "text-bound")

    publish(page)
    steps.shot(page, "published")
    application = Application.objects.get(name="Profile")
    assert application.published_version is not None

    # The portal, as a viewer of the workspace.
    content = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64
    portal = new_page()
    portal.goto(f"/apps/{application.pk}/")
    sign_in(portal, members["viewer"].username)
    expect(portal).to_have_url(f"{site_url}/apps/{application.pk}/")
    expect(portal.locator("#portal")).to_have_attribute("aria-busy", "false")
    steps.shot(portal, "portal")
    with portal.expect_file_chooser() as chooser:
        portal.locator('[data-widget="FilePicker1"]').get_by_role("button").click()
    chooser.value.set_files(
        files=[{"name": "avatar.png", "mimeType": "image/png", "buffer": content}]
    )

    expect(portal.locator(".toast.is-success")).to_have_text(re.compile("Uploaded to Dropbox"))
    expect(portal.locator('[data-widget="Text1"]')).to_have_text("/avatar.png")
    steps.shot(portal, "uploaded")
    stored = apis.files()["/avatar.png"]
    assert stored["sha256"] == hashlib.sha256(content).hexdigest()
    assert apis.content("/avatar.png") == content
    assert page.errors == [] and portal.errors == []


def test_the_google_docs_walkthrough_with_a_query_that_runs_on_page_load(
    new_page: Any,
    site_url: str,
    members: dict[str, Any],
    workspace: Any,
    provider: Provider,
    apis: ProviderApis,
) -> None:
    from builder.models import Action, Application

    steps = Steps("google-docs")
    page = new_page()
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto("/editor/")
    sign_in(page, members["developer"].username)
    expect(page).to_have_url(f"{site_url}/editor/")
    steps.shot(page, "signed-in")

    create_application(page, steps, workspace, "Notes")
    # The provider grants its own scope, not Google's: the preset's are replaced.
    create_and_authorize_datasource(
        page, steps, provider, workspace, name="Docs", preset="Google Docs", scopes="write"
    )

    # A query that creates a document titled after the app's user, on page load.
    editor = new_query_from_datasource(page, steps, "CreateDoc")
    editor.get_by_role("combobox", name="Method").select_option("POST")
    type_code(page, editor.get_by_role("textbox", name="Path"), "v1/documents")
    editor.get_by_role("tab", name="Body").click()
    editor.get_by_role("combobox", name="Body type").select_option(label="JSON")
    body = '{"title": "Notes of {{appsmith.user.username}}"}'
    type_code(page, editor.get_by_role("textbox", name="Body"), body, paste=True)
    # The server evaluates it as a run would, the value JSON-escaped where it sits.
    expect(editor.locator('[data-value-for="config.body"]')).to_contain_text(
        f'{{"title": "Notes of {members["developer"].username}"}}'
    )
    steps.shot(page, "query-body")
    editor.get_by_role("tab", name="Settings").click()
    on_load = editor.get_by_role("group", name="Run on page load")
    expect(on_load).to_contain_text("This query is a POST: Automatic never runs it on page load")
    on_load.get_by_role("radio", name="Always").check()
    saved(page)
    steps.shot(page, "query-settings")
    action = Action.objects.get(name="CreateDoc")
    assert action.config["run_on_page_load"] is True
    assert (action.config["body_type"], action.config["body"]) == ("json", body)

    # Run shows what the provider answered.
    editor.get_by_role("button", name="Run").click()
    expect(page.get_by_role("region", name="Response")).to_contain_text("Status 200")
    steps.shot(page, "query-run")
    editor.get_by_role("button", name="Close query").click()

    canvas = Editor(page, None)
    drop_widget(canvas, "Text", "Text1", "Text", (2, 2))
    canvas.widget("Text1", "Text").click()
    pane = page.get_by_role("complementary", name="Properties")
    text = pane.get_by_role("textbox", name="Text", exact=True)
    text.click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("{{CreateDoc.data.title}}")
    saved(page)
    steps.shot(page, "text-bound")
    publish(page)
    steps.shot(page, "published")
    application = Application.objects.get(name="Notes")
    created_by_run = len(apis.requests("docs.create"))

    # The viewer opens the portal: the query runs on page load, the Text shows it.
    portal = new_page()
    portal.goto(f"/apps/{application.pk}/")
    sign_in(portal, members["viewer"].username)
    expect(portal).to_have_url(f"{site_url}/apps/{application.pk}/")
    expect(portal.locator("#portal")).to_have_attribute("aria-busy", "false")
    viewer = members["viewer"].username
    expect(portal.locator('[data-widget="Text1"]')).to_have_text(f"Notes of {viewer}")
    steps.shot(portal, "portal-loaded")
    sent = apis.requests("docs.create")[created_by_run:]
    assert [request["body"] for request in sent] == [{"title": f"Notes of {viewer}"}]
    assert page.errors == [] and portal.errors == []
