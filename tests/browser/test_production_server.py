"""The editor and the portal in Chromium, served as production serves them:
gunicorn (config/gunicorn.py) with the production settings, the static files
collected with hashed names and served by WhiteNoise. Every ES module loads
under its hashed name, nothing fails to load, nothing breaks the
Content-Security-Policy (recorded on every page by `new_page`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.production_server import ProductionServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HASHED_STATIC = re.compile(r"/static/.+\.[0-9a-f]{12}\.(js|css)$")


@pytest.fixture
def site_url(transactional_db: Any, tmp_path: Path) -> Iterator[str]:
    """The pages come from gunicorn instead of pytest-django's live server."""
    with ProductionServer(tmp_path, workers=2) as server:
        yield server.url


def _watch(page: Any) -> tuple[list[str], list[str]]:
    """(URLs of scripts loaded, requests that failed or answered 4xx/5xx)."""
    scripts: list[str] = []
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))

    def answered(response: Any) -> None:
        if response.status >= 400:
            failed.append(f"{response.status} {response.url}")
        elif response.request.resource_type == "script":
            scripts.append(response.url)

    page.on("response", answered)
    return scripts, failed


def test_the_editor_loads_its_hashed_modules_from_gunicorn(
    open_editor: Callable[..., Any],
) -> None:
    watched: dict[str, tuple[list[str], list[str]]] = {}

    def before(page: Any) -> None:
        watched["page"] = _watch(page)

    page = open_editor(before=before)
    expect(page.locator("#editor")).to_have_attribute("aria-busy", "false")
    expect(page.get_by_role("button", name="Publish")).to_be_visible()
    scripts, failed = watched["page"]
    assert failed == []
    assert page.errors == []
    assert len(scripts) > 20
    # The codemirror bundle too: every module by its hashed name.
    assert any("/static/vendor/codemirror/codemirror." in url for url in scripts)
    assert [url for url in scripts if not HASHED_STATIC.search(url)] == []


def test_the_portal_loads_its_hashed_modules_from_gunicorn(
    new_page: Callable[..., Any], members: dict[str, Any], application: Any, seeded_page: Any
) -> None:
    from builder.services.applications import publish_application

    publish_application(application=application, user=members["developer"])
    page = new_page(members["viewer"])
    scripts, failed = _watch(page)
    page.goto(f"/apps/{application.pk}/")
    expect(page.locator("#portal")).to_have_attribute("aria-busy", "false")
    expect(page.get_by_role("button", name="Select a file")).to_be_visible()
    assert failed == []
    assert page.errors == []
    assert len(scripts) > 10
    assert [url for url in scripts if not HASHED_STATIC.search(url)] == []
