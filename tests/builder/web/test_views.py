"""The HTML page views: sign-in, membership 404s, the unpublished page, and
that pages carry ids only (never secrets)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Field
from django.test import Client

from datasources.models import AuthType, Datasource
from datasources.presets import PRESETS, ZOHO_REGIONS
from tests.js_objects import object_literal

ROOT = Path(__file__).resolve().parents[3]

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


@pytest.mark.parametrize("value", ["abc", "-1", "\uff11", "0", str(2**63), str(2**70), "9" * 5000])
def test_a_malformed_workspace_is_a_404(value: str, members: dict[str, Any]) -> None:
    response = signed_in(members["developer"]).get(f"/editor/datasources/new/?workspace={value}")

    assert response.status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/apps/{big}/", "/apps/{big}/pages/1/", "/apps/1/pages/{big}/", "/editor/datasources/{big}/"],
)
@pytest.mark.parametrize("big", [2**63, 2**70, "9" * 5000])
def test_an_id_no_row_can_have_is_a_404(path: str, big: Any, members: dict[str, Any]) -> None:
    response = signed_in(members["developer"]).get(path.format(big=big))

    assert response.status_code == 404


class _Selects(HTMLParser):
    """Each <select>'s options by the select's name: [(value, label, selected)]."""

    def __init__(self) -> None:
        super().__init__()
        self.selects: dict[str, list[tuple[str, str, bool]]] = {}
        self._select: str | None = None
        self._option: dict[str, str | None] | None = None
        self._label = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "select":
            self._select = dict(attrs)["name"]
            self.selects[str(self._select)] = []
        elif tag == "option" and self._select is not None:
            self._option = dict(attrs)
            self._label = ""

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._label += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self._select is not None and self._option is not None:
            value = self._option.get("value")
            entry = (str(value), self._label.strip(), "selected" in self._option)
            self.selects[self._select].append(entry)
            self._option = None
        elif tag == "select":
            self._select = None


def test_the_datasource_screen_offers_the_choices_the_models_define(
    workspace: Any, members: dict[str, Any]
) -> None:
    response = signed_in(members["developer"]).get(
        f"/editor/datasources/new/?workspace={workspace.pk}"
    )
    parser = _Selects()
    parser.feed(response.content.decode())

    model_fields = {
        "authentication.type": "auth_type",
        "authentication.api_key_location": "api_key_location",
        "authentication.grant_type": "grant_type",
        "authentication.token_sharing": "token_sharing",
        "authentication.client_authentication": "client_authentication",
        "authentication.refresh_client_credentials_location": "refresh_client_credentials_location",
        "authentication.token_placement": "token_placement",
    }
    for select, field_name in model_fields.items():
        field = Datasource._meta.get_field(field_name)
        assert isinstance(field, Field), field_name
        assert [(value, label) for value, label, _ in parser.selects[select]] == [
            (str(value), str(label)) for value, label in field.choices or ()
        ], select
        assert [value for value, _, chosen in parser.selects[select] if chosen] == [
            str(field.get_default())
        ], select
    assert parser.selects["preset"] == [
        ("", "Custom", True),
        *((key, preset.label, False) for key, preset in PRESETS.items()),
    ]
    assert parser.selects["preset_region"] == [
        (key, f"{region.name} ({region.domain})", False) for key, region in ZOHO_REGIONS.items()
    ]
    assert b'data-region-presets="zoho_campaigns"' in response.content
    assert set(parser.selects) == {*model_fields, "preset", "preset_region", "workspace"}


def test_the_datasource_screen_writes_no_choice_of_its_own() -> None:
    # Its options are rendered from datasources.choices; the script reads the
    # presets that need a region from the page.
    template = (ROOT / "templates" / "editor" / "datasource.html").read_text(encoding="utf-8")
    script = (ROOT / "static" / "editor" / "datasource_form.js").read_text(encoding="utf-8")
    assert "<option" not in template
    for key in PRESETS:
        assert key not in script


def test_the_editor_labels_authentication_types_as_the_model_does() -> None:
    # The workspace list (home.js) names each datasource's authentication type.
    script = (ROOT / "static" / "editor" / "status.js").read_text(encoding="utf-8")
    assert object_literal(script, "AUTH_LABELS") == dict(AuthType.choices)


# The app builder


def _editor_context(content: bytes) -> dict[str, Any]:
    import json
    import re

    match = re.search(
        rb'<script id="editor-context" type="application/json">(.*?)</script>', content
    )
    assert match is not None, "the editor page carries its context"
    return dict(json.loads(match.group(1)))


def test_the_app_builder_page_carries_its_ids(application: Any, members: dict[str, Any]) -> None:
    page = application.pages.get(name="Page1")
    path = f"/editor/apps/{application.pk}/pages/{page.pk}/"

    response = signed_in(members["developer"]).get(path)

    assert response.status_code == 200
    assert "csrftoken" in response.cookies
    assert b"/static/editor/app/main.js" in response.content
    assert _editor_context(response.content) == {
        "application": application.pk,
        "page": page.pk,
        "workspace": application.workspace_id,
        "portalUrl": f"/apps/{application.pk}/pages/{page.pk}/",
        "editorUrl": path,
    }


def test_an_application_without_a_page_named_opens_its_first_page(
    application: Any, members: dict[str, Any]
) -> None:
    from builder.services.pages import create_page

    create_page(application=application, name="Later")
    first = application.pages.get(name="Page1")

    response = signed_in(members["admin"]).get(f"/editor/apps/{application.pk}/")

    assert response.status_code == 302
    assert response["Location"] == f"/editor/apps/{application.pk}/pages/{first.pk}/"


@pytest.mark.parametrize("role", ["viewer", "outsider"])
def test_only_developers_and_admins_open_the_app_builder(
    role: str, application: Any, members: dict[str, Any]
) -> None:
    page = application.pages.get(name="Page1")
    client = signed_in(members[role])

    assert client.get(f"/editor/apps/{application.pk}/pages/{page.pk}/").status_code == 404
    assert client.get(f"/editor/apps/{application.pk}/").status_code == 404


def test_a_page_of_another_application_is_a_404(
    application: Any, workspace: Any, members: dict[str, Any]
) -> None:
    from builder.services.applications import create_application

    other = create_application(user=members["developer"], workspace=workspace, name="Other")
    foreign = other.pages.get(name="Page1")
    client = signed_in(members["developer"])

    assert client.get(f"/editor/apps/{application.pk}/pages/{foreign.pk}/").status_code == 404
    assert client.get(f"/editor/apps/{application.pk + 1000}/").status_code == 404


def test_the_app_builder_sends_strangers_to_sign_in(application: Any) -> None:
    path = f"/editor/apps/{application.pk}/"

    response = Client().get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}"
