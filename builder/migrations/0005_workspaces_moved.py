"""Builder lets Workspace and Membership go to the workspaces app.

Applications point at `workspaces.Workspace`, whose table is the one they
pointed at already; builder's own models leave Django's state without
touching the database (the tables now belong to `workspaces`).
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("builder", "0004_workspace_tables"),
        ("datasources", "0002_workspace_in_workspaces"),
        ("workspaces", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="application",
                    name="workspace",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="applications",
                        to="workspaces.workspace",
                    ),
                ),
                migrations.RemoveField(model_name="workspace", name="members"),
                migrations.DeleteModel(name="Membership"),
                migrations.DeleteModel(name="Workspace"),
            ],
            database_operations=[],
        ),
    ]
