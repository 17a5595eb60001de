"""Workspaces moved from builder to their own app without losing a row.

The database is taken back to the state before the move (builder 0003,
datasources 0001, no workspaces app), filled with the demo (builder/examples/dropbox_portal.json:
workspace, members with roles, application, page, action, published version,
datasource with tokens), and migrated forward with Django's MigrationExecutor,
as Django's own migration tests do. Every row keeps its id, role and foreign
keys; the tables are renamed, not copied. It runs on the configured database:
SQLite by default, PostgreSQL in CI's second run.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps as current_apps
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.conftest import SEED_APP

MOVE = {"builder": "0003_published_page_ref", "datasources": "0001_initial", "workspaces": None}


def _migrate(targets: list[tuple[str, str | None]]) -> Any:
    """Migrate the test database to `targets`; the historical models there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()  # reload what is applied now
    return executor.loader.project_state(
        [(app, name) for app, name in targets if name is not None]
    ).apps


def _latest() -> list[tuple[str, str | None]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _before() -> list[tuple[str, str | None]]:
    """Every app at its latest migration, but the three the move touches before it."""
    others = [node for node in _latest() if node[0] not in MOVE]
    return [*others, *MOVE.items()]


def _load_demo(apps: Any) -> dict[str, Any]:
    """The seed's example app as rows of the models before the move."""
    user_model = apps.get_model("auth", "User")
    workspace_model = apps.get_model("builder", "Workspace")
    membership_model = apps.get_model("builder", "Membership")
    application_model = apps.get_model("builder", "Application")
    page_model = apps.get_model("builder", "Page")
    action_model = apps.get_model("builder", "Action")
    version_model = apps.get_model("builder", "PublishedVersion")
    ref_model = apps.get_model("builder", "PublishedPageRef")
    datasource_model = apps.get_model("datasources", "Datasource")
    token_model = apps.get_model("datasources", "OAuthToken")
    content_type_model = apps.get_model("contenttypes", "ContentType")
    permission_model = apps.get_model("auth", "Permission")

    demo = json.loads(SEED_APP.read_text())
    users = {
        role: user_model.objects.create(username=name, is_superuser=role == "admin")
        for role, name in (
            ("admin", "alice_admin"),
            ("developer", "dave_developer"),
            ("viewer", "vera_viewer"),
            ("outsider", "oscar_outsider"),
        )
    }
    other = workspace_model.objects.create(name="Other")
    membership_model.objects.create(workspace=other, user=users["outsider"], role="admin")
    workspace = workspace_model.objects.create(name="Demo")
    for role in ("admin", "developer", "viewer"):
        membership_model.objects.create(workspace=workspace, user=users[role], role=role)

    settings = dict(demo["datasource"])
    authentication = settings.pop("authentication")
    datasource = datasource_model.objects.create(
        workspace=workspace,
        auth_type=authentication.pop("type"),
        **settings,
        **authentication,
    )
    token_model.objects.create(
        datasource=datasource,
        access_token="sl.access-token-of-the-demo",
        refresh_token="refresh-token-of-the-demo",
        token_type="bearer",
        status="authorized",
        expires_at=timezone.now() + timedelta(hours=4),
        scopes=["files.content.write"],
    )
    token_model.objects.create(datasource=datasource, user=users["viewer"], status="unauthorized")

    application = application_model.objects.create(
        workspace=workspace, name="Dropbox portal", slug="dropbox-portal", created_by=users["admin"]
    )
    page = page_model.objects.create(
        application=application,
        name=demo["page"]["name"],
        slug="page1",
        layout=demo["page"]["layout"],
    )
    for action in demo["actions"]:
        action_model.objects.create(
            page=page,
            name=action["name"],
            config=action["config"],
            datasource=datasource if action.get("datasource") else None,
        )
    version = version_model.objects.create(
        application=application,
        number=1,
        snapshot={"pages": [{"id": page.pk, "name": page.name, "layout": page.layout}]},
        published_by=users["admin"],
    )
    application.published_version = version
    application.save(update_fields=["published_version"])
    ref_model.objects.create(page_id=page.pk, application=application)

    # A permission granted on the model: it must follow the model to its new app.
    content_type, _ = content_type_model.objects.get_or_create(
        app_label="builder", model="workspace"
    )
    permission, _ = permission_model.objects.get_or_create(
        content_type=content_type, codename="change_workspace", defaults={"name": "Can change"}
    )
    users["developer"].user_permissions.add(permission)
    return {
        "workspace": workspace.pk,
        "permission": permission.pk,
        "developer": users["developer"].pk,
    }


def _rows(apps: Any, workspace_app: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row the move may touch, by table, as (id, foreign keys, values)."""

    def rows(app: str, model: str, *fields: str) -> list[tuple[Any, ...]]:
        queryset = apps.get_model(app, model).objects.order_by("pk")
        return [tuple(getattr(row, name) for name in ("pk", *fields)) for row in queryset]

    return {
        "workspace": rows(workspace_app, "Workspace", "name", "created_at", "updated_at"),
        "membership": rows(
            workspace_app, "Membership", "workspace_id", "user_id", "role", "created_at"
        ),
        "application": rows(
            "builder",
            "Application",
            "workspace_id",
            "name",
            "slug",
            "created_by_id",
            "published_version_id",
        ),
        "page": rows("builder", "Page", "application_id", "name", "layout"),
        "action": rows("builder", "Action", "page_id", "datasource_id", "name", "config"),
        "version": rows("builder", "PublishedVersion", "application_id", "number", "snapshot"),
        "ref": rows("builder", "PublishedPageRef", "application_id"),
        "datasource": rows(
            "datasources", "Datasource", "workspace_id", "name", "client_id", "client_secret"
        ),
        "token": rows(
            "datasources",
            "OAuthToken",
            "datasource_id",
            "user_id",
            "access_token",
            "refresh_token",
            "status",
            "expires_at",
        ),
    }


@pytest.mark.django_db(transaction=True)
def test_the_demo_survives_the_move_to_the_workspaces_app():
    latest = _latest()
    try:
        old_apps = _migrate(_before())
        demo = _load_demo(old_apps)
        before = _rows(old_apps, "builder")
        assert [len(before[table]) for table in ("workspace", "membership", "token")] == [2, 4, 2]

        new_apps = _migrate(latest)
        assert _rows(new_apps, "workspaces") == before

        # The relations work through the new models, in both directions.
        workspace_model = new_apps.get_model("workspaces", "Workspace")
        workspace = workspace_model.objects.get(pk=demo["workspace"])
        assert sorted(workspace.memberships.values_list("user__username", "role")) == [
            ("alice_admin", "admin"),
            ("dave_developer", "developer"),
            ("vera_viewer", "viewer"),
        ]
        assert sorted(workspace.members.values_list("username", flat=True)) == [
            "alice_admin",
            "dave_developer",
            "vera_viewer",
        ]
        assert list(workspace.applications.values_list("name", flat=True)) == ["Dropbox portal"]
        assert list(workspace.datasources.values_list("name", flat=True)) == ["Dropbox"]
        action = new_apps.get_model("builder", "Action").objects.get()
        assert action.datasource.workspace == action.page.application.workspace == workspace

        permission = new_apps.get_model("auth", "Permission").objects.get(pk=demo["permission"])
        assert (permission.content_type.app_label, permission.content_type.model) == (
            "workspaces",
            "workspace",
        )
        assert permission.user_set.filter(pk=demo["developer"]).exists()
    finally:
        _migrate(latest)


@pytest.mark.django_db(transaction=True)
def test_after_the_move_new_rows_get_new_ids_and_foreign_keys_hold():
    """The renamed tables keep their id sequences and the constraints that point at them."""
    from builder.models import Application
    from workspaces.models import Workspace

    latest = _latest()
    try:
        old_apps = _migrate(_before())
        demo = _load_demo(old_apps)
        _migrate(latest)
    finally:
        _migrate(latest)

    workspace = Workspace.objects.create(name="New")
    assert workspace.pk > demo["workspace"]
    Application.objects.create(workspace=workspace, name="A", slug="a")
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(workspace_id=workspace.pk + 1000, name="B", slug="b")


def test_no_model_below_builder_points_at_builder():
    """The cycle builder -> datasources -> builder is gone from the models."""
    for label in ("workspaces", "datasources"):
        for model in current_apps.get_app_config(label).get_models():
            for field in model._meta.get_fields():
                if field.is_relation and field.concrete and field.related_model is not None:
                    target = field.related_model
                    assert not isinstance(target, str), field  # resolved once apps are ready
                    assert target._meta.app_label != "builder", model
