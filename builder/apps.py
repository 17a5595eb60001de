from django.apps import AppConfig


class BuilderConfig(AppConfig):
    name = "builder"
    verbose_name = "Builder"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core.signals import request_finished
        from django.db.models.signals import post_delete

        from builder import checks  # noqa: F401  (registers the system checks)
        from builder.execution.files import delete_stored_bytes
        from builder.models import RuntimeFile
        from builder.portal.events import prepare_next_handler

        request_finished.connect(prepare_next_handler, dispatch_uid="brace-next-handler")
        post_delete.connect(
            delete_stored_bytes, sender=RuntimeFile, dispatch_uid="brace-runtime-file-bytes"
        )
