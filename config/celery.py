"""The Celery app. Configuration lives in Django settings under CELERY_*."""

from __future__ import annotations

import os
from typing import Any

from celery import Celery
from celery.signals import beat_init, worker_init
from django.core.management.base import SystemCheckError

from config.startup import require_checks

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("brace")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# builder.portal is a package of the builder app, not an app: its tasks module is named here.
app.autodiscover_tasks(["builder.portal"])


# Celery's Django fixup runs the system checks at worker start but ignores
# what they find; these stop a worker or beat on an error (config/startup.py).
# SystemExit, because Celery logs and swallows a signal handler's exceptions.
@worker_init.connect
def _check_worker(**kwargs: Any) -> None:
    _require_checks("the Celery worker")


@beat_init.connect
def _check_beat(**kwargs: Any) -> None:
    _require_checks("Celery beat")


def _require_checks(process: str) -> None:
    try:
        require_checks(process)
    except SystemCheckError as error:
        raise SystemExit(str(error)) from error
