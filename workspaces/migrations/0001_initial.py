"""Workspace and Membership, taken over from builder with their rows.

The tables exist already (created by builder's first migrations, renamed by
`builder.0004_workspace_tables`), so this migration only records the models
in Django's state. That is also why it depends on builder: a fresh database
replays that history too. The content types move along, so that permissions
granted on the models and the admin's history follow them.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ("workspace", "membership")


def move_content_types(apps, schema_editor, *, source="builder", target="workspaces"):
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MOVED:
        if not content_type.objects.using(db).filter(app_label=target, model=model).exists():
            content_type.objects.using(db).filter(app_label=source, model=model).update(
                app_label=target
            )


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="workspaces", target="builder")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("builder", "0004_workspace_tables"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Workspace",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("name", models.CharField(max_length=120)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                    ],
                    options={
                        "ordering": ["name", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="Membership",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "role",
                            models.CharField(
                                choices=[
                                    ("admin", "Admin"),
                                    ("developer", "Developer"),
                                    ("viewer", "Viewer"),
                                ],
                                max_length=16,
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="memberships",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "workspace",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="memberships",
                                to="workspaces.workspace",
                            ),
                        ),
                    ],
                    options={
                        "ordering": ["workspace_id", "user_id"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("workspace", "user"), name="membership_unique_user"
                            )
                        ],
                    },
                ),
                migrations.AddField(
                    model_name="workspace",
                    name="members",
                    field=models.ManyToManyField(
                        related_name="workspaces",
                        through="workspaces.Membership",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
