"""Datasource routes (docs/editor-api.md): CRUD, authorize, the OAuth 2.0 callback, token.

Included under /api/v1/ by `builder.api.urls`.
"""

from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from datasources.api.views import CALLBACK_URL_NAME, DatasourceViewSet, OAuth2CallbackView

router = SimpleRouter()
router.register("datasources", DatasourceViewSet, basename="datasource")

urlpatterns = [
    path("datasources/oauth2/callback/", OAuth2CallbackView.as_view(), name=CALLBACK_URL_NAME),
    *router.urls,
]
