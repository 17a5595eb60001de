"""The seed portal in headless Chromium, against the real runtime and the test provider.

Nothing is stood in for: the page loads from Brace's runtime API on the live
server, the FilePicker's file goes through ``runtime/files/``, the
``onFilesSelected`` handler runs the ``UploadFileToDropbox`` query, and the
query uploads to the provider's Dropbox-compatible ``/2/files/upload``
(``tests.oauth_provider.dropbox``). The developer's Save and Authorize is done
in the fixture with an HTTP client (``tests/browser/test_authorize_flow.py``
drives it in the browser); the end user signs in with Brace's login form.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import expect
from rest_framework.test import APIClient

from tests.conftest import PASSWORD
from tests.e2e.seed_app import (
    UPLOADED_NAME,
    SeedApp,
    authorize_in_browser,
    build_seed_app,
    publish,
)
from tests.oauth_provider.dropbox import ProviderApis
from tests.oauth_provider.process import Provider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def end_user(make_user: Callable[..., Any]) -> Any:
    return make_user("erin_end_user")


@pytest.fixture
def seed_app(
    provider: Provider,
    apis: ProviderApis,
    settings: Any,
    tmp_path: Any,
    members: dict[str, Any],
    end_user: Any,
    token_client: Callable[[Any], APIClient],
    dropbox_portal: dict[str, Any],
) -> SeedApp:
    """The seed app built through the REST API, authorized (as alice) and published."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    developer = token_client(members["developer"])
    app = build_seed_app(
        developer,
        provider,
        dropbox_portal,
        viewers=[end_user.username],
        extra_widgets=[UPLOADED_NAME],
    )
    session = Client()
    session.force_login(members["developer"])
    landing = authorize_in_browser(session, app.datasource)
    assert landing.response_status == "success", landing.params
    publish(developer, app.application)
    return app


def widget(page: Any, name: str) -> Any:
    return page.locator(f'[data-widget="{name}"]')


def test_an_end_user_picks_a_file_and_it_lands_in_dropbox(
    new_page: Callable[..., Any],
    site_url: str,
    seed_app: SeedApp,
    apis: ProviderApis,
    end_user: Any,
) -> None:
    content = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64
    page = new_page()
    page.goto(f"/apps/{seed_app.application}/")
    page.get_by_label("Username").fill(end_user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{site_url}/apps/{seed_app.application}/")
    expect(page.locator("#portal")).to_have_attribute("aria-busy", "false")
    expect(widget(page, "Result")).to_have_text("Nothing uploaded yet")

    widget(page, "FilePicker1").locator("input[type=file]").set_input_files(
        files=[{"name": "avatar.png", "mimeType": "image/png", "buffer": content}]
    )

    expect(page.locator(".toast.is-success")).to_have_text(re.compile("Uploaded avatar.png"))
    expect(widget(page, "Result")).to_have_text("Stored as /avatar.png")
    expect(widget(page, "UploadedName")).to_have_text("avatar.png")
    stored = apis.files()["/avatar.png"]
    assert stored["sha256"] == hashlib.sha256(content).hexdigest()
    assert apis.content("/avatar.png") == content
    (sent,) = apis.requests("dropbox.upload")
    assert sent["headers"]["content-type"] == "application/octet-stream"
    assert page.errors == []

    page.reload()
    expect(page.locator("#portal")).to_have_attribute("aria-busy", "false")
    expect(widget(page, "Result")).to_have_text("Stored as /avatar.png")
