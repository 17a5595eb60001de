"""Routes of /api/v1/, one module per area (see API.md)."""

from django.urls import include, path

urlpatterns = [
    path("", include("builder.api.editor_urls")),
    path("", include("datasources.api.urls")),
    path("runtime/", include("builder.api.runtime_urls")),
]
