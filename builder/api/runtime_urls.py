"""Routes of the portal runtime API (/api/v1/runtime/, see docs/runtime-api.md)."""

from __future__ import annotations

from django.urls import path

from builder.api.file_views import RuntimeFileViewSet
from builder.api.runtime_views import RuntimeJobViewSet, RuntimePageViewSet

urlpatterns = [
    path("files/", RuntimeFileViewSet.as_view({"post": "create"}), name="runtime-files"),
    path(
        "pages/<str:pk>/",
        RuntimePageViewSet.as_view({"get": "retrieve"}),
        name="runtime-page",
    ),
    path(
        "pages/<str:pk>/events/",
        RuntimePageViewSet.as_view({"post": "events"}),
        name="runtime-page-events",
    ),
    path(
        "pages/<str:pk>/load/",
        RuntimePageViewSet.as_view({"post": "load"}),
        name="runtime-page-load",
    ),
    path("jobs/<str:pk>/", RuntimeJobViewSet.as_view({"get": "retrieve"}), name="runtime-job"),
]
