"""A time limit measured in the calling thread's own CPU time.

A call into the JavaScript engine must stop once *it* has run too long, not
once the process has: with a process-wide clock, four users looping in other
threads spend a fifth user's budget for them. ``CpuLimit`` gives one call a
budget on its thread's CPU clock (``pthread_getcpuclockid``). One watchdog
thread per process watches every limited call and, once a call has spent its
budget, calls that call's ``interrupt`` (for QuickJS, a write that makes the
engine's own interrupt check fire; see ``runtime.engine``), again every
millisecond until the call ends, so an interrupt that lands before the engine
has armed its check is not lost.

A thread's CPU clock advances no faster than the wall clock, so the watchdog
sleeps until the earliest moment any call could run out, then reads the
clocks again: it costs nothing while nobody is near a limit, and a call
overshoots its budget by about the watchdog's wake-up latency. A new call
wakes it only if it could run out before the watchdog would wake anyway, so
a handler's thousand short calls cost a set insertion each, not a thread
switch.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["CpuLimit"]

_REPEAT_S = 0.001


@dataclass(eq=False)
class _Limit:
    clock: int  # the limited thread's CPU clock
    deadline: float  # on that clock
    interrupt: Callable[[], None]


class _Watchdog:
    def __init__(self) -> None:
        self._changed = threading.Condition(threading.Lock())
        self._limits: set[_Limit] = set()
        self._thread: threading.Thread | None = None
        self._wakes_at: float | None = None  # monotonic; None: not until notified

    def add(self, limit: _Limit, seconds: float) -> None:
        with self._changed:
            self._limits.add(limit)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._watch, name="brace-cpu-limit", daemon=True
                )
                self._thread.start()
            if self._wakes_at is None or time.monotonic() + seconds < self._wakes_at:
                self._changed.notify()

    def remove(self, limit: _Limit) -> None:
        # Under the lock: once this returns, the call is never interrupted again.
        with self._changed:
            self._limits.discard(limit)

    def _watch(self) -> None:
        with self._changed:
            while True:
                sleep = self._check()
                self._wakes_at = None if sleep is None else time.monotonic() + sleep
                self._changed.wait(sleep)

    def _check(self) -> float | None:
        """Interrupt the calls out of time; how long until the next one could be."""
        sleep: float | None = None
        for limit in list(self._limits):
            try:
                left = limit.deadline - time.clock_gettime(limit.clock)
            except OSError:  # the thread is gone
                self._limits.discard(limit)
                continue
            if left <= 0:
                limit.interrupt()
                left = _REPEAT_S
            sleep = left if sleep is None else min(sleep, left)
        return None if sleep is None else max(sleep, _REPEAT_S)


_watchdog = _Watchdog()
_thread = threading.local()  # the thread's CPU clock id


def _after_fork() -> None:
    # The watchdog thread does not survive a fork (gunicorn and Celery fork workers),
    # and the forking thread has a new id, so a new CPU clock.
    global _watchdog, _thread
    _watchdog = _Watchdog()
    _thread = threading.local()


os.register_at_fork(after_in_child=_after_fork)


class CpuLimit:
    """Calls ``interrupt`` once this thread has spent ``seconds`` of CPU time in the ``with`` body.

    ``interrupt`` runs on the watchdog's thread, possibly several times; it
    must be quick and must not raise. A class rather than a generator: the
    engine enters one per call into JavaScript, thousands in some handlers.
    """

    __slots__ = ("_limit", "_seconds", "_watchdog")

    def __init__(self, seconds: float, interrupt: Callable[[], None]) -> None:
        clock = getattr(_thread, "clock", None)
        if clock is None:
            clock = _thread.clock = time.pthread_getcpuclockid(threading.get_ident())
        self._limit = _Limit(clock, 0.0, interrupt)
        self._seconds = seconds
        self._watchdog = _watchdog

    def __enter__(self) -> None:
        limit = self._limit
        limit.deadline = time.clock_gettime(limit.clock) + self._seconds
        self._watchdog.add(limit, self._seconds)

    def __exit__(self, *exc_info: object) -> None:
        self._watchdog.remove(self._limit)
