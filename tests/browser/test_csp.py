"""Brace's screens under their Content-Security-Policy in Chromium: each one
loads and works with no violation, and an injected inline script is refused.

Violations are recorded on every page `new_page` opens (tests/browser/conftest.py);
these tests open the screens one by one and look at the record themselves.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_editor_home_and_the_datasource_screen(
    new_page: Any, members: dict[str, Any], workspace: Any, datasource: Any
) -> None:
    page = new_page(members["developer"])

    page.goto("/editor/")
    expect(page.locator(f'[data-datasource="{datasource.pk}"]')).to_be_visible()
    page.goto(f"/editor/datasources/{datasource.pk}/")
    expect(page.locator("#f-name")).to_have_value(datasource.name)
    page.locator("#f-auth-type").select_option("oauth2")
    expect(page.locator("#f-redirect")).to_be_visible()

    assert page.csp_violations == []
    assert page.errors == []


def test_a_portal_page_with_the_real_runtime(
    new_page: Any, members: dict[str, Any], published: Any
) -> None:
    page = new_page(members["viewer"])

    page.goto(f"/apps/{published.pk}/")
    expect(page.locator("#portal")).to_have_attribute("aria-busy", "false")

    assert page.csp_violations == []
    assert page.errors == []


def test_signing_in_and_out(new_page: Any, site_url: str, members: dict[str, Any]) -> None:
    page = new_page()
    # Every resource the screens ask for exists: the sign-in pages, too, say
    # they have no icon instead of letting the browser fetch /favicon.ico.
    failed: list[str] = []
    page.on("console", lambda m: failed.append(m.text) if m.type == "error" else None)

    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", name="Sign in to Brace")).to_be_visible()
    page.get_by_label("Username").fill(members["developer"].username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{site_url}/editor/")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Signed out")).to_be_visible()

    assert page.csp_violations == []
    assert failed == []


def test_the_admin_console(
    new_page: Any, site_url: str, members: dict[str, Any], application: Any
) -> None:
    from django.contrib.auth.models import User

    from builder.models import RuntimeSession

    User.objects.create_superuser("root", password=PASSWORD)
    session = RuntimeSession.objects.create(
        user=members["viewer"], application=application, store={"note": "<b>x</b>"}
    )
    page = new_page()

    page.goto("/admin/")
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{site_url}/admin/")
    page.goto("/admin/builder/application/")
    expect(page.locator("#result_list")).to_contain_text(application.name)
    # A change form with an autocomplete (select2) opened, and the JSON of a runtime row.
    page.goto(f"/admin/builder/page/{application.pages.get().pk}/change/")
    page.locator(".select2-selection").first.click()
    expect(page.locator(".select2-results")).to_be_visible()
    page.goto(f"/admin/builder/runtimesession/{session.pk}/change/")
    json_block = page.locator("pre.brace-json").first
    expect(json_block).to_be_visible()
    assert json_block.evaluate("el => getComputedStyle(el).whiteSpace") == "pre-wrap"

    assert page.csp_violations == []
    assert page.errors == []


def test_an_injected_inline_script_is_refused_and_reported(
    new_page: Any, members: dict[str, Any]
) -> None:
    page = new_page(members["developer"])
    page.goto("/editor/")

    directive = page.evaluate(
        """() => new Promise((resolve) => {
          document.addEventListener(
            "securitypolicyviolation", (event) => resolve(event.effectiveDirective), {once: true});
          const script = document.createElement("script");
          script.textContent = "document.title = 'injected'";
          document.body.append(script);
        })"""
    )

    assert directive == "script-src-elem"
    assert page.title() != "injected"
    # The recorder saw it too (it reports through the DevTools protocol, in order).
    for _ in range(100):
        if page.csp_violations:
            break
        page.wait_for_timeout(50)
    assert len(page.csp_violations) == 1
    assert page.csp_violations[0].startswith("script-src-elem blocked inline")
    page.csp_violations.clear()  # expected here; any other would fail the test
