"""The editor's datasource screen in Chromium: the OAuth outcome banners,
field errors from the API, saving, and "Save and Authorize"."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def oauth_datasource(workspace: Any) -> Any:
    from datasources.models import Datasource

    return Datasource.objects.create(
        workspace=workspace,
        name="Dropbox",
        preset="dropbox",
        url="https://content.dropboxapi.com/",
        auth_type="oauth2",
        authorization_url="https://www.dropbox.com/oauth2/authorize",
        access_token_url="https://api.dropboxapi.com/oauth2/token",
        client_id="app-key",
        client_secret="app-secret-never-shown",
        scopes=["files.content.write"],
    )


def test_success_status_shows_the_authorized_banner_and_leaves_the_url(
    new_page: Any, members: dict[str, Any], oauth_datasource: Any
) -> None:
    page = new_page(members["developer"])
    path = f"/editor/datasources/{oauth_datasource.pk}/"

    page.goto(f"{path}?tab=auth&response_status=success")

    banner = page.locator("#banner")
    expect(banner).to_have_class(re.compile(r"\bis-success\b"))
    expect(banner).to_contain_text("Authorized")
    expect(page).to_have_url(re.compile(re.escape(path) + r"\?tab=auth$"))
    assert page.errors == []


def test_error_status_shows_display_message_as_text(
    new_page: Any, members: dict[str, Any], oauth_datasource: Any
) -> None:
    page = new_page(members["developer"])
    message = 'Denied <img src=x onerror="document.title=1"><b>by the user</b>'
    path = f"/editor/datasources/{oauth_datasource.pk}/"

    page.goto(f"{path}?response_status=access_denied&display_message={quote(message)}")

    banner = page.locator("#banner")
    expect(banner).to_have_class(re.compile(r"\bis-error\b"))
    expect(banner.locator(".banner-message")).to_have_text(message)
    expect(banner.locator("img, b")).to_have_count(0)
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))
    assert page.title() != "1"
    assert page.errors == []


def test_error_status_without_a_message_names_the_status(
    new_page: Any, members: dict[str, Any], workspace: Any
) -> None:
    page = new_page(members["developer"])
    page.goto(f"/editor/datasources/new/?workspace={workspace.pk}&response_status=server_error")

    expect(page.locator("#banner")).to_contain_text('"server_error"')
    expect(page).to_have_url(re.compile(rf"/editor/datasources/new/\?workspace={workspace.pk}$"))


def test_a_400_shows_its_message_next_to_the_named_field(
    new_page: Any, members: dict[str, Any], workspace: Any
) -> None:
    page = new_page(members["developer"])
    page.goto(f"/editor/datasources/new/?workspace={workspace.pk}")

    page.get_by_label("Name", exact=True).fill("Zoho")
    page.get_by_label("URL", exact=True).fill("https://campaigns.zoho.eu/api/v1.1/")
    page.get_by_label("Authentication type").select_option("oauth2")
    page.get_by_label("Access token URL").fill("https://accounts.zoho.eu/oauth/v2/token")
    page.get_by_role("button", name="Save", exact=True).click()

    field = page.locator('[data-field="authentication.client_id"]')
    expect(field.locator(".field-error")).to_contain_text("client_id is required")
    expect(field).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.get_by_label("Client ID")).to_be_focused()
    assert page.errors == []


def test_a_400_on_a_header_row_lands_on_that_row(
    new_page: Any, members: dict[str, Any], workspace: Any
) -> None:
    page = new_page(members["developer"])
    page.goto(f"/editor/datasources/new/?workspace={workspace.pk}")

    page.get_by_label("Name", exact=True).fill("API")
    page.get_by_label("URL", exact=True).fill("https://api.example.com/")
    headers = page.locator('[data-kv="headers"]')
    headers.get_by_role("button", name="Add header").click()
    headers.get_by_role("button", name="Add header").click()
    headers.get_by_label("Key").nth(0).fill("Accept")
    headers.get_by_label("Value").nth(0).fill("application/json")
    headers.get_by_label("Value").nth(1).fill("no key")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator('[data-field="headers[1]"] .field-error')).not_to_be_empty()
    expect(page.locator('[data-field="headers[0]"] .field-error')).to_be_empty()


def test_a_field_error_from_an_unexpected_field_is_not_lost(
    new_page: Any, members: dict[str, Any], workspace: Any
) -> None:
    page = new_page(members["developer"])
    page.route(
        "**/api/v1/datasources/",
        lambda route: route.fulfill(
            status=400,
            json={"code": "invalid", "message": "Something is off.", "field": "mystery"},
        ),
    )
    page.goto(f"/editor/datasources/new/?workspace={workspace.pk}")
    page.get_by_label("Name", exact=True).fill("API")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".form-error")).to_have_text("mystery: Something is off.")


def test_save_creates_the_datasource_and_never_shows_the_secret(
    new_page: Any, members: dict[str, Any], workspace: Any
) -> None:
    from datasources.models import Datasource

    page = new_page(members["developer"])
    page.goto(f"/editor/datasources/new/?workspace={workspace.pk}")
    page.get_by_label("Name", exact=True).fill("Dropbox")
    page.get_by_label("Preset").select_option("dropbox")
    page.get_by_label("Client ID").fill("app-key")
    page.get_by_label("Client secret").fill("s3cret-value")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator("#banner")).to_contain_text("Saved")
    datasource = Datasource.objects.get(workspace=workspace, name="Dropbox")
    expect(page).to_have_url(re.compile(rf"/editor/datasources/{datasource.pk}/$"))
    # The preset filled in what the form left empty.
    assert datasource.authorization_url == "https://www.dropbox.com/oauth2/authorize"
    assert datasource.client_secret == "s3cret-value"
    expect(page.get_by_label("Authorization URL")).to_have_value(datasource.authorization_url)
    expect(page.get_by_label("Client secret")).to_have_value("")
    expect(page.locator("#status-badge")).to_have_text("Not authorized")
    page.reload()
    assert "s3cret-value" not in page.content()
    expect(page.get_by_label("Client secret")).to_have_attribute("placeholder", "Unchanged")

    # Saving again without typing the secret keeps it.
    page.get_by_label("Scopes").fill("files.content.write files.content.read")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#banner")).to_contain_text("Saved")
    datasource.refresh_from_db()
    assert datasource.client_secret == "s3cret-value"
    assert datasource.scopes == ["files.content.write", "files.content.read"]
    assert page.errors == []


def test_save_and_authorize_sends_the_browser_to_the_provider(
    new_page: Any, members: dict[str, Any], oauth_datasource: Any
) -> None:
    path = f"/editor/datasources/{oauth_datasource.pk}/"
    page = new_page(members["developer"])
    provider: list[str] = []

    def provider_page(route: Any) -> None:
        provider.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<h1>Dropbox consent</h1>")

    page.route("https://www.dropbox.com/**", provider_page)
    page.goto(path)
    expect(page.get_by_label("Client ID")).to_have_value("app-key")
    page.get_by_role("button", name="Save and Authorize").click()

    expect(page.get_by_role("heading", name="Dropbox consent")).to_be_visible()
    query = parse_qs(urlsplit(provider[0]).query)
    assert query["client_id"] == ["app-key"]
    assert query["code_challenge_method"] == ["S256"]
    assert query["redirect_uri"][0].endswith("/api/v1/datasources/oauth2/callback/")
    assert "app-secret-never-shown" not in provider[0]


def test_outsiders_get_a_404(
    new_page: Any, members: dict[str, Any], oauth_datasource: Any, workspace: Any
) -> None:
    page = new_page(members["outsider"])
    response = page.goto(f"/editor/datasources/{oauth_datasource.pk}/")
    assert response is not None and response.status == 404
    response = page.goto(f"/editor/datasources/new/?workspace={workspace.pk}")
    assert response is not None and response.status == 404


def test_the_region_shows_for_a_preset_with_regions_and_is_saved(
    new_page: Any, members: dict[str, Any], workspace: Any
) -> None:
    from datasources.models import Datasource

    page = new_page(members["developer"])
    page.goto(f"/editor/datasources/new/?workspace={workspace.pk}")
    region = page.get_by_label("Region")
    expect(region).to_be_hidden()
    page.get_by_label("Preset").select_option("dropbox")
    expect(region).to_be_hidden()
    page.get_by_label("Preset").select_option("zoho_campaigns")
    expect(region).to_be_visible()
    region.select_option("eu")
    page.get_by_label("Name", exact=True).fill("Zoho")
    page.get_by_label("Client ID").fill("zoho-client")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator("#banner")).to_contain_text("Saved")
    datasource = Datasource.objects.get(workspace=workspace, name="Zoho")
    assert datasource.preset_region == "eu"
    assert datasource.url == "https://campaigns.zoho.eu/api/v1.1/"
    assert page.errors == []


def test_a_typed_credential_in_a_header_is_never_shown_and_is_kept(
    new_page: Any, members: dict[str, Any], oauth_datasource: Any
) -> None:
    typed = [{"key": "X-API-Key", "value": "typed-key-never-shown"}]
    oauth_datasource.headers = typed
    oauth_datasource.save()
    page = new_page(members["developer"])
    page.goto(f"/editor/datasources/{oauth_datasource.pk}/")

    headers = page.locator('[data-kv="headers"]')
    expect(headers.get_by_label("Key").nth(0)).to_have_value("X-API-Key")
    expect(headers.get_by_label("Value").nth(0)).to_have_value("")
    expect(headers.get_by_label("Value").nth(0)).to_have_attribute(
        "placeholder", "Set (type to replace)"
    )
    assert "typed-key-never-shown" not in page.content()

    # Another header changes the list: the untouched credential is sent back as set.
    headers.get_by_role("button", name="Add header").click()
    headers.get_by_label("Key").nth(1).fill("Accept")
    headers.get_by_label("Value").nth(1).fill("application/json")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator("#banner")).to_contain_text("Saved")
    oauth_datasource.refresh_from_db()
    assert oauth_datasource.headers == [*typed, {"key": "Accept", "value": "application/json"}]
    assert page.errors == []
