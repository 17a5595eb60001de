"""Routes of the HTML pages, included at the site root by `config.urls`."""

from __future__ import annotations

from django.urls import path, register_converter

from builder.web import views
from restapi.ids import IdConverter

register_converter(IdConverter, "id")

app_name = "web"

urlpatterns = [
    path("apps/<id:application_id>/", views.portal, name="portal"),
    path("apps/<id:application_id>/pages/<id:page_id>/", views.portal, name="portal-page"),
    path("editor/", views.editor_home, name="editor"),
    path("editor/apps/<id:application_id>/", views.editor_app, name="editor-app"),
    path(
        "editor/apps/<id:application_id>/pages/<id:page_id>/",
        views.editor_app,
        name="editor-page",
    ),
    path("editor/datasources/new/", views.datasource_new, name="datasource-new"),
    path("editor/datasources/<id:datasource_id>/", views.datasource_edit, name="datasource"),
]
