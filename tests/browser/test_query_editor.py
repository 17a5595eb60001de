"""The query editor in Chromium, against the live server and a loopback echo
API: a query made from a datasource (the Explorer and the datasource screen),
edited with bindings and run, its JSON answer as a tree; a datasource without
a token (Authorize); refusals under the row they name; rename, duplicate and
delete naming the widgets that use the query."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS
from tests.builder.helpers import layout, widget

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def echo_api(workspace: Any, server: Any) -> Any:
    """A datasource on the loopback echo, with a header of its own and a bearer token."""
    from datasources.models import AuthType, Datasource

    return Datasource.objects.create(
        workspace=workspace,
        name="Echo",
        url=f"{server.url}/v1/",
        headers=[{"key": "X-From-Datasource", "value": "yes"}],
        auth_type=AuthType.BEARER,
        bearer_token="tok-123",
    )


@pytest.fixture
def named_page(page: Any) -> Any:
    """Page1 with an Input whose text queries bind, a Button and a Text."""
    from builder.services.pages import update_page

    return update_page(
        page=page,
        layout=layout(
            widget("Name", "Input", {"defaultText": "Ann"}),
            widget("Button1", "Button", {"text": "Go", "onClick": "{{Api1.run()}}"}),
            widget("Text1", "Text", {"text": "{{Api1.data.path}}"}),
        ),
    )


def query_editor(page: Any) -> Any:
    return page.get_by_role("main", name="Query editor")


def explorer(page: Any) -> Any:
    return page.get_by_role("navigation", name="Explorer")


def type_code(page: Any, field: Any, text: str, *, paste: bool = False) -> None:
    """Types into a code field (closing brackets come by themselves), then closes the completions.

    `paste` puts the text in as one input, as a paste does: no bracket is added.
    """
    field.click()
    page.keyboard.press("ControlOrMeta+a")
    if paste:
        page.keyboard.press("Delete")
        page.keyboard.insert_text(text)
    else:
        page.keyboard.type(text)
    page.keyboard.press("Escape")


def save_status(page: Any) -> Any:
    return page.get_by_role("toolbar", name="Editor").get_by_role("status")


def saved(page: Any) -> None:
    expect(save_status(page)).to_have_text("Saved")


def test_a_query_made_on_a_datasource_is_edited_with_bindings_and_run(
    open_editor: Any, application: Any, named_page: Any, echo_api: Any, server: Any
) -> None:
    from builder.models import Action

    page = open_editor(named_page)
    explorer(page).get_by_role("button", name="New query on Echo").click()

    editor = query_editor(page)
    expect(editor.get_by_role("textbox", name="Query name")).to_have_value("Api1")
    action = Action.objects.get(page=named_page, name="Api1")
    assert action.datasource_id == echo_api.pk
    expect(page).to_have_url(
        f"/editor/apps/{application.pk}/pages/{named_page.pk}/queries/{action.pk}/"
    )
    expect(page.get_by_role("main", name="Canvas")).to_be_hidden()
    # The datasource's part, read-only, with its link.
    expect(editor.get_by_text("automatically added")).to_be_visible()
    expect(editor.get_by_role("link", name="Echo")).to_have_attribute(
        "href",
        f"/editor/datasources/{echo_api.pk}/"
        f"?application={application.pk}&page={named_page.pk}&query={action.pk}",
    )
    expect(editor.get_by_role("row", name="X-From-Datasource yes")).to_be_visible()

    editor.get_by_role("combobox", name="Method").select_option("POST")
    type_code(page, editor.get_by_role("textbox", name="Path"), "people/{{Name.text")
    expect(editor.locator(".qe-evaluated").first).to_contain_text("people/Ann")
    editor.get_by_role("button", name="Add header").click()
    editor.get_by_role("textbox", name="Header 1 name").fill("X-Trace")
    type_code(page, editor.get_by_role("textbox", name="Header 1 value"), "{{Name.text")
    editor.get_by_role("tab", name="Body").click()
    editor.get_by_role("combobox", name="Body type").select_option("json")
    body = '{"name": "{{Name.text}}"}'
    type_code(page, editor.get_by_role("textbox", name="Body"), body, paste=True)
    saved(page)
    action.refresh_from_db()
    assert action.config["method"] == "POST"
    assert action.config["path"] == "people/{{Name.text}}"
    assert action.config["headers"] == [{"key": "X-Trace", "value": "{{Name.text}}"}]
    assert (action.config["body_type"], action.config["body"]) == ("json", body)

    editor.get_by_role("button", name="Run").click()
    response = page.get_by_role("region", name="Response")
    expect(response).to_contain_text("Status 200")
    # The echo's answer as a tree: its keys, open two levels deep.
    expect(response.locator(".json-key", has_text="method")).to_be_visible()
    expect(response.locator(".json-value", has_text='"/v1/people/Ann"')).to_be_visible()
    sent = server.last
    assert sent.path == "/v1/people/Ann"
    assert sent.headers["x-trace"] == "Ann"
    assert sent.headers["x-from-datasource"] == "yes"
    assert sent.json() == {"name": "Ann"}
    # The request as sent, the datasource's token masked.
    response.get_by_role("tab", name="Request").click()
    expect(response.get_by_role("row", name="authorization [REDACTED]")).to_be_visible()
    assert "tok-123" not in response.inner_text()
    response.get_by_role("tab", name="Headers").click()
    expect(response.get_by_role("table", name="Response headers")).to_be_visible()
    response.get_by_role("tab", name="Body").click()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "query-editor-run.png"))
    editor.get_by_role("tablist", name="Query").get_by_role("tab", name="Headers").click()
    page.screenshot(path=str(SCREENSHOTS / "query-editor-headers.png"))

    # Closing goes back to the canvas and its address; Back opens the query again.
    editor.get_by_role("button", name="Close query").click()
    expect(page).to_have_url(f"/editor/apps/{application.pk}/pages/{named_page.pk}/")
    expect(query_editor(page)).to_be_hidden()
    page.go_back()
    expect(query_editor(page).get_by_role("textbox", name="Query name")).to_have_value("Api1")
    assert page.errors == []


def saved_config(action: Any, check: Any) -> dict[str, Any]:
    """The query's stored config once `check` holds for it (saves are debounced)."""
    import time

    deadline = time.monotonic() + 10
    while True:
        action.refresh_from_db()
        if check(action.config):
            return dict(action.config)
        if time.monotonic() > deadline:
            raise AssertionError(f"the saved config never matched: {action.config}")
        time.sleep(0.1)


