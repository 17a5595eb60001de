"""Django app config: registers the runtime's system checks."""

from __future__ import annotations

from django.apps import AppConfig


class RuntimeConfig(AppConfig):
    name = "runtime"
    verbose_name = "Brace runtime"

    def ready(self) -> None:
        from runtime import checks  # noqa: F401 - importing registers the checks
