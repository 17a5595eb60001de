"""The HTML page views: sign-in, membership 404s, the unpublished page, and
that pages carry ids only (never secrets)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db]


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def published(application: Any, members: dict[str, Any]) -> Any:
    from builder.services.applications import publish_application

    publish_application(application=application, user=members["developer"])
    application.refresh_from_db()
    return application


@pytest.mark.parametrize(
    "path", ["/editor/", "/editor/datasources/new/", "/editor/datasources/1/", "/apps/1/"]
)
def test_pages_send_strangers_to_sign_in(path: str) -> None:
    response = Client().get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}"


def test_the_editor_page_sets_the_csrf_cookie_for_its_api_calls(members: dict[str, Any]) -> None:
    response = signed_in(members["viewer"]).get("/editor/")

    assert response.status_code == 200
    assert "csrftoken" in response.cookies
    assert b'type="module"' in response.content
    assert b"/static/editor/home.js" in response.content


def test_pages_answer_only_get(members: dict[str, Any]) -> None:
    assert signed_in(members["viewer"]).post("/editor/").status_code == 405


def test_the_portal_serves_the_first_published_page(
    published: Any, members: dict[str, Any]
) -> None:
    page = published.pages.get(name="Page1")

    response = signed_in(members["viewer"]).get(f"/apps/{published.pk}/")

    assert response.status_code == 200
    assert f'data-page-id="{page.pk}"'.encode() in response.content
    assert f'data-application-id="{published.pk}"'.encode() in response.content
    assert b"/static/portal/portal.js" in response.content


def test_the_portal_serves_a_named_published_page(published: Any, members: dict[str, Any]) -> None:
    page = published.pages.get(name="Page1")
    client = signed_in(members["viewer"])

    assert client.get(f"/apps/{published.pk}/pages/{page.pk}/").status_code == 200
    assert client.get(f"/apps/{published.pk}/pages/{page.pk + 1000}/").status_code == 404


def test_a_page_added_after_publishing_is_not_served(
    published: Any, members: dict[str, Any]
) -> None:
    from builder.services.pages import create_page

    draft = create_page(application=published, name="Draft")

    response = signed_in(members["viewer"]).get(f"/apps/{published.pk}/pages/{draft.pk}/")

    assert response.status_code == 404


def test_an_unpublished_app_answers_a_friendly_404(
    application: Any, members: dict[str, Any]
) -> None:
    response = signed_in(members["viewer"]).get(f"/apps/{application.pk}/")

    assert response.status_code == 404
    assert b"This app is not published yet" in response.content


@pytest.mark.parametrize("path", ["/apps/{app}/", "/apps/{app}/pages/{page}/"])
def test_outsiders_get_the_same_404_as_for_a_missing_app(
    path: str, published: Any, members: dict[str, Any]
) -> None:
    page = published.pages.get(name="Page1")
    client = signed_in(members["outsider"])

    response = client.get(path.format(app=published.pk, page=page.pk))
    missing = client.get(path.format(app=published.pk + 1000, page=page.pk))

    assert response.status_code == missing.status_code == 404
    assert b"not published" not in response.content


def test_the_datasource_page_carries_ids_not_secrets(
    datasource: Any, members: dict[str, Any]
) -> None:
    datasource.client_secret = "client-secret-value"
    datasource.bearer_token = "bearer-token-value"
    datasource.save()

    response = signed_in(members["developer"]).get(f"/editor/datasources/{datasource.pk}/")

    assert response.status_code == 200
    assert f'data-datasource-id="{datasource.pk}"'.encode() in response.content
    assert b"client-secret-value" not in response.content
    assert b"bearer-token-value" not in response.content


def test_datasource_pages_hide_other_workspaces(
    datasource: Any, workspace: Any, members: dict[str, Any]
) -> None:
    client = signed_in(members["outsider"])

    assert client.get(f"/editor/datasources/{datasource.pk}/").status_code == 404
    assert client.get(f"/editor/datasources/{datasource.pk + 1000}/").status_code == 404
    assert client.get(f"/editor/datasources/new/?workspace={workspace.pk}").status_code == 404


@pytest.mark.parametrize("query", ["", "?workspace={ws}"])
def test_the_new_datasource_page(query: str, workspace: Any, members: dict[str, Any]) -> None:
    response = signed_in(members["developer"]).get(
        "/editor/datasources/new/" + query.format(ws=workspace.pk)
    )

    assert response.status_code == 200
    expected = str(workspace.pk) if query else ""
    assert f'data-workspace-id="{expected}"'.encode() in response.content


@pytest.mark.parametrize("value", ["abc", "-1", "\uff11"])
def test_a_malformed_workspace_is_a_404(value: str, members: dict[str, Any]) -> None:
    response = signed_in(members["developer"]).get(f"/editor/datasources/new/?workspace={value}")

    assert response.status_code == 404
