"""Routes of the HTML pages, included at the site root by `config.urls`."""

from __future__ import annotations

from django.urls import path

from builder.web import views

app_name = "web"

urlpatterns = [
    path("apps/<int:application_id>/", views.portal, name="portal"),
    path("apps/<int:application_id>/pages/<int:page_id>/", views.portal, name="portal-page"),
    path("editor/", views.editor_home, name="editor"),
    path("editor/datasources/new/", views.datasource_new, name="datasource-new"),
    path("editor/datasources/<int:datasource_id>/", views.datasource_edit, name="datasource"),
]
