"""The Content-Security-Policy: on the editor, portal, sign-in and admin pages, and
what the templates may hold under it (no inline script or style, no event attributes)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from builder.models import RuntimeSession
from builder.services.applications import publish_application

ROOT = Path(__file__).resolve().parents[2]

# What every page gets; the directive names and sources, as a set per directive.
POLICY = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "connect-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'none'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
}


def policy_of(response: Any) -> dict[str, set[str]]:
    header = response["Content-Security-Policy"]
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: set(sources) for name, *sources in directives}


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def published(application: Any, members: dict[str, Any]) -> Any:
    publish_application(application=application, user=members["developer"])
    return application


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/editor/",
        "/editor/datasources/new/",
        "/editor/datasources/{datasource}/",
        "/apps/{application}/",
        "/apps/{application}/pages/{page}/",
    ],
)
def test_the_editor_and_portal_pages_carry_the_policy(
    members: dict[str, Any], published: Any, datasource: Any, path: str
) -> None:
    page = published.pages.get(name="Page1")
    url = path.format(datasource=datasource.pk, application=published.pk, page=page.pk)
    response = signed_in(members["viewer"]).get(url)
    assert response.status_code == 200
    assert policy_of(response) == POLICY


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/", "/accounts/logout/"])
def test_the_sign_in_pages_carry_the_policy(path: str) -> None:
    response = Client().post(path) if path.endswith("logout/") else Client().get(path)
    assert response.status_code == 200
    assert policy_of(response) == POLICY


@pytest.mark.django_db
def test_the_admin_pages_carry_the_policy(
    admin_client: Client, members: dict[str, Any], application: Any
) -> None:
    session = RuntimeSession.objects.create(
        user=members["viewer"], application=application, store={"a": "<b>"}
    )
    for url in [
        reverse("admin:index"),
        reverse("admin:builder_application_changelist"),
        reverse("admin:builder_runtimesession_change", args=[session.pk]),
    ]:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert policy_of(response) == POLICY, url
    # The session's JSON is laid out by a class from a stylesheet, not a style attribute.
    assert b'<pre class="brace-json">' in response.content
    assert b"/static/brace/admin.css" in response.content


@pytest.mark.django_db
def test_the_api_docs_add_only_the_swagger_ui_cdn(admin_client: Client) -> None:
    from drf_spectacular.settings import spectacular_settings

    cdn = f"{spectacular_settings.SWAGGER_UI_DIST}/"
    response = admin_client.get("/api/docs/")
    assert response.status_code == 200
    policy = policy_of(response)
    assert policy["script-src"] == {"'self'", cdn}
    assert policy["style-src"] == {"'self'", cdn, "'unsafe-inline'"}
    assert policy["connect-src"] == {"'self'"}
    assert b"<script>" not in response.content  # the init script is a file of its own
    script = admin_client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE), "an inline <script>"),
    (re.compile(r"<style\b", re.IGNORECASE), "a <style> element"),
    (re.compile(r"\son[a-z]+\s*=", re.IGNORECASE), "an on* event attribute"),
    (re.compile(r"\sstyle\s*=", re.IGNORECASE), "a style attribute"),
    (re.compile(r"javascript:", re.IGNORECASE), "a javascript: URL"),
]


@pytest.mark.parametrize(
    "template",
    sorted(str(p.relative_to(ROOT)) for p in (ROOT / "templates").rglob("*.html")),
)
def test_templates_hold_no_inline_script_or_style(template: str) -> None:
    text = (ROOT / template).read_text()
    for pattern, what in INLINE:
        assert not pattern.search(text), f"{template} has {what}; the policy refuses it"


def test_python_writes_no_inline_style_into_html() -> None:
    # format_html in admin modules is where HTML is written outside templates.
    for module in sorted(ROOT.glob("*/admin.py")):
        assert not re.search(r"\sstyle\s*=", module.read_text()), module
