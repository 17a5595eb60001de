"""Authenticated API datasources and their OAuth 2.0 tokens."""

from __future__ import annotations

from django.db import models


class Datasource(models.Model):
    # A string reference: datasources imports none of Brace's other apps.
    workspace = models.ForeignKey(
        "builder.Workspace", on_delete=models.CASCADE, related_name="datasources"
    )
    name = models.CharField(max_length=120)
    url = models.URLField(max_length=2000)
    headers = models.JSONField(default=list, blank=True)
    query_params = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="datasource_unique_name"),
        ]
        ordering = ["workspace_id", "name"]

    def __str__(self) -> str:
        return self.name
