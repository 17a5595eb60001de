"""The sign-in pages under the sign-in rate limit, included by `config.urls`
ahead of the admin's and `django.contrib.auth`'s own routes for them."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from builder.throttles import login_rate_limited

urlpatterns = [
    path("admin/login/", login_rate_limited(admin.site.login)),
    path("accounts/login/", login_rate_limited(auth_views.LoginView.as_view()), name="login"),
]
