"""Routes of the editor API (docs/editor-api.md): token login and the builder's objects."""

from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from builder.api.action_views import ActionViewSet
from builder.api.application_views import ApplicationViewSet
from builder.api.editor_views import MemberViewSet, TokenLoginView, WorkspaceViewSet
from builder.api.page_views import PageViewSet
from builder.api.widget_type_views import WidgetTypeViewSet

router = SimpleRouter()
router.register("workspaces", WorkspaceViewSet, basename="workspace")
router.register("applications", ApplicationViewSet, basename="application")
router.register("pages", PageViewSet, basename="page")
router.register("actions", ActionViewSet, basename="action")
router.register("widget-types", WidgetTypeViewSet, basename="widget-type")

members = MemberViewSet.as_view({"get": "list", "post": "create"})
member = MemberViewSet.as_view({"patch": "partial_update", "delete": "destroy"})

urlpatterns = [
    path("auth/token/", TokenLoginView.as_view(), name="auth-token"),
    path("workspaces/<str:workspace_pk>/members/", members, name="workspace-members"),
    path("workspaces/<str:workspace_pk>/members/<str:user_pk>/", member, name="workspace-member"),
    *router.urls,
]

# Evaluating a page or a query, and running a query (builder.api.run_views).
from builder.api.run_views import ActionRunViewSet, PageEvaluateViewSet  # noqa: E402

urlpatterns += [
    path(
        "pages/<str:pk>/evaluate/",
        PageEvaluateViewSet.as_view({"post": "evaluate"}),
        name="page-evaluate",
    ),
    path("actions/<str:pk>/run/", ActionRunViewSet.as_view({"post": "run"}), name="action-run"),
    path(
        "actions/<str:pk>/evaluate/",
        ActionRunViewSet.as_view({"post": "evaluate"}),
        name="action-evaluate",
    ),
]
