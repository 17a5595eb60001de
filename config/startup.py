"""Refuse to start a web or Celery process whose settings fail a system check.

`manage.py` runs Django's system checks before every command and stops on an
error (such as runtime.E003, an upload-session chunk size Dropbox refuses);
gunicorn and Celery never run manage.py. So config/wsgi.py and Celery's
worker_init and beat_init signals (config/celery.py) call `require_checks`,
and a process with such an error exits with the checks' messages instead of
failing later on the first large upload. Warnings are logged and do not stop
anything, as with manage.py; deployment checks (`check --deploy`) are left
to the deploy step, where they belong.
"""

from __future__ import annotations

import logging

from django.core import checks
from django.core.management.base import SystemCheckError

logger = logging.getLogger(__name__)


def require_checks(process: str) -> None:
    """Raise SystemCheckError, naming each error, if a system check fails."""
    messages = [message for message in checks.run_checks() if not message.is_silenced()]
    for message in messages:
        if not message.is_serious():
            logger.warning("%s: %s", process, message)
    errors = [message for message in messages if message.is_serious()]
    if errors:
        listed = "\n".join(str(message) for message in errors)
        raise SystemCheckError(f"{process} refuses to start: system checks found errors:\n{listed}")
