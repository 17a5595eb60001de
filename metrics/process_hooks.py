"""Hooks by which the process managers keep multiprocess metrics right.

gunicorn reads hooks by name from its config file, so config/gunicorn.py
takes them with one line (or calls them from hooks of its own)::

    from metrics.process_hooks import child_exit, on_starting  # noqa: F401

Celery: config/celery.py connects `celery_worker_init` to ``worker_init``.

Each does nothing without ``PROMETHEUS_MULTIPROC_DIR`` (single-process mode).
"""

from __future__ import annotations

from typing import Any

from metrics.prometheus import clean_process_dir, mark_process_exited

__all__ = ["celery_worker_init", "child_exit", "on_starting"]


def on_starting(server: Any) -> None:
    """gunicorn's master, before the first worker forks: drop the last run's files."""
    clean_process_dir()


def child_exit(server: Any, worker: Any) -> None:
    """gunicorn's master, after a worker exited: forget its live gauges."""
    mark_process_exited(worker.pid)


def celery_worker_init(**_signal: Any) -> None:
    """A Celery worker's main process, before its pool forks: drop the last run's files."""
    clean_process_dir()
