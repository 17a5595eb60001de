"""URL wiring: admin, browser login, the REST API and its OpenAPI schema, the
editor and portal pages."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="web:editor", permanent=False)),
    # Both sign-in pages, under the token login's rate limit.
    path("", include("builder.web.login_urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/v1/", include("builder.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("", include("builder.web.urls")),
]

handler404 = "restapi.defaults.page_not_found"
