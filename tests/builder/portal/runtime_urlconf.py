"""A URLconf holding only the portal runtime routes, for their schema."""

from __future__ import annotations

from django.urls import include, path

urlpatterns = [path("api/v1/runtime/", include("builder.api.runtime_urls"))]
