"""A URLconf holding only the routes of builder.api.run_views and file_views, for their schema."""

from __future__ import annotations

from django.urls import include, path

from builder.api.file_views import RuntimeFileViewSet
from builder.api.run_views import ActionRunViewSet, PageEvaluateViewSet

urlpatterns = [
    path(
        "api/v1/",
        include(
            [
                path("pages/<str:pk>/evaluate/", PageEvaluateViewSet.as_view({"post": "evaluate"})),
                path("actions/<str:pk>/run/", ActionRunViewSet.as_view({"post": "run"})),
                path(
                    "actions/<str:pk>/evaluate/",
                    ActionRunViewSet.as_view({"post": "evaluate"}),
                ),
                path("runtime/files/", RuntimeFileViewSet.as_view({"post": "create"})),
            ]
        ),
    )
]
