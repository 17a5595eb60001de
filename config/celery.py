"""The Celery app. Configuration lives in Django settings under CELERY_*."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("brace")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# builder.portal is a package of the builder app, not an app: its tasks module is named here.
app.autodiscover_tasks(["builder.portal"])