def test_the_settings_tab_saves_every_setting_and_names_a_bad_timeout(
    open_editor: Any, named_page: Any, echo_api: Any
) -> None:
    from builder.models import Action

    action = Action.objects.create(page=named_page, name="Api1", datasource=echo_api, config={})
    page = open_editor(named_page)
    explorer(page).get_by_role("link", name="Api1").click()
    editor = query_editor(page)
    editor.get_by_role("tab", name="Settings").click()
    timeout = editor.get_by_role("spinbutton", name="Timeout (seconds)")
    expect(timeout).to_have_value("60")
    confirm = editor.get_by_role("checkbox", name="Request confirmation before running")
    smart = editor.get_by_role("checkbox", name="Smart JSON substitution")
    encode = editor.get_by_role("checkbox", name="Encode query parameters")
    expect(confirm).not_to_be_checked()
    expect(smart).to_be_checked()
    expect(encode).to_be_checked()
    # Run on page load is three-way, Automatic by default, and says what it
    # does with this query's method.
    on_load = editor.get_by_role("group", name="Run on page load")
    automatic = on_load.get_by_role("radio", name="Automatic")
    expect(automatic).to_be_checked()
    expect(automatic).to_have_accessible_description(re.compile("its method is GET"))
    expect(on_load).to_contain_text("This query is a GET: it runs on page load")
    page.screenshot(path=str(SCREENSHOTS / "query-editor-settings.png"))

    for choice, stored in (("Never", False), ("Always", True), ("Automatic", None)):
        on_load.get_by_role("radio", name=choice).check()
        saved_config(action, lambda config, s=stored: config.get("run_on_page_load", 0) is s)
    expect(on_load.get_by_text("This query is a GET")).to_be_visible()
    on_load.get_by_role("radio", name="Never").check()
    expect(on_load.get_by_text("This query is a GET")).to_be_hidden()
    on_load.get_by_role("radio", name="Automatic").check()

    confirm.check()
    smart.uncheck()
    encode.uncheck()
    config = saved_config(action, lambda config: config.get("encode_query_params") is False)
    assert config["confirm_before_run"] is True
    assert config["smart_json_substitution"] is False
    assert config["run_on_page_load"] is None

    # A POST is never run on page load by Automatic: the tab says so.
    editor.get_by_role("combobox", name="Method").select_option("POST")
    expect(on_load).to_contain_text("This query is a POST: Automatic never runs it on page load")

    timeout.fill("900")
    expect(editor.get_by_role("alert").filter(has_text="300")).to_be_visible()
    expect(save_status(page)).to_contain_text("Not saved")
    timeout.fill("5")
    saved(page)
    config = saved_config(action, lambda config: config["timeout_s"] == 5)
    assert config["method"] == "POST"
    expect(editor.get_by_role("alert").filter(has_text="300")).to_be_hidden()

    # What was saved is what a reload shows.
    page.reload()
    editor = query_editor(page)
    editor.get_by_role("tab", name="Settings").click()
    expect(
        editor.get_by_role("group", name="Run on page load").get_by_role("radio", name="Automatic")
    ).to_be_checked()
    expect(
        editor.get_by_role("checkbox", name="Request confirmation before running")
    ).to_be_checked()
    expect(editor.get_by_role("checkbox", name="Smart JSON substitution")).not_to_be_checked()
    expect(editor.get_by_role("checkbox", name="Encode query parameters")).not_to_be_checked()
    expect(editor.get_by_role("spinbutton", name="Timeout (seconds)")).to_have_value("5")
    assert page.errors == []


