from django.apps import AppConfig


class BuilderConfig(AppConfig):
    name = "builder"
    verbose_name = "Builder"
    default_auto_field = "django.db.models.BigAutoField"
