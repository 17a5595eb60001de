"""A URLconf holding only the editor API, to check its part of the OpenAPI schema alone."""

from __future__ import annotations

from django.urls import include, path

urlpatterns = [path("api/v1/", include("builder.api.editor_urls"))]
