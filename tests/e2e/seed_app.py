"""Building the seed app (builder/examples/dropbox_portal.json) through Brace's
REST API against the loopback provider, authorizing it, publishing it and
driving its portal: shared by the e2e modules and the Chromium test."""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from tests.oauth_provider import browser as dance
from tests.oauth_provider.clients import CLIENTS
from tests.oauth_provider.process import Provider

API = "/api/v1"
# The Text widget the test adds to the seed page: it shows the stored file's name.
UPLOADED_NAME = {
    "widgetName": "UploadedName",
    "type": "Text",
    "props": {"text": "{{UploadFileToDropbox.data.name}}"},
    "position": {"x": 2, "y": 16, "w": 40, "h": 4},
    "children": [],
}


# Building the app through the REST API


@dataclass(frozen=True)
class SeedApp:
    """Ids of what `build_seed_app` created."""

    workspace: int
    datasource: int
    application: int
    page: int
    action: int


def provider_datasource(
    seed: dict[str, Any], provider: Provider, workspace: int, **authentication: Any
) -> dict[str, Any]:
    """The seed's datasource with its URLs and client pointed at the test provider."""
    body = copy.deepcopy(seed["datasource"])
    secret, _ = CLIENTS["brace-code"]
    body["workspace"] = workspace
    body["url"] = provider.url("/")
    body["authentication"].update(
        authorization_url=provider.authorization_url,
        access_token_url=provider.token_url,
        client_id="brace-code",
        client_secret=secret,
        **authentication,
    )
    return body


def created(response: Any) -> dict[str, Any]:
    """The JSON of a 201, or a failure showing what Brace answered."""
    assert response.status_code == 201, response.content
    return dict(response.json())


def build_seed_app(
    developer: APIClient,
    provider: Provider,
    seed: dict[str, Any],
    *,
    viewers: list[str],
    extra_widgets: list[dict[str, Any]] | None = None,
    authentication: dict[str, Any] | None = None,
) -> SeedApp:
    """The seed app as a developer makes it in the editor; `viewers` become viewers.

    `authentication` overrides fields of the seed datasource's. Publishing is
    left to the caller, after Save and Authorize.
    """
    workspace = created(developer.post(f"{API}/workspaces/", {"name": "Profiles"}, format="json"))
    for username in viewers:
        member = {"username": username, "role": "viewer"}
        created(
            developer.post(f"{API}/workspaces/{workspace['id']}/members/", member, format="json")
        )
    datasource = created(
        developer.post(
            f"{API}/datasources/",
            provider_datasource(seed, provider, workspace["id"], **(authentication or {})),
            format="json",
        )
    )
    application = created(
        developer.post(
            f"{API}/applications/", {"workspace": workspace["id"], "name": "Profile"}, format="json"
        )
    )
    page_id = application["pages"][0]["id"]
    layout = copy.deepcopy(seed["page"]["layout"])
    layout["children"].extend(copy.deepcopy(extra_widgets or []))
    patched = developer.patch(f"{API}/pages/{page_id}/", {"layout": layout}, format="json")
    assert patched.status_code == 200, patched.content
    (seed_action,) = seed["actions"]
    action = created(
        developer.post(
            f"{API}/actions/",
            {
                "page": page_id,
                "name": seed_action["name"],
                "datasource": datasource["id"],
                "config": seed_action["config"],
            },
            format="json",
        )
    )
    return SeedApp(workspace["id"], datasource["id"], application["id"], page_id, action["id"])


def authorize_in_browser(session: Client, datasource_id: int) -> dance.Landing:
    """Save and Authorize from the datasource screen, as the editor's browser does it."""
    return dance.authorize(
        session, datasource_id, return_to=f"/editor/datasources/{datasource_id}/"
    )


def run(developer: APIClient, action: int, **params: Any) -> dict[str, Any]:
    """The editor's Run button: POST actions/{id}/run/ with ``params``; the 200 answer."""
    response = developer.post(f"{API}/actions/{action}/run/", {"params": params}, format="json")
    assert response.status_code == 200, response.content
    return dict(response.json())


def publish(developer: APIClient, application_id: int) -> None:
    created(developer.post(f"{API}/applications/{application_id}/publish/", {}, format="json"))


# The portal as an end user's browser uses it


def pick_file(
    client: APIClient, page_id: int, name: str, content: bytes, content_type: str = "text/plain"
) -> dict[str, Any]:
    """Store a picked file (POST runtime/files/); the FilePicker's entry for it."""
    upload = SimpleUploadedFile(name, content, content_type)
    response = client.post(
        f"{API}/runtime/files/",
        {"file": upload, "page": page_id, "widget": "FilePicker1"},
        format="multipart",
    )
    return created(response)


def fire(
    client: APIClient,
    page_id: int,
    widget: str,
    event: str,
    meta: dict[str, Any] | None = None,
) -> Any:
    """POST runtime/pages/{id}/events/ as the portal does (the raw response)."""
    body: dict[str, Any] = {"widget": widget, "event": event}
    if meta is not None:
        body["meta"] = meta
    return client.post(f"{API}/runtime/pages/{page_id}/events/", body, format="json")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def alerts(answer: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e["message"], e["style"]) for e in answer["effects"] if e["type"] == "showAlert"]


# Fixtures
