"""URL wiring: admin, browser login, the REST API and its OpenAPI schema, the
editor and portal pages, Prometheus metrics."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.settings import spectacular_settings
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from metrics.views import metrics_view

# Swagger UI comes from drf-spectacular's CDN, and its page has an inline
# <style>; its script is served from here (the split view), not inline.
_SWAGGER_UI = f"{spectacular_settings.SWAGGER_UI_DIST}/"
swagger_ui = csp_update(
    {
        "script-src": [_SWAGGER_UI],
        "style-src": [_SWAGGER_UI, UNSAFE_INLINE],
        "img-src": [_SWAGGER_UI],
    }
)(SpectacularSwaggerSplitView.as_view(url_name="schema"))

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="web:editor", permanent=False)),
    # Both sign-in pages, under the token login's rate limit.
    path("", include("builder.web.login_urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/v1/", include("builder.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", swagger_ui, name="swagger-ui"),
    path("metrics", metrics_view, name="metrics"),
    path("", include("builder.web.urls")),
]

handler404 = "restapi.defaults.page_not_found"
