"""The demo that `make run` seeds: the Dropbox portal of
builder/examples/dropbox_portal.json, an admin user to sign in with, published.

Idempotent: a second run finds the demo workspace and changes nothing but
prints the credentials again (kept in var/, readable by the owner only).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from builder.models import Application
from builder.services import actions, applications, pages
from datasources.services import create_datasource
from workspaces.models import Workspace
from workspaces.services import create_workspace

DEMO_WORKSPACE = "Demo"
DEMO_APPLICATION = "Dropbox portal"
ADMIN_USERNAME = "admin"
FIXTURE = Path(__file__).resolve().parent / "examples" / "dropbox_portal.json"


@dataclass(frozen=True)
class DemoCredentials:
    username: str
    password: str
    application_id: int
    created: bool


def _credentials_file() -> Path:
    return Path(settings.VAR_DIR) / "demo-admin-password"


def _admin_user() -> tuple[Any, str]:
    """The demo superuser and its password; a new random one on first run."""
    user_model = get_user_model()
    path = _credentials_file()
    user = user_model.objects.filter(username=ADMIN_USERNAME).first()
    if user is not None and path.exists():
        return user, path.read_text().strip()
    password = secrets.token_urlsafe(12)
    if user is None:
        user = user_model.objects.create_superuser(ADMIN_USERNAME, "admin@example.com", password)
    else:
        # The credentials file was lost: reset, so that we can print a working password.
        user.set_password(password)
        user.save(update_fields=["password"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(password + "\n")
    path.chmod(0o600)
    return user, password


def seed_demo(fixture: Path = FIXTURE) -> DemoCredentials:
    user, password = _admin_user()
    existing = Application.objects.filter(
        workspace__name=DEMO_WORKSPACE, name=DEMO_APPLICATION
    ).first()
    if existing is not None:
        return DemoCredentials(user.get_username(), password, existing.pk, created=False)
    app = json.loads(fixture.read_text())
    with transaction.atomic():
        workspace = Workspace.objects.filter(
            name=DEMO_WORKSPACE, memberships__user=user
        ).first() or create_workspace(user=user, name=DEMO_WORKSPACE)
        datasource = create_datasource(workspace.pk, app["datasource"])
        application = applications.create_application(
            user=user, workspace=workspace, name=DEMO_APPLICATION
        )
        page = pages.update_page(
            page=application.pages.get(),
            name=app["page"]["name"],
            layout=app["page"]["layout"],
        )
        for action in app["actions"]:
            actions.create_action(
                page=page,
                name=action["name"],
                config=action["config"],
                datasource_id=datasource.pk if action.get("datasource") else None,
            )
        applications.publish_application(application=application, user=user)
    return DemoCredentials(user.get_username(), password, application.pk, created=True)
