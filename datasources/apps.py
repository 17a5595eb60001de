from django.apps import AppConfig


class DatasourcesConfig(AppConfig):
    name = "datasources"
    verbose_name = "Datasources"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from datasources import checks  # noqa: F401  (registers the system checks)
