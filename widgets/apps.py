"""Django app config for `widgets`; the rest of the package never imports Django."""

from __future__ import annotations

from django.apps import AppConfig


class WidgetsConfig(AppConfig):
    name = "widgets"
    verbose_name = "Widgets"