def test_a_setting_stored_with_a_wrong_type_is_named_under_its_field(
    open_editor: Any, named_page: Any, echo_api: Any
) -> None:
    from builder.models import Action

    # Written around the API (an import, the admin's JSON): not a boolean.
    action = Action.objects.create(
        page=named_page,
        name="Api1",
        datasource=echo_api,
        config={"run_on_page_load": "sometimes", "confirm_before_run": "yes"},
    )
    page = open_editor(named_page)
    explorer(page).get_by_role("link", name="Api1").click()
    editor = query_editor(page)
    editor.get_by_role("tab", name="Settings").click()
    on_load = editor.get_by_role("group", name="Run on page load")
    for choice in ("Automatic", "Always", "Never"):
        expect(on_load.get_by_role("radio", name=choice)).not_to_be_checked()

    # The next save sends them as they are; the server names the first, under it.
    editor.get_by_role("spinbutton", name="Timeout (seconds)").fill("30")
    on_load_error = editor.locator('[data-error-for="config.run_on_page_load"]')
    confirm_error = editor.locator('[data-error-for="config.confirm_before_run"]')
    expect(on_load_error).to_have_text("Must be a valid boolean.")
    expect(save_status(page)).to_contain_text("Not saved")
    # Neither checked nor not: the stored value is not a boolean.
    indeterminate = editor.get_by_role("checkbox", name="Request confirmation before running")
    assert indeterminate.evaluate("box => box.indeterminate") is True
    page.screenshot(path=str(SCREENSHOTS / "query-editor-settings-wrong-type.png"))

    # Chosen, the next one is named.
    on_load.get_by_role("radio", name="Never").check()
    expect(on_load_error).to_be_hidden()
    expect(confirm_error).to_have_text("Must be a valid boolean.")
    editor.get_by_role("checkbox", name="Request confirmation before running").check()
    saved(page)
    expect(confirm_error).to_be_hidden()
    config = saved_config(action, lambda config: config.get("timeout_s") == 30)
    assert (config["run_on_page_load"], config["confirm_before_run"]) == (False, True)
    assert page.errors == []


