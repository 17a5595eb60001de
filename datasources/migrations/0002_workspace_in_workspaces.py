"""A datasource's workspace is now `workspaces.Workspace`: the same table and
rows (see builder.0004_workspace_tables), so only Django's state changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("datasources", "0001_initial"),
        ("workspaces", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="datasource",
                    name="workspace",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="datasources",
                        to="workspaces.workspace",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
