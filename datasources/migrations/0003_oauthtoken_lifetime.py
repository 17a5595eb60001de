"""OAuthToken.lifetime: how long the access token was issued for.

Existing rows get it from their last refresh and expiry, both set from the
same token response.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models


def lifetime_from_last_refresh(apps: Any, schema_editor: Any) -> None:
    token_model = apps.get_model("datasources", "OAuthToken")
    rows = token_model.objects.filter(
        expires_at__isnull=False, last_refreshed_at__isnull=False, lifetime__isnull=True
    )
    for token in rows.only("pk", "expires_at", "last_refreshed_at"):
        lifetime = token.expires_at - token.last_refreshed_at
        if lifetime.total_seconds() > 0:
            token_model.objects.filter(pk=token.pk).update(lifetime=lifetime)


class Migration(migrations.Migration):
    dependencies = [
        ("datasources", "0002_workspace_in_workspaces"),
    ]

    operations = [
        migrations.AddField(
            model_name="oauthtoken",
            name="lifetime",
            field=models.DurationField(blank=True, null=True),
        ),
        migrations.RunPython(lifetime_from_last_refresh, migrations.RunPython.noop),
    ]
