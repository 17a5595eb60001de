"""A stand-in for the portal runtime API in Chromium, and the portal opened against it.

`FakeRuntime` answers /api/v1/runtime/ with Playwright routes, as
docs/runtime-api.md says, and records what the portal sent; the `portal`
fixture (tests/browser/conftest.py) opens the published app's page with it.
"""

from __future__ import annotations

import json
import re
from typing import Any

UPLOADED = {"id": "f_1", "name": "a.txt", "size": 5, "type": "text/plain", "data": "blob:f_1"}


def node(name: str, type_: str, x: int, y: int, w: int, h: int, **props: Any) -> dict[str, Any]:
    position = {"x": x, "y": y, "w": w, "h": h}
    return {"widgetName": name, "type": type_, "props": props, "position": position, "children": []}


def seed_layout(dropbox_portal: dict[str, Any]) -> dict[str, Any]:
    """The seed page's layout as GET pages/{id}/ serves it: trigger properties removed."""
    layout = dropbox_portal["page"]["layout"]
    for child in layout["children"]:
        child["props"].pop("onFilesSelected", None)
    return layout


SEED_WIDGETS = {
    "MainContainer": {"type": "Container", "backgroundColor": "#FFFFFF", "isVisible": True},
    "Title": {
        "type": "Text",
        "text": "Upload your profile",
        "fontSize": "1.5rem",
        "textAlign": "LEFT",
        "isVisible": True,
    },
    "FilePicker1": {
        "type": "FilePicker",
        "label": "Select a file",
        "maxNumFiles": 1,
        "allowedFileTypes": ["*"],
        "files": [],
        "isValid": False,
        "isDisabled": False,
        "isVisible": True,
    },
    "Result": {"type": "Text", "text": "Nothing uploaded yet", "isVisible": True},
}


class FakeRuntime:
    """Playwright routes standing in for /api/v1/runtime/: canned answers, recorded requests."""

    def __init__(self, page: Any, app: Any, layout: dict[str, Any], widgets: dict[str, Any]):
        self.page_id = app.pages.get(name="Page1").pk
        self.pages = [{"id": self.page_id, "name": "Page1", "slug": "page1"}]
        self.body: dict[str, Any] = {
            "application": {"id": app.pk, "name": app.name, "slug": app.slug},
            "page": self.pages[0],
            "pages": self.pages,
            "layout": layout,
            "widgets": widgets,
            "actions": {},
            "errors": {},
            "store": {},
        }
        self.loads = 0
        self.events: list[dict[str, Any]] = []
        self.event_headers: list[dict[str, str]] = []
        self.answers: list[dict[str, Any]] = []
        self.uploads: list[Any] = []
        self.upload_answer: tuple[int, dict[str, Any]] = (201, UPLOADED)
        self.jobs: dict[str, list[dict[str, Any]]] = {}
        self.urls: list[str] = []
        # Page and events requests carry ?url=<the page's address>.
        base = re.escape(f"/api/v1/runtime/pages/{self.page_id}/")
        page.route(re.compile(rf"{base}(\?[^/]*)?$"), self._page)
        page.route(re.compile(rf"{base}events/(\?[^/]*)?$"), self._event)
        page.route("**/api/v1/runtime/files/", self._file)
        page.route("**/api/v1/runtime/jobs/*/", self._job)

    def _page(self, route: Any) -> None:
        self.loads += 1
        self.urls.append(route.request.url)
        route.fulfill(json=self.body)

    def _event(self, route: Any) -> None:
        self.events.append(json.loads(route.request.post_data))
        self.urls.append(route.request.url)
        self.event_headers.append(route.request.headers)
        route.fulfill(json=self.answers.pop(0) if self.answers else {"effects": [], "widgets": {}})

    def _file(self, route: Any) -> None:
        self.uploads.append(route.request)
        status, body = self.upload_answer
        route.fulfill(status=status, json=body)

    def _job(self, route: Any) -> None:
        job_id = route.request.url.rstrip("/").rsplit("/", 1)[-1]
        route.fulfill(json=self.jobs[job_id].pop(0))


def widget(page: Any, name: str) -> Any:
    return page.locator(f'[data-widget="{name}"]')


FORM_LAYOUT = {
    "widgetName": "MainContainer",
    "type": "Container",
    "props": {},
    "position": {"x": 0, "y": 0, "w": 64, "h": 40},
    "children": [
        node("NameInput", "Input", 2, 2, 30, 7),
        node("Send", "Button", 34, 4, 12, 4),
        node("Greeting", "Text", 2, 12, 40, 4),
    ],
}
FORM_WIDGETS = {
    "MainContainer": {"type": "Container", "isVisible": True},
    "NameInput": {
        "type": "Input",
        "label": "Your name",
        "inputType": "TEXT",
        "text": "",
        "placeholderText": "Ann",
        "isValid": False,
        "isRequired": True,
        "errorMessage": "A name is needed",
        "isVisible": True,
    },
    "Send": {"type": "Button", "text": "Send", "isDisabled": False, "isVisible": True},
    "Greeting": {"type": "Text", "text": "", "isVisible": True},
}


def pick_a_file(page: Any) -> None:
    page.locator('[data-widget="FilePicker1"] input[type=file]').set_input_files(
        files=[{"name": "a.txt", "mimeType": "text/plain", "buffer": b"hello"}]
    )
