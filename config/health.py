"""Health probes for load balancers and orchestrators: /healthz and /readyz.

``/healthz`` says the process answers (liveness: nothing else is touched).
``/readyz`` says it can serve: the database answers ``SELECT 1``, the cache
stores and reads a value, the Celery broker accepts a connection (for kombu's
filesystem transport: its folders are there and writable) and no migration is
waiting. It answers 200 ``{"status": "ok"}``, or 503 ``{"status":
"unavailable", "checks": {"database": "ok", "broker": "down", ...}}``: names
and fixed words only, never a host, a port or an error message, which go to
the log instead.

They are answered by a middleware placed right after Django's
SecurityMiddleware, before anything reads the Host header, the session or the
user: a load balancer probes an instance by its own address, which is not in
ALLOWED_HOSTS, and over plain HTTP (SECURE_REDIRECT_EXEMPT names both paths).
Nothing is cached but the migrations' answer once it is "applied": the code
a process runs cannot gain migrations while it runs, and loading every
migration file on each probe is not cheap.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Final

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from kombu import Connection

logger = logging.getLogger(__name__)

# A probe must answer well within a load balancer's own timeout (often 5 s).
BROKER_TIMEOUT_S: Final = 2.0
CACHE_KEY: Final = "brace:readyz"

OK: Final = "ok"
DOWN: Final = "down"
PENDING: Final = "pending"

_migrations_applied = False


def _failed(check: str) -> str:
    logger.warning("readyz: %s check failed", check, exc_info=True)
    return DOWN


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # whatever the driver raises, the database is not usable
        return _failed("database")
    return OK


def check_cache() -> str:
    try:
        cache.set(CACHE_KEY, OK, timeout=30)
        if cache.get(CACHE_KEY) != OK:
            raise LookupError("the cache did not return what was just stored")
    except Exception:  # Redis, file or other backend errors alike
        return _failed("cache")
    return OK


def check_broker() -> str:
    url: str = settings.CELERY_BROKER_URL
    options: dict[str, object] = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
    if url.startswith("filesystem:"):
        # The filesystem transport "connects" without looking at its folders.
        folders = [options.get(key) for key in ("data_folder_in", "data_folder_out")]
        folders.append(options.get("control_folder"))
        if all(isinstance(f, str) and os.path.isdir(f) and os.access(f, os.W_OK) for f in folders):
            return OK
        logger.warning("readyz: a folder of the filesystem broker is missing or read-only")
        return DOWN
    timeouts = {"socket_timeout": BROKER_TIMEOUT_S, "socket_connect_timeout": BROKER_TIMEOUT_S}
    try:
        with Connection(
            url,
            ssl=getattr(settings, "CELERY_BROKER_USE_SSL", False),
            connect_timeout=BROKER_TIMEOUT_S,
            transport_options={**options, **timeouts},
        ) as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0)
    except Exception:  # kombu wraps some errors and not others
        return _failed("broker")
    return OK


def check_migrations() -> str:
    global _migrations_applied  # a per-process memo, see the module docstring
    if _migrations_applied:
        return OK
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception:  # the database check reports why
        return _failed("migrations")
    if plan:
        return PENDING
    _migrations_applied = True
    return OK


def forget_migrations() -> None:
    """Check the migrations again on the next probe (tests; a process never needs it)."""
    global _migrations_applied
    _migrations_applied = False


READINESS_CHECKS: Final[dict[str, Callable[[], str]]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "migrations": check_migrations,
}


def _answer(body: dict[str, object], status: int) -> HttpResponse:
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response


def healthz() -> HttpResponse:
    return _answer({"status": OK}, 200)


def readyz() -> HttpResponse:
    checks = {name: check() for name, check in READINESS_CHECKS.items()}
    if all(result == OK for result in checks.values()):
        return _answer({"status": OK}, 200)
    return _answer({"status": "unavailable", "checks": checks}, 503)


PROBES: Final[dict[str, Callable[[], HttpResponse]]] = {"/healthz": healthz, "/readyz": readyz}


class HealthProbeMiddleware:
    """Answers the probes' two paths before host validation, sessions and auth."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info)
        if probe is None:
            return self.get_response(request)
        if request.method not in {"GET", "HEAD"}:
            return HttpResponseNotAllowed(["GET", "HEAD"])
        return probe()
