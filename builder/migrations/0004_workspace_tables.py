"""Workspaces move to their own app: first their tables take the new app's names.

The rows stay where they are: renaming a table keeps its data, its ids and
the foreign keys that point at it (PostgreSQL follows the table; SQLite 3.26+
rewrites the references). `workspaces.0001_initial` then takes the models
over in Django's state, and `0005_workspaces_moved` lets builder's go.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("builder", "0003_published_page_ref"),
    ]

    operations = [
        migrations.AlterModelTable(name="workspace", table="workspaces_workspace"),
        migrations.AlterModelTable(name="membership", table="workspaces_membership"),
    ]
