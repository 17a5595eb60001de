"""Routes of the test provider. Add provider-specific APIs to ``views.py`` and here."""

from __future__ import annotations

from django.contrib.auth.views import LoginView
from django.urls import include, path

from tests.oauth_provider import views

urlpatterns = [
    # Wrapped before DOT's own routes so that faults and counting apply.
    path("o/token/", views.token, name="token"),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("api/me/", views.me, name="me"),
    path("api/echo/", views.echo, name="echo"),
    path("api/deny/", views.deny, name="deny"),
    path("health/", views.health, name="health"),
    path("control/reset/", views.control_reset),
    path("control/mode/", views.control_mode),
    path("control/token-requests/", views.control_token_requests),
    path("control/expire/", views.control_expire),
    path("control/lifetime/", views.control_lifetime),
]

# Provider-shaped APIs (Dropbox, Google Docs, Zoho Campaigns): tests.oauth_provider.dropbox.
from tests.oauth_provider import dropbox, dropbox_sessions, session_faults  # noqa: E402

urlpatterns += [
    path("2/files/upload", dropbox.upload, name="dropbox-upload"),
    path("2/files/upload_session/start", dropbox_sessions.start),
    path("2/files/upload_session/append_v2", dropbox_sessions.append),
    path("2/files/upload_session/finish", dropbox_sessions.finish),
    path("v1/documents", dropbox.create_document, name="docs-create"),
    path("v1/documents/<str:document_id>:batchUpdate", dropbox.batch_update_document),
    path("api/v1.1/json/listsubscribe", dropbox.zoho_list_subscribe, name="zoho-subscribe"),
    path("control/dropbox/", dropbox.control),
    path("control/dropbox/content/", dropbox.control_content),
    path("control/dropbox/reset/", dropbox.control_reset),
    path("control/dropbox/limits/", dropbox.control_limits),
    path("control/dropbox/sessions/fault/", dropbox_sessions.control_fault),
    path("control/dropbox/sessions/reset/", dropbox_sessions.control_reset),
    path("control/dropbox/sessions/expire/", dropbox_sessions.control_expire),
    path("control/dropbox/sessions/slow/", dropbox_sessions.control_slow),
    path("control/dropbox/sessions/faults/", session_faults.control),
]
