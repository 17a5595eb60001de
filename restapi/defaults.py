"""What the API answers where none of its views decides: OPTIONS, and a URL no route matches.

DRF describes a view on OPTIONS with its metadata class; the default one also
describes the POST and PUT bodies from the view's `serializer_class`, which
Brace's views do not set (they pick a serializer per action), so OPTIONS
raised. `ViewMetadata` answers the rest: name, description, renderers and
parsers; the OpenAPI schema at /api/schema/ describes every body.

A URL under /api/ that matches no route (`/api/v1/pages/0.5/`) answers the
API's own 404 body rather than Django's HTML page.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework.metadata import SimpleMetadata
from rest_framework.request import Request

API_PREFIX = "/api/"


class ViewMetadata(SimpleMetadata):
    """SimpleMetadata without the serializer-derived `actions` (DEFAULT_METADATA_CLASS)."""

    def determine_actions(self, request: Request, view: Any) -> dict[str, Any]:
        return {}


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's handler404: the API's error body under /api/, Django's page elsewhere."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"code": "not_found", "message": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)
