"""Brace's WSGI application with per-request measurements, for bench/portal_load.py.

    gunicorn bench.wsgi_profile:application   (with BRACE_BENCH_PROFILE_DIR=/some/dir)

Without ``BRACE_BENCH_PROFILE_DIR`` this is ``config.wsgi.application``
unchanged. With it, each request that carries ``X-Bench-Measure: 1`` (the load
generator sends it inside its measured window only) is measured in its own
thread, from the
application call until the server closes the response (Django's
``request_finished`` work, such as building the next handler sandbox, is
inside): wall time, the thread's CPU time, SQL statements and their wall
time, wall time inside the JavaScript sandbox (``runtime.engine``: page
evaluation and the handler's QuickJS context, outermost call only), and wall
time waiting on outbound HTTP (``httpx.HTTPTransport.handle_request``).
``BRACE_BENCH_CPROFILE=1`` also runs cProfile around each request (one
profiler per thread, timed by the thread's CPU clock; expect it to slow
Python code down).

Each process writes ``<dir>/counters-<pid>.json`` (and ``profile-<pid>-<n>.prof``)
when it exits: stop gunicorn with SIGTERM, not SIGKILL. Nothing here is part
of Brace or of the test suite.
"""

from __future__ import annotations

import atexit
import cProfile
import functools
import json
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from config.wsgi import application as brace_application

PROFILE_DIR = os.environ.get("BRACE_BENCH_PROFILE_DIR", "")
CPROFILE = os.environ.get("BRACE_BENCH_CPROFILE", "") == "1"

_local = threading.local()
_lock = threading.Lock()
_totals: dict[str, float] = {}
_profilers: list[cProfile.Profile] = []


def _bucket() -> dict[str, float] | None:
    return getattr(_local, "bucket", None)


def _add(key: str, value: float) -> None:
    bucket = _bucket()
    if bucket is not None:
        bucket[key] = bucket.get(key, 0.0) + value


def _timed(key: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` adding its wall time to the request's ``key`` (outermost call only)."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        depth_name = f"depth_{key}"
        depth = getattr(_local, depth_name, 0)
        setattr(_local, depth_name, depth + 1)
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            setattr(_local, depth_name, depth)
            if depth == 0:
                _add(key, time.perf_counter() - started)

    return wrapper


def _install() -> None:
    import httpx

    from runtime import engine

    httpx.HTTPTransport.handle_request = _timed(  # type: ignore[method-assign]
        "outbound_s", httpx.HTTPTransport.handle_request
    )
    for owner, name in (
        (engine.QuickJSEngine, "run"),
        (engine.QuickJSEngine, "verify"),
        (engine.HandlerContext, "__init__"),
        (engine.HandlerContext, "recycle"),
        (engine.HandlerContext, "add_function"),
        (engine.HandlerContext, "call"),
        (engine.HandlerContext, "run_job"),
    ):
        setattr(owner, name, _timed("sandbox_s", getattr(owner, name)))
    atexit.register(_dump)


def _sql(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        elapsed = time.perf_counter() - started
        _add("sql_s", elapsed)
        _add("sql_statements", 1)
        # Per statement shape (its opening words and table): which one waits.
        shape = " ".join(sql.split()[:6])[:90]
        _add(f"sql_s:{shape}", elapsed)
        _add(f"sql_n:{shape}", 1)


def _profiler() -> cProfile.Profile:
    profiler: cProfile.Profile | None = getattr(_local, "profiler", None)
    if profiler is None:
        # The thread's CPU clock: where CPU goes (a wall clock would count waits on
        # PostgreSQL, the API and the GIL as time spent in the function waiting).
        profiler = _local.profiler = cProfile.Profile(time.thread_time)
        with _lock:
            _profilers.append(profiler)
    return profiler


class _Measured:
    """The response iterable; closing it ends the request's measurement."""

    def __init__(self, inner: Iterable[bytes], finish: Callable[[], None]) -> None:
        self._inner = inner
        self._finish = finish

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._inner)

    def close(self) -> None:
        try:
            close = getattr(self._inner, "close", None)
            if close is not None:
                close()
        finally:
            self._finish()


def measured_application(environ: dict[str, Any], start_response: Any) -> Any:
    from django.db import connection

    if environ.get("HTTP_X_BENCH_MEASURE") != "1":  # warm-up, and requests outside the window
        return brace_application(environ, start_response)
    _local.bucket = bucket = {}
    profiler = _profiler() if CPROFILE else None
    wall0, cpu0 = time.perf_counter(), time.thread_time()
    wrapper = connection.execute_wrapper(_sql)
    wrapper.__enter__()
    if profiler is not None:
        profiler.enable()

    def finish() -> None:
        if profiler is not None:
            profiler.disable()
        wrapper.__exit__(None, None, None)
        bucket["wall_s"] = time.perf_counter() - wall0
        bucket["cpu_s"] = time.thread_time() - cpu0
        bucket["requests"] = 1
        _local.bucket = None
        with _lock:
            for key, value in bucket.items():
                _totals[key] = _totals.get(key, 0.0) + value

    try:
        return _Measured(brace_application(environ, start_response), finish)
    except BaseException:
        finish()
        raise


def _dump() -> None:
    folder = Path(PROFILE_DIR)
    with _lock:
        (folder / f"counters-{os.getpid()}.json").write_text(json.dumps(_totals))
        for number, profiler in enumerate(_profilers):
            profiler.dump_stats(str(folder / f"profile-{os.getpid()}-{number}.prof"))


if PROFILE_DIR:
    _install()
    application: Any = measured_application
else:
    application = brace_application
