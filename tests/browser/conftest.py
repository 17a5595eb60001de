"""Fixtures for the Chromium tests.

`browser` is Debian's Chromium (/usr/bin/chromium) driven by Playwright's sync
API, one per test module (see `playwright_driver` for why not one per
session); each test gets fresh contexts (no shared cookies or storage) from
`new_page`, which fails a test whose pages break the Content-Security-Policy
(`page.csp_violations`). Without Chromium the tests skip, except under CI
(the CI variable set), where a missing browser is a failure: .ci/run installs
it, so its absence there is a broken setup, not an optional extra.

Pages are served by pytest-django's `live_server` (a real server thread on a
loopback port) over the test database, so tests need
`django_db(transaction=True)`: the server thread cannot see data inside the
test's open transaction.

`open_editor(page=None, before=None)` opens the app builder on a page of the
`application` fixture as its developer; `seeded_page` gives its Page1 the
seed's layout and query (UploadFileToDropbox on the Dropbox datasource).

`published` is the `application` fixture published; `portal(layout=None,
widgets=None, errors=None)` opens it in Chromium against `FakeRuntime`
(tests/browser/fake_runtime.py), which stands in for the runtime API.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.fake_runtime import SEED_WIDGETS, FakeRuntime, seed_layout

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Long enough for a cold Chromium on a loaded CI machine (the suite runs worker,
# gunicorn and provider processes beside it), short enough that a missing
# element fails the test instead of hanging it.
TIMEOUT_MS = 20_000


@pytest.fixture(scope="module")
def playwright_driver(django_db_setup: Any) -> Iterator[Any]:
    """Playwright's sync driver, alive for one test module.

    While it lives, an asyncio loop runs in this thread, and Django's guard
    against ORM calls from async code would refuse every query of the plain
    synchronous test code (and of the test database's setup and flushes). The
    guard is lifted for exactly that lifetime, which is why the driver is not
    session-wide: tests of other areas run with the guard in place.
    """
    if not CHROMIUM.exists():
        message = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as driver:
            yield driver


@pytest.fixture(scope="module")
def browser(playwright_driver: Any) -> Iterator[Any]:
    """Headless Debian Chromium.

    Playwright's launch() gives it a fresh temporary profile (user-data dir),
    removed when the browser closes; it refuses a --user-data-dir argument.
    """
    chromium = playwright_driver.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=60_000
    )
    yield chromium
    chromium.close()


@pytest.fixture
def site_url(live_server: Any) -> str:
    """The live server's origin, by loopback IP.

    By IP rather than "localhost" because an OAuth provider accepts any port
    only on loopback IPs (RFC 8252 §7.3), and because a test provider reached
    as "localhost" then keeps its cookies apart from Brace's (cookies ignore
    ports, and both are Django apps with the same cookie names).
    """
    return str(live_server.url).replace("://localhost:", "://127.0.0.1:")


# Where each browser test leaves a screenshot of every page it opened, as the
# page stood when the test ended, to look at: a test can pass on a broken screen.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "test-output" / "screenshots"


@pytest.fixture
def new_page(
    browser: Any, site_url: str, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Any]]:
    """new_page(user=None) -> a Playwright page on the live server, signed in as `user`.

    Signing in goes through Django's session machinery (a real session cookie),
    not the login form, which only the login test drives. When the test ends,
    each page's screenshot goes to var/test-output/screenshots/.
    """
    contexts: list[Any] = []

    def make(user: Any = None) -> Any:
        context = browser.new_context(base_url=site_url)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        if user is not None:
            context.add_cookies([session_cookie(user, site_url)])
        page = context.new_page()
        # A JavaScript error in Brace's own modules fails the test that caused it.
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        record_csp_violations(page)
        pages.append(page)
        return page

    pages: list[Any] = []
    yield make
    violations = [v for page in pages for v in page.csp_violations]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid.split("::", 1)[-1])
    for index, page in enumerate(pages):
        if not page.is_closed():
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{index}.png"), full_page=True)
    for context in contexts:
        context.close()
    # Every screen any browser test opens runs under the Content-Security-Policy.
    assert violations == [], "Content-Security-Policy violations"


# Reports each `securitypolicyviolation` event to Python. Playwright injects it
# through the DevTools protocol, so the page's policy does not apply to it.
_REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.braceCspViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} ` +
    `on ${event.documentURI} (${event.sourceFile || ""}:${event.lineNumber})`);
});
"""


def record_csp_violations(page: Any) -> None:
    """Collect the page's Content-Security-Policy violations in `page.csp_violations`."""
    violations: list[str] = []

    def record(violation: str) -> None:
        violations.append(violation)

    page.csp_violations = violations
    page.expose_function("braceCspViolation", record)
    page.add_init_script(_REPORT_CSP_VIOLATIONS)


def session_cookie(user: Any, url: str) -> dict[str, Any]:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": url,
    }


@pytest.fixture
def published(application: Any, members: dict[str, Any]) -> Any:
    """The `application` fixture, published (its one page, Page1)."""
    from builder.services.applications import publish_application

    publish_application(application=application, user=members["developer"])
    application.refresh_from_db()
    return application


@pytest.fixture
def portal(
    new_page: Callable[..., Any], members: dict[str, Any], published: Any, dropbox_portal: Any
) -> Callable[..., tuple[Any, FakeRuntime]]:
    """portal(layout=None, widgets=None) -> (page, fake runtime), the page opened."""
    from playwright.sync_api import expect

    def open_portal(
        layout: dict[str, Any] | None = None,
        widgets: dict[str, Any] | None = None,
        errors: dict[str, Any] | None = None,
    ) -> tuple[Any, FakeRuntime]:
        page = new_page(members["viewer"])
        runtime = FakeRuntime(
            page,
            published,
            layout or seed_layout(dropbox_portal),
            json.loads(json.dumps(widgets or SEED_WIDGETS)),
        )
        runtime.body["errors"] = errors or {}
        page.goto(f"/apps/{published.pk}/")
        expect(page.locator("#portal")).to_have_attribute("aria-busy", "false")
        return page, runtime

    return open_portal


@pytest.fixture
def seeded_page(application: Any, datasource: Any, dropbox_portal: dict[str, Any]) -> Any:
    """The application's Page1 holding the seed's widgets and its one query."""
    from builder.services.actions import create_action
    from builder.services.pages import update_page

    page = application.pages.get(name="Page1")
    query = dropbox_portal["actions"][0]
    create_action(
        page=page, name=query["name"], config=query["config"], datasource_id=datasource.pk
    )
    return update_page(page=page, layout=dropbox_portal["page"]["layout"])


@pytest.fixture
def open_editor(new_page: Callable[..., Any], members: dict[str, Any], application: Any) -> Any:
    """open_editor(page=None, before=None, user=None) -> a browser page on the app builder.

    It opens `page` (Page1 by default) of the `application` fixture as its
    developer (or `user`), and returns once the editor has loaded;
    `before(browser_page)` runs before the page loads (to route requests).
    """
    from playwright.sync_api import expect

    def open_it(
        page: Any = None, before: Callable[[Any], None] | None = None, user: Any = None
    ) -> Any:
        browser_page = new_page(user or members["developer"])
        if before is not None:
            before(browser_page)
        target = page or application.pages.get(name="Page1")
        browser_page.goto(f"/editor/apps/{application.pk}/pages/{target.pk}/")
        if before is None:
            expect(browser_page.locator("#editor")).to_have_attribute("aria-busy", "false")
        return browser_page

    return open_it
