"""Routes of /api/v1/, one module per area (docs/editor-api.md, docs/runtime-api.md)."""

from django.urls import include, path

urlpatterns = [
    path("", include("builder.api.editor_urls")),
    path("", include("datasources.api.urls")),
    path("runtime/", include("builder.api.runtime_urls")),
]
