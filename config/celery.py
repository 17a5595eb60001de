"""The Celery app. Configuration lives in Django settings under CELERY_*."""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import worker_init

from metrics.process_hooks import celery_worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("brace")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# builder.portal is a package of the builder app, not an app: its tasks module is named here.
app.autodiscover_tasks(["builder.portal"])
# Multiprocess metrics: a worker drops its last run's files before its pool forks.
worker_init.connect(celery_worker_init, weak=False, dispatch_uid="brace-metrics-dir")
