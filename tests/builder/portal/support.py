"""Helpers of the portal runtime tests: the seed app published, files picked, events fired."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from builder.models import Action, Application, Page
from builder.services.applications import publish_application
from datasources.models import AuthType, Datasource
from tests.fakes.dropbox import TOKEN

API = "/api/v1/runtime"


@dataclass(frozen=True)
class SeedApp:
    application: Application
    page: Page
    datasource: Datasource
    action: Action


def page_url(page: Page | int) -> str:
    return f"{API}/pages/{getattr(page, 'pk', page)}/"


def events_url(page: Page | int) -> str:
    return f"{page_url(page)}events/"


def publish_seed(seed: dict[str, Any], page: Page, api_url: str, developer: Any) -> SeedApp:
    """The seed app on `page`, its datasource a bearer token for `api_url`; published."""
    page.layout = copy.deepcopy(seed["page"]["layout"])
    page.save()
    datasource = Datasource.objects.create(
        workspace=page.application.workspace,
        name=seed["datasource"]["name"],
        url=api_url,
        headers=seed["datasource"]["headers"],
        auth_type=AuthType.BEARER,
        bearer_token=TOKEN,
    )
    (action,) = seed["actions"]
    row = Action.objects.create(
        page=page, name=action["name"], datasource=datasource, config=action["config"]
    )
    publish_application(application=page.application, user=developer)
    return SeedApp(page.application, page, datasource, row)


def publish_seed_on_provider(
    seed: dict[str, Any],
    page: Page,
    datasource: Datasource,
    api_url: str,
    authorize: Callable[[Datasource], Any],
    developer: Any,
) -> Page:
    """The seed app on `page`, published: its query on `datasource` (an OAuth
    datasource of the test provider) made the Dropbox preset on the provider's
    API at `api_url`, then authorized."""
    datasource.preset = "dropbox"
    datasource.url = api_url
    datasource.headers = seed["datasource"]["headers"]
    datasource.save(update_fields=["preset", "url", "headers"])
    authorize(datasource)
    page.layout = seed["page"]["layout"]
    page.save()
    (action,) = seed["actions"]
    Action.objects.create(
        page=page, name=action["name"], datasource=datasource, config=action["config"]
    )
    publish_application(application=page.application, user=developer)
    return page


def publish_page(page: Page, developer: Any, layout: dict[str, Any], **queries: Any) -> Page:
    """Publish `layout` on `page` with queries {name: (datasource, config)}."""
    page.layout = layout
    page.save()
    for name, (datasource, config) in queries.items():
        Action.objects.update_or_create(
            page=page, name=name, defaults={"datasource": datasource, "config": config}
        )
    publish_application(application=page.application, user=developer)
    return page


def pick(
    client: APIClient,
    page: Page,
    content: bytes,
    *,
    name: str = "a.txt",
    content_type: str = "text/plain",
    widget: str = "FilePicker1",
) -> dict[str, Any]:
    """POST runtime/files/ as the portal does; the FilePicker entry it answers."""
    response = client.post(
        f"{API}/files/",
        {
            "file": SimpleUploadedFile(name, content, content_type),
            "page": page.pk,
            "widget": widget,
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    return dict(response.json())


def fire(
    client: APIClient, page: Page | int, widget: str, event: str, meta: Any = None, **body: Any
) -> Any:
    """POST runtime/pages/{id}/events/; the raw response."""
    payload: dict[str, Any] = {"widget": widget, "event": event, **body}
    if meta is not None:
        payload["meta"] = meta
    return client.post(events_url(page), payload, format="json")


def answer(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.content
    return dict(response.json())