def test_values_and_binding_errors_show_under_every_field_and_run_names_the_field(
    open_editor: Any, named_page: Any, echo_api: Any, server: Any
) -> None:
    from builder.models import Action

    Action.objects.create(
        page=named_page,
        name="Api1",
        datasource=echo_api,
        config={
            "method": "POST",
            "path": "people/{{Name.text}}",
            "headers": [{"key": "X-Who", "value": "{{Nme.text}}"}],
            "query_params": [{"key": "q", "value": "{{Name.text.toUpperCase() + '!'}}"}],
            "body_type": "json",
            "body": '{"name": {{Name.text}}, "size": {{Name.text.length}}}',
        },
    )
    page = open_editor(named_page)
    explorer(page).get_by_role("link", name="Api1").click()
    editor = query_editor(page)
    expect(editor.locator('[data-value-for="config.path"]')).to_contain_text("people/Ann")
    header = editor.locator('[data-value-for="config.headers[0].value"]')
    expect(header.get_by_role("alert")).to_contain_text("ReferenceError")
    expect(header.get_by_role("alert")).to_contain_text("Nme")
    page.screenshot(path=str(SCREENSHOTS / "query-editor-binding-error.png"))
    editor.get_by_role("tab", name="Params").click()
    # Code, not only references: the server evaluates it as a run would.
    expect(editor.locator('[data-value-for="config.query_params[0].value"]')).to_contain_text(
        "ANN!"
    )
    editor.get_by_role("tab", name="Body").click()
    expect(editor.locator('[data-value-for="config.body"]')).to_contain_text(
        '{"name": "Ann", "size": 3}'
    )

    # Run refuses, naming the field; nothing is sent.
    editor.get_by_role("button", name="Run").click()
    refusal = page.get_by_role("region", name="Response").get_by_role("alert")
    expect(refusal).to_contain_text("nothing was sent")
    refusal.get_by_role("button", name="Go to Header 1 value").click()
    value = editor.get_by_role("textbox", name="Header 1 value")
    expect(value).to_be_focused()
    assert server.received == []

    # Fixed where it was typed: its value replaces the error.
    type_code(page, value, "{{Name.text")
    expect(header).to_contain_text("Ann")
    expect(header.get_by_role("alert")).to_have_count(0)
    saved(page)
    editor.get_by_role("button", name="Run").click()
    expect(page.get_by_role("region", name="Response")).to_contain_text("Status 200")
    assert server.last.headers["x-who"] == "Ann"
    assert page.errors == []


def evaluating(path: str) -> Callable[[Any], bool]:
    """Matches the answer to the evaluation of the draft whose path is `path`."""

    def matches(response: Any) -> bool:
        if not response.url.endswith("/evaluate/"):
            return False
        return bool(
            json.loads(response.request.post_data or "{}").get("config", {}).get("path") == path
        )

    return matches


def test_a_half_typed_binding_shows_its_error_only_once_the_user_pauses(
    open_editor: Any, named_page: Any, echo_api: Any
) -> None:
    from builder.models import Action

    Action.objects.create(page=named_page, name="Api1", datasource=echo_api, config={})
    page = open_editor(named_page)
    explorer(page).get_by_role("link", name="Api1").click()
    editor = query_editor(page)
    path = editor.get_by_role("textbox", name="Path")
    preview = editor.locator('[data-value-for="config.path"]')
    # The browser's timers move only when the test says, so "a pause" is exact.
    page.clock.install()
    page.clock.pause_at(page.evaluate("() => Date.now()") + 1000)
    path.click()
    with page.expect_response(evaluating("{{Name.}}")) as evaluation:
        page.keyboard.type("{{Name.")  # closeBrackets adds "}}"
        page.clock.run_for(300)  # the evaluation's own short delay
    assert "SyntaxError" in evaluation.value.text()
    # The server's answer came while the user types: the error waits.
    expect(path).to_be_focused()
    expect(preview).not_to_contain_text("SyntaxError")
    page.clock.run_for(1000)
    expect(preview.get_by_role("alert")).to_contain_text("SyntaxError")
    page.screenshot(path=str(SCREENSHOTS / "query-editor-error-after-pause.png"))
    # Finished, its value shows as soon as the server answers.
    with page.expect_response(evaluating("{{Name.text}}")):
        page.keyboard.insert_text("text")
        page.clock.run_for(300)
    expect(preview).to_contain_text("Ann")
    expect(preview.get_by_role("alert")).to_have_count(0)
    assert page.errors == []


