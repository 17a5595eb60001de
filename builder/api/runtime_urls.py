"""Routes of the portal runtime API (/api/v1/runtime/, see docs/runtime-api.md)."""

from __future__ import annotations

from django.urls import path

from builder.api.file_views import RuntimeFileViewSet

urlpatterns = [
    path("files/", RuntimeFileViewSet.as_view({"post": "create"}), name="runtime-files"),
]