def test_a_datasource_nobody_authorized_says_so_with_an_authorize_link(
    open_editor: Any, application: Any, named_page: Any, workspace: Any, server: Any
) -> None:
    from builder.models import Action
    from datasources.models import AuthType, Datasource

    docs = Datasource.objects.create(
        workspace=workspace,
        name="Docs",
        url=f"{server.url}/",
        auth_type=AuthType.OAUTH2,
        client_id="client",
        authorization_url=f"{server.url}/authorize",
        access_token_url=f"{server.url}/token",
    )
    action = Action.objects.create(page=named_page, name="Api1", datasource=docs, config={})
    page = open_editor(named_page)
    explorer(page).get_by_role("link", name="Api1").click()
    editor = query_editor(page)

    editor.get_by_role("button", name="Run").click()

    response = page.get_by_role("region", name="Response")
    failure = response.get_by_role("alert")
    expect(failure).to_contain_text("Datasource 'Docs' is not authorized yet.")
    # Said once, and nothing was sent: no time, size, body, headers or request.
    expect(failure).to_contain_text("Nobody has signed in to the API for it.")
    assert failure.inner_text().count("not authorized") == 1
    expect(response).to_contain_text("Not run")
    expect(response).not_to_contain_text("Time")
    expect(response).not_to_contain_text("Size")
    expect(response.get_by_role("tab")).to_have_count(0)
    page.screenshot(path=str(SCREENSHOTS / "query-editor-not-authorized.png"))
    authorize = failure.get_by_role("link", name="Authorize")
    screen = (
        f"/editor/datasources/{docs.pk}/"
        f"?application={application.pk}&page={named_page.pk}&query={action.pk}"
    )
    expect(authorize).to_have_attribute("href", screen)
    assert server.received == []

    authorize.click()
    expect(page).to_have_url(screen)
    back = page.get_by_role("link", name="Back to the app builder")
    expect(back).to_have_attribute(
        "href", f"/editor/apps/{application.pk}/pages/{named_page.pk}/queries/{action.pk}/"
    )
    assert page.errors == []


def test_the_open_query_is_the_pages_main_landmark_and_hints_at_a_brace_widget(
    open_editor: Any, named_page: Any, echo_api: Any
) -> None:
    # Screen readers jump to the main landmark: with the canvas hidden, the
    # query editor is it. The path's example binds a widget Brace has.
    page = open_editor(named_page)
    expect(page.get_by_role("main")).to_have_accessible_name("Canvas")
    explorer(page).get_by_role("button", name="New query on Echo").click()
    expect(page.get_by_role("main")).to_have_accessible_name("Query editor")
    path = query_editor(page).get_by_role("textbox", name="Path")
    expect(path).to_have_attribute("aria-placeholder", "users/{{Input1.text}}")
    query_editor(page).get_by_role("button", name="Close query").click()
    expect(page.get_by_role("main")).to_have_accessible_name("Canvas")
    assert page.errors == []


def test_refusals_show_under_the_header_row_they_name_and_keep_what_was_typed(
    open_editor: Any, named_page: Any, echo_api: Any, server: Any
) -> None:
    from builder.models import Action

    action = Action.objects.create(
        page=named_page,
        name="Api1",
        datasource=echo_api,
        config={"headers": [{"key": "X-Api-Key", "value": "s3cret"}]},
    )
    page = open_editor(named_page)
    explorer(page).get_by_role("link", name="Api1").click()
    editor = query_editor(page)
    key = editor.get_by_role("textbox", name="Header 1 name")
    expect(key).to_have_value("X-Api-Key")
    # The stored credential is write-only: nothing of it reaches the page.
    assert "s3cret" not in page.content()

    # Renamed, the row asks to keep a value stored under another name: a 400.
    key.fill("X-Api-Token")
    row_error = editor.locator('[data-error-for="config.headers[0]"]')
    expect(row_error).to_be_visible()
    expect(row_error).to_contain_text("There is no stored value of 'X-Api-Token' to keep")
    expect(save_status(page)).to_contain_text("Not saved")
    expect(key).to_have_value("X-Api-Token")
    action.refresh_from_db()
    assert action.config["headers"] == [{"key": "X-Api-Key", "value": "s3cret"}]

    # Typing the value fixes it.
    type_code(page, editor.get_by_role("textbox", name="Header 1 value"), "n3w")
    saved(page)
    expect(row_error).to_be_hidden()
    action.refresh_from_db()
    assert action.config["headers"] == [{"key": "X-Api-Token", "value": "n3w"}]

    # A header name the executor refuses: Run answers 400 naming the row.
    key.fill("Bad Name")
    saved(page)
    editor.get_by_role("button", name="Run").click()
    expect(row_error).to_be_visible()
    refusal = page.get_by_role("region", name="Response").get_by_role("alert")
    expect(refusal).to_contain_text("not a valid header name")
    refusal.get_by_role("button", name="Go to Header 1 name").click()
    expect(key).to_be_focused()
    expect(key).to_have_value("Bad Name")
    assert server.received == []
    assert page.errors == []


def test_rename_duplicate_and_delete_naming_the_widgets_that_use_it(
    open_editor: Any, application: Any, named_page: Any, echo_api: Any
) -> None:
    from builder.models import Action, Page

    action = Action.objects.create(page=named_page, name="Api1", datasource=echo_api, config={})
    page = open_editor(named_page)
    explorer(page).get_by_role("link", name="Api1").click()
    editor = query_editor(page)

    name = editor.get_by_role("textbox", name="Query name")
    name.fill("Fetch")
    name.press("Enter")
    expect(explorer(page).get_by_role("link", name="Fetch")).to_be_visible()
    stored = Page.objects.get(pk=named_page.pk).layout
    assert stored["children"][1]["props"]["onClick"] == "{{Fetch.run()}}"
    assert stored["children"][2]["props"]["text"] == "{{Fetch.data.path}}"

    name.fill("Name")
    name.press("Enter")
    expect(editor.get_by_role("alert").filter(has_text="Name")).to_be_visible()
    name.press("Escape")
    expect(name).to_have_value("Fetch")

    editor.get_by_role("button", name="More actions for Fetch").click()
    page.get_by_role("menuitem", name="Duplicate").click()
    expect(editor.get_by_role("textbox", name="Query name")).to_have_value("FetchCopy")
    copy = Action.objects.get(page=named_page, name="FetchCopy")
    expect(page).to_have_url(
        f"/editor/apps/{application.pk}/pages/{named_page.pk}/queries/{copy.pk}/"
    )

    explorer(page).get_by_role("button", name="More actions for Fetch", exact=True).click()
    page.get_by_role("menuitem", name="Delete").click()
    dialog = page.get_by_role("alertdialog", name="Delete Fetch?")
    expect(dialog.get_by_role("listitem")).to_have_text(
        ["Button1.onClick uses Fetch", "Text1.text uses Fetch"]
    )
    page.screenshot(path=str(SCREENSHOTS / "query-editor-delete.png"))
    dialog.get_by_role("button", name="Cancel").click()
    assert Action.objects.filter(pk=action.pk).exists()

    # The copy is used by nothing: deleting it, open, goes back to the canvas.
    editor.get_by_role("button", name="More actions for FetchCopy").click()
    page.get_by_role("menuitem", name="Delete").click()
    dialog = page.get_by_role("alertdialog", name="Delete FetchCopy?")
    expect(dialog.get_by_role("listitem")).to_have_count(0)
    dialog.get_by_role("button", name="Delete query").click()
    expect(page).to_have_url(f"/editor/apps/{application.pk}/pages/{named_page.pk}/")
    expect(query_editor(page)).to_be_hidden()
    expect(explorer(page).get_by_role("link", name="FetchCopy")).to_have_count(0)
    assert not Action.objects.filter(pk=copy.pk).exists()
    assert page.errors == []


def test_the_datasource_screen_makes_a_query_on_the_page_it_was_opened_from(
    new_page: Any, members: dict[str, Any], application: Any, named_page: Any, echo_api: Any
) -> None:
    from builder.models import Action
    from builder.services.pages import create_page

    other = create_page(application=application, name="Orders")
    Action.objects.create(page=other, name="Api1", datasource=echo_api, config={})
    page = new_page(members["developer"])
    page.goto(f"/editor/datasources/{echo_api.pk}/?application={application.pk}&page={other.pk}")

    choice = page.get_by_role("combobox", name="Page")
    expect(choice).to_have_value(str(other.pk))
    expect(choice.get_by_role("option")).to_have_text(["Portal / Page1", "Portal / Orders"])
    page.get_by_role("button", name="New query").click()

    created = Action.objects.filter(page=other, name="Api2")
    expect(query_editor(page).get_by_role("textbox", name="Query name")).to_have_value("Api2")
    assert created.get().datasource_id == echo_api.pk
    expect(page).to_have_url(
        f"/editor/apps/{application.pk}/pages/{other.pk}/queries/{created.get().pk}/"
    )
    assert page.errors == []


def test_opened_without_an_application_the_screen_offers_every_page(
    new_page: Any, members: dict[str, Any], application: Any, named_page: Any, echo_api: Any
) -> None:
    page = new_page(members["developer"])
    page.goto(f"/editor/datasources/{echo_api.pk}/")

    expect(page.get_by_role("combobox", name="Page")).to_have_value(str(named_page.pk))
    expect(page.get_by_role("link", name="Back to the app builder")).to_be_hidden()
    assert page.errors == []
